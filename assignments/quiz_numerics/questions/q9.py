"""Hadamard rotation before quantization"""

import math
import random
from fractions import Fraction

import numpy as np

from autograder.course.quiz import Choice, Number

TEXT = """\
QuaRot and QuIP# multiply weights (and activations) by an orthogonal Hadamard rotation before
quantizing them, and undo the rotation afterwards, so the full-precision model computes exactly
the same function.

- `why`: why does rotating first reduce the quantization error (with the usual absmax scale,
  which maps the largest |value| to the largest code)?
- `max`: a vector x of length n = {{ n }} has one entry equal to {{ a }} and all the others 0. It
  is rotated with the normalized Hadamard matrix: y = H·x / √n, where H has entries ±1 and
  H·Hᵀ = n·I. What is max_i |y_i|? To at least 4 significant figures."""

DEFAULTS = {"n": 64, "a": 40.0}


def draw(rng: random.Random) -> dict:
    """n a power of 4 from 16 to 4,096 (√n a whole number); the outlier from 10.0 to 99.9."""
    return {"n": 4 ** rng.randint(2, 6), "a": rng.randint(100, 999) / 10}


def _rotate(x: np.ndarray) -> np.ndarray:
    """H·x / √n with H in Sylvester's order (H_2m = [[H_m, H_m], [H_m, -H_m]]), by the fast
    Walsh-Hadamard butterflies."""
    y, h = x.astype(np.float64).copy(), 1
    while h < len(y):
        y = y.reshape(-1, 2, h)
        y = np.stack([y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]], axis=1).reshape(-1)
        h *= 2
    return y / math.sqrt(len(y))


def answer(n, a):
    x = np.zeros(n)
    x[0] = a
    y = _rotate(x)
    exact = Fraction(a) / math.isqrt(n)
    assert math.isqrt(n) ** 2 == n and abs(np.abs(y).max() - float(exact)) <= 1e-12 * a
    why = ("the rotation reduces the norm (the energy) of the vector, so there is less to quantize",
           "H has entries ±1, so the rotated values are integers and quantize without error",
           "the rotation makes most values exactly zero, and zeros quantize without error",
           "the rotation spreads an outlier over all coordinates: the norm is unchanged but the "
           "largest |value| drops, so the absmax scale and the quantization step shrink for every "
           "value",
           "the rotation sorts the values by magnitude, so the largest ones get more levels",
           "the rotation changes the model, which is then fine-tuned to tolerate the error")
    return {"why": Choice(options=why, correct=3, points=2),
            "max": Number(float(exact), sig=4)}
