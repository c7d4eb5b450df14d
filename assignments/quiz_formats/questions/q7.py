"""Asymmetric quantization of skewed data"""

import random
from fractions import Fraction

from autograder.course.quiz import Integer, Number

TEXT = """\
Activations that are mostly positive lie in **[lo, hi] = [{{ lo }}, {{ hi }}]**. Quantize them
to **UINT8** with **asymmetric** (affine) quantization: the codes are 0 to 255, `lo` maps to
code 0 and `hi` to code 255 with one scale `s` (equal steps), and the **zero point** `z` is the
code that stands for 0.0, rounded to the nearest integer: `z = round(-lo / s)` (no tie occurs
here). A value x is stored as `round(x / s) + z` and read back as `(q - z) · s`.

Give the scale `s` to at least 4 significant figures (`q7_scale`) and the zero point `z`
(`q7_zero_point`). For comparison, give also the scale of **symmetric INT8** quantization of
the same data, to at least 4 significant figures (`q7_sym_scale`): zero point 0, codes -127 to
127, the largest magnitude in [lo, hi] mapped onto 127."""


def _zero(lo: str, hi: str) -> Fraction:
    return -Fraction(lo) * 255 / (Fraction(hi) - Fraction(lo))


def _check(lo: str, hi: str) -> None:
    """A drawn range is well defined: lo < 0 < hi, and -lo / s at least 0.05 from a tie."""
    z = _zero(lo, hi)
    if not (Fraction(lo) < 0 < Fraction(hi) and abs(z - int(z) - Fraction(1, 2)) >= Fraction(1, 20)):
        raise ValueError(f"[{lo}, {hi}] gives the zero point {float(z)}: not well defined")


DEFAULTS = {"lo": "-0.70", "hi": "5.30"}  # s = 6/255, -lo / s = 29.75: z = 30


def draw(rng: random.Random) -> dict:
    """lo from -1.50 to -0.10, hi from 2.00 to 8.00; -lo / s 0.6 to 0.9 past a whole number
    (so truncating gives another zero point)."""
    while True:
        lo, hi = f"{-rng.randint(10, 150) / 100:.2f}", f"{rng.randint(200, 800) / 100:.2f}"
        z = _zero(lo, hi)
        if Fraction(6, 10) <= z - int(z) <= Fraction(9, 10):
            return {"lo": lo, "hi": hi}


def answer(lo, hi):
    _check(lo, hi)
    low, high = Fraction(lo), Fraction(hi)
    scale = (high - low) / 255
    return {"scale": Number(float(scale), sig=4),
            "zero_point": Integer(round(-low / scale)),
            "sym_scale": Number(float(max(abs(low), abs(high)) / 127), sig=4)}
