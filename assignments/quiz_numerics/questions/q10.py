"""Why the first and last layers are the most sensitive"""

import random
from fractions import Fraction

from autograder.course.quiz import Choice, Choices, Number

TEXT = """\
Quantizing a language model, one finds that the first layer (the token embedding) and the last
layer (the LM head that produces the logits) are the most sensitive to quantization.

- `why`: pick **every** statement that explains this sensitivity.
- `keep`: what do quantization recipes usually do about it?
- `percent`: a model has a vocabulary of V = {{ "{:,}".format(V) }} tokens, hidden size
  d = {{ "{:,}".format(d) }} and L = {{ L }} transformer layers. Count 12·d² parameters per layer
  (attention 4·d², MLP 8·d²), plus an embedding and a separate (untied) LM head of V·d each;
  ignore norms, biases and everything else. What percentage of all the parameters do the
  embedding and the LM head hold together? In percent (12.5 for 12.5 %), to at least 3
  significant figures."""

DEFAULTS = {"V": 32000, "d": 4096, "L": 32}


MAX_SHARE = 20  # percent: above it "a small share" (the right `keep`) would not be true


def _share(V, d, L) -> Fraction:
    return Fraction(100 * 2 * V * d, 2 * V * d + 12 * L * d * d)


def draw(rng: random.Random) -> dict:
    """A vocabulary, a width and a depth of real models' sizes, where the embedding and the LM
    head hold at most 20 % of the parameters (small models' embeddings can hold more than half)."""
    while True:
        p = {"V": rng.choice([32000, 32768, 50257, 65536, 100352, 128256, 151936, 256000]),
             "d": rng.choice([1024, 2048, 2560, 3072, 4096, 5120, 6144, 8192]),
             "L": rng.randint(12, 80)}
        if _share(**p) <= MAX_SHARE:
            return p


def answer(V, d, L):
    share = _share(V, d, L)
    assert share <= MAX_SHARE  # the distractor "they hold most of the parameters" is false
    why = ("an error made in the first layer passes through every later layer, which can amplify "
           "it",
           "the first and last layers hold most of the model's parameters, so most of the rounding "
           "error is made there",
           "only the first and last layers are quantized; the other layers stay in full precision",
           "the last layer's error lands directly on the logits that the softmax and the sampling "
           "read: no later layer follows to absorb it",
           "their weights are kept in FP32 during training, which INT8 cannot represent at all")
    keep = ("quantize them to fewer bits than the other layers, so that their error is smaller",
            "remove them and let the middle layers take over their role",
            "keep them in higher precision (e.g. BF16, or INT8 when the rest is INT4): they hold "
            "a small share of the parameters, so this costs little memory",
            "nothing: the sensitivity disappears once the model is quantized")
    return {"why": Choices(options=why, correct=(0, 3), points=2),
            "keep": Choice(options=keep, correct=2),
            "percent": Number(float(share), sig=3)}
