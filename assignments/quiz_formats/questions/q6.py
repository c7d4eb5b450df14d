"""Symmetric integer quantization"""

import random
from fractions import Fraction

from autograder.course.quiz import Integer, Number

TEXT = """\
Quantize a tensor to **INT{{ b }}** with **symmetric** quantization, in its usual restricted-range
form: the zero point is 0, the integer codes are symmetric about 0 (the most negative
two's-complement value, -2^{{ b - 1 }}, is never used), and one scale `s` per tensor maps the
tensor's largest magnitude **max|x| = {{ amax }}** exactly onto the largest code. A value x is
stored as the code `q = round(x / s)` (to the nearest integer; no value here falls on a tie)
and read back as `q · s`.

Give how many distinct values a tensor quantized this way can hold (`q6_levels`), the scale `s`
to at least 4 significant figures (`q6_scale`), and the code `q` of the value **x = {{ x }}**,
with its sign (`q6_code`)."""


def _check(b: int, amax: str, x: str) -> None:
    """A drawn set is well defined: |x| below max|x|, and x / s at least 0.05 from a tie."""
    ratio = abs(Fraction(x)) * (2 ** (b - 1) - 1) / Fraction(amax)
    if not (abs(Fraction(x)) < Fraction(amax) and abs(ratio - int(ratio) - Fraction(1, 2)) >= Fraction(1, 20)):
        raise ValueError(f"x = {x} is not a well-defined value for INT{b} with max|x| = {amax}")


DEFAULTS = {"b": 8, "amax": "2.54", "x": "-1.337"}  # s = 0.02, x / s = -66.85: q = -67


def draw(rng: random.Random) -> dict:
    """b from 4 to 8; max|x| from 0.50 to 8.00; x between two codes, 0.6 to 0.9 of the way
    from the lower magnitude to the higher (so truncating gives another code), 4 significant
    figures, either sign."""
    b = rng.randint(4, 8)
    qmax = 2 ** (b - 1) - 1
    while True:
        amax = Fraction(rng.randint(50, 800), 100)
        magnitude = (rng.randint(1, qmax - 1) + Fraction(rng.randint(60, 90), 100)) * amax / qmax
        x = f"{rng.choice([-1, 1]) * float(magnitude):.4g}"
        try:
            _check(b, f"{float(amax):.2f}", x)
        except ValueError:
            continue
        return {"b": b, "amax": f"{float(amax):.2f}", "x": x}


def answer(b, amax, x):
    _check(b, amax, x)
    qmax = 2 ** (b - 1) - 1
    codes = range(-qmax, qmax + 1)  # -2^(b-1) unused
    scale = Fraction(amax) / qmax
    return {"levels": Integer(len(codes)), "scale": Number(float(scale), sig=4),
            "code": Integer(round(Fraction(x) / scale))}
