"""Stochastic rounding of a small update"""

import random
from decimal import Decimal
from fractions import Fraction

import ml_dtypes

from autograder.course.quiz import Choice, Number

TEXT = """\
A weight w = {{ m * 2.0 ** k }} is stored in BF16. One BF16 ulp at w (the gap from w to the next
larger BF16 number) is u = 2^{{ k }} = {{ 2.0 ** k }}. An optimizer step adds g = {{ g }} to it:
the exact sum w + g lies strictly between the BF16 numbers w and w + u, and is then rounded back
to BF16.

- `rne`: what does round to nearest, ties to even, give?
- `p_up`: with **stochastic rounding** instead (the exact sum becomes one of its two BF16
  neighbours, picked at random so that the expected result is exactly w + g; take g and the
  sum as exact), what is the probability that it becomes w + u? A number from 0 to 1, to at least
  3 significant figures (e.g. 0.125)."""

DEFAULTS = {"m": 128, "k": -7, "g": "0.003"}


def draw(rng: random.Random) -> dict:
    """u = 2^k (k from -10 to -4), w = m · u with 128 <= m <= 255 (so u is w's ulp), and g a
    2-significant-figure decimal from 5% to 95% of u, not within 5% of u / 2."""
    k = rng.randint(-10, -4)
    while True:
        g = Decimal(f"{rng.uniform(0.05, 0.95) * 2.0 ** k:.1e}")
        ratio = Fraction(g) / Fraction(2) ** k
        if Fraction(1, 20) <= ratio <= Fraction(19, 20) and abs(ratio - Fraction(1, 2)) >= Fraction(1, 20):
            return {"m": rng.randint(128, 255), "k": k, "g": format(g.normalize(), "f")}


def answer(m, k, g):
    u = Fraction(2) ** k
    w = m * u
    assert 2 ** 7 <= m < 2 ** 8  # 2^(k+7) <= w < 2^(k+8): 8 significant bits, ulp 2^k
    assert float(ml_dtypes.bfloat16(float(w))) == w and float(ml_dtypes.bfloat16(float(w + u))) == w + u
    assert float(ml_dtypes.bfloat16(float(w + u / 2))) != w + u / 2  # none between: u is w's ulp
    step = Fraction(g)
    assert 0 < step < u
    rounded = Fraction(float(ml_dtypes.bfloat16(float(w + step))))  # RNE (w + g is exact in FP64)
    assert rounded == (w if step < u / 2 else w + u)
    wf = float(w)
    options = (f"w + g = {float(w + step)!r} exactly (BF16 keeps the update)",
               f"w − u = {float(w - u)!r} (one ulp down)",
               f"w = {wf!r}: the update is lost (g is less than half an ulp)",
               f"w + u = {float(w + u)!r} (one ulp up)",
               "NaN (the update underflows)")
    correct = 2 if rounded == w else 3
    return {"rne": Choice(options=options, correct=correct),
            "p_up": Number(float(step / u), sig=3, points=2)}
