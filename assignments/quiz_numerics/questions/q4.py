"""Softmax overflow"""

import math
import random
import warnings

import numpy as np

from autograder.course.quiz import Choice, Number

TEXT = """\
Logits x = [{{ x[0] }}, {{ x[1] }}, {{ x[2] }}].

- `naive`: softmax computed naively in FP32: each exp(x_i) in FP32 (a result beyond FP32's
  largest number, about 3.4e38, becomes inf), their sum in FP32, then each exp(x_i) divided by
  that sum in FP32 (IEEE rules: inf / inf is NaN, a finite number / inf is 0). What is the result,
  entries in the order of the logits?
- `p1`, `p2`, `p3`: the **stable** softmax, which subtracts max(x) from every logit before
  exponentiating (the same function mathematically): its three entries, in the order of the
  logits, each to at least 4 significant figures (e.g. 0.1234)."""

DEFAULTS = {"x": [89.0, 89.1, 89.2]}

SIG = 4


def _clear(v: float, sig: int) -> bool:
    """v is far (a tenth of a unit) from a rounding boundary at ``sig`` figures and from a power
    of ten, so a value computed in FP32 (from the logits rounded to FP32: relative errors up to
    about 1e-5) rounds to the same ``sig`` figures as the exact one."""
    unit = 10.0 ** (math.floor(math.log10(v)) - sig + 1)
    frac = (v / unit) % 1
    return abs(frac - 0.5) > 0.1 and v / 10.0 ** math.ceil(math.log10(v)) < 0.999


def _stable(x) -> list[float]:
    top = max(x)
    e = [math.exp(v - top) for v in x]
    return [v / sum(e) for v in e]


def draw(rng: random.Random) -> dict:
    """Three distinct logits with one decimal, at most 3.0 apart: either all past FP32's exp
    overflow (x > 88.72), or one or two of them below 88.5 (their exp is finite)."""
    while True:
        if rng.random() < 0.6:
            tenths = rng.sample(range(888, 1000), 3)
        else:
            low = rng.sample(range(860, 886), rng.choice([1, 2]))
            tenths = low + rng.sample(range(888, 916), 3 - len(low))
            rng.shuffle(tenths)
        x = [t / 10 for t in tenths]
        if max(x) - min(x) <= 3.0 and all(_clear(p, SIG) for p in _stable(x)):
            return {"x": x}


def _show(v) -> str:
    return "nan" if math.isnan(v) else ("inf" if math.isinf(v) else repr(float(v)))


def answer(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's overflow and invalid-value warnings
        e = np.exp(np.array(x, dtype=np.float32))
        naive = e / e.sum(dtype=np.float32)
    assert naive.dtype == np.float32
    got = "[" + ", ".join(_show(v) for v in naive) + "]"
    top = x.index(max(x))
    lowest = x.index(min(x))
    mixed = "[" + ", ".join("0.0" if i == lowest else "nan" for i in range(3)) + "]"
    options = ["[nan, nan, nan]", "[inf, inf, inf]", "[0.0, 0.0, 0.0]",
               "[" + ", ".join("1.0" if i == top else "0.0" for i in range(3)) + "]",
               "the right probabilities (FP32's range is large enough)",
               "[0.3333333, 0.3333333, 0.3333333] (the overflowed values are equal)"]
    if got not in options:
        options.insert(3, got)  # one or two exps are finite: e.g. [0.0, nan, nan]
    elif mixed not in options:
        options.insert(3, mixed)  # the careless answer "the smallest logit does not overflow"
    assert not np.isfinite(naive).all()
    exact = _stable(x)
    parts = {"naive": Choice(options=tuple(options), correct=options.index(got))}
    for i, p in enumerate(exact, 1):
        parts[f"p{i}"] = Number(p, sig=SIG)
    return parts
