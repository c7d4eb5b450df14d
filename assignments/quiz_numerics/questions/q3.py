"""A gradient beyond FP16's range"""

import random
import warnings

import ml_dtypes
import numpy as np

from autograder.course.quiz import Choice, Choices, Integer

TEXT = """\
A gradient entry has the value g = {{ g }} (an FP32 number: it is exact there). It is cast to
narrower formats, each time rounding to the nearest number of the format, **ties to even**; a
value beyond a format's largest finite number becomes infinity (IEEE overflow: no saturation,
no exception).

- `holds`: pick **every** format in which g is stored as a finite number (no overflow).
- `fp16`: what does the cast of g to FP16 give?
- `bf16`: the BF16 number g becomes (a whole number: write its exact value, e.g. 123904)."""

DEFAULTS = {"g": 70000}

FORMATS = (("FP16 (1 sign, 5 exponent, 10 fraction bits)", np.float16),
           ("BF16 (1 sign, 8 exponent, 7 fraction bits)", ml_dtypes.bfloat16),
           ("FP32 (1 sign, 8 exponent, 23 fraction bits)", np.float32),
           ("FP8 E5M2 (1 sign, 5 exponent, 2 fraction bits)", ml_dtypes.float8_e5m2))


def draw(rng: random.Random) -> dict:
    """A multiple of 100 from 65,600 (past FP16's overflow threshold 65,520) to 999,900."""
    return {"g": rng.randint(656, 9999) * 100}


def _cast(g: int, kind) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's "overflow encountered in cast"
        return float(kind(np.float32(g)))


def answer(g):
    assert float(np.float32(g)) == g
    holds = tuple(i for i, (_, kind) in enumerate(FORMATS) if np.isfinite(_cast(g, kind)))
    fp16 = _cast(g, np.float16)
    outcomes = (
        (f"a finite FP16 number close to {g} (g rounded to the nearest FP16 number)",
         np.isfinite(fp16) and fp16 != 65504.0),
        ("65504, FP16's largest number (the cast saturates)", fp16 == 65504.0),
        ("+inf", fp16 == np.inf),
        ("NaN", np.isnan(fp16)),
        (f"{g} − 65536 = {g - 65536} (it wraps around like a 16-bit integer)", False),
    )
    assert sum(bool(right) for _, right in outcomes) == 1
    bf16 = _cast(g, ml_dtypes.bfloat16)
    assert bf16.is_integer()
    return {"holds": Choices(options=tuple(name for name, _ in FORMATS), correct=holds, points=2),
            "fp16": Choice(options=tuple(text for text, _ in outcomes),
                           correct=next(i for i, (_, right) in enumerate(outcomes) if right)),
            "bf16": Integer(int(bf16), points=2)}
