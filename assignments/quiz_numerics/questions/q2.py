"""Machine epsilon: why 1.0 + δ can equal 1.0"""

import random
from fractions import Fraction

import ml_dtypes
import numpy as np

from autograder.course.quiz import Choice, Integer, Number

TEXT = """\
Work in **{{ fmt }}** ({{ {"FP16": 10, "BF16": 7, "FP32": 23}[fmt] }} stored fraction bits), where
every operation rounds its exact result to the nearest {{ fmt }} number, **ties to even** (to
the neighbour whose last fraction bit is 0).

- `eps`: the **machine epsilon** of {{ fmt }}, defined here as the gap between 1.0 and the next
  larger {{ fmt }} number (not half of that gap, and not the smallest x with 1 + x ≠ 1).
- `k`: δ = {% if dm == 1 %}2^{{ de }}{% else %}{{ dm }} · 2^{{ de }}{% endif %} is a number of
  {{ fmt }}. The {{ fmt }} sum `1.0 + δ` (one addition: the exact sum, rounded as above) equals
  1 + k · eps for a whole number k. Give k.
- `reason`: in {{ fmt }}, `1.0 + {{ s }} == 1.0` is true ({{ s }} is first rounded to {{ fmt }},
  then added); in FP64 it is false. Why?"""

DEFAULTS = {"fmt": "FP32", "dm": 1, "de": -24, "s": "1e-8"}

FORMATS = {"FP16": (np.float16, 10), "BF16": (ml_dtypes.bfloat16, 7), "FP32": (np.float32, 23)}
# small values, each a normal number of its format, below half its epsilon, yet 1 + s != 1 in FP64
SMALL = {"FP16": ["1e-4", "2e-4", "3e-4", "1.5e-4", "2.5e-4", "4e-4"],
         "BF16": ["1e-3", "2e-3", "3e-3", "5e-4", "1.5e-3", "2.5e-3"],
         "FP32": ["1e-8", "2e-8", "3e-8", "5e-8", "1e-9", "4e-8"]}


def draw(rng: random.Random) -> dict:
    """A format, δ = m · eps / 4 (m = 1..7, ties m = 2 and 6 drawn most), and a small value."""
    fmt = rng.choice(sorted(FORMATS))
    m = rng.choice([1, 2, 2, 3, 5, 6, 6, 7])
    de = -FORMATS[fmt][1] - 2
    while m % 2 == 0:
        m, de = m // 2, de + 1
    return {"fmt": fmt, "dm": m, "de": de, "s": rng.choice(SMALL[fmt])}


def answer(fmt, dm, de, s):
    kind, p = FORMATS[fmt]
    eps = Fraction(float(ml_dtypes.finfo(kind).eps))
    assert eps == Fraction(1, 2 ** p)
    delta = dm * Fraction(2) ** de
    assert Fraction(float(kind(float(delta)))) == delta, "δ must be a number of the format"
    total = Fraction(float(kind(1.0) + kind(float(delta))))
    k = (total - 1) / eps
    assert k.denominator == 1
    # the reason: s rounds to a non-zero normal number, and 1 + s is 1 in the format, not in FP64
    small = kind(float(s))
    tiny = float(ml_dtypes.finfo(kind).tiny)  # the smallest positive normal number
    assert float(small) >= tiny and kind(1.0) + small == kind(1.0) and 1.0 + float(s) != 1.0
    right = (f"{s} is less than half of {fmt}'s machine epsilon: the exact sum "
             f"is closer to 1.0 than to the next {fmt} number, so it rounds back to 1.0; FP64's "
             "epsilon is far smaller, so there the sum is a different number")
    reason = (
        f"{s} is below {fmt}'s smallest positive number, so it becomes 0 before the addition",
        f"{s} has no exact binary representation, so {fmt} drops it; FP64 stores it exactly",
        right,
        f"{fmt} addition truncates (rounds toward zero), while FP64 rounds to nearest",
        f"{fmt} has fewer exponent bits than FP64, so a number as small as {s} is out of its range",
    )
    return {"eps": Number(float(eps), sig=3),
            "k": Integer(int(k), points=2),
            "reason": Choice(options=reason, correct=reason.index(right))}
