"""VRAM of a model: INT4 inference and Adam training"""

import random
from fractions import Fraction

from autograder.course.quiz import Number

TEXT = """\
A model has N = {{ n }} billion parameters ({{ n }} × 10^9). Give each memory size in **GiB**
(1 GiB = 2^30 = 1,073,741,824 bytes; not GB = 10^9 bytes), to at least 3 significant figures.

- `int4`: inference with INT4 weights (4 bits per parameter, two per byte). Count the weights
  only: no quantization scales or zero points, no activations, no KV cache, no framework overhead.
- `train`: training on one GPU with Adam in mixed precision. Count per parameter: its BF16
  weight, its BF16 gradient, an FP32 master copy of the weight, and Adam's two FP32 moments
  (m and v). Nothing else: no activations, no temporary buffers, no sharding."""

DEFAULTS = {"n": "7"}

GIB = 2**30
INT4 = Fraction(4, 8)  # bytes per parameter
ADAM = 2 + 2 + 4 + 4 + 4  # bf16 weight + bf16 gradient + fp32 master + fp32 m + fp32 v


def _clear(v: Fraction, sig: int) -> bool:
    """v is at least 5% of a unit from a rounding boundary at ``sig`` figures (and from a power
    of ten), so a student's rounded constants (1 GiB ≈ 1.074e9 B) do not tip it over."""
    exp = len(str(int(v))) - 1 if v >= 1 else -len(str(int(1 / v)))
    unit = Fraction(10) ** (exp - sig + 1)
    frac = (v / unit) % 1
    return abs(frac - Fraction(1, 2)) > Fraction(1, 20) and Fraction(1, 20) < frac < Fraction(19, 20)


def draw(rng: random.Random) -> dict:
    """N from 1.0 to 180.0 billion, in tenths (a whole N written without a decimal)."""
    while True:
        tenths = rng.randint(10, 1800)
        n = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
        params = Fraction(n) * 10**9
        if _clear(params * INT4 / GIB, 3) and _clear(params * ADAM / GIB, 3):
            return {"n": n}


def answer(n):
    params = Fraction(n) * 10**9
    assert params.denominator == 1 and params > 0
    return {"int4": Number(float(params * INT4 / GIB), sig=3, points=2),
            "train": Number(float(params * ADAM / GIB), sig=3, points=2)}
