"""Theoretical SQNR of uniform quantization"""

import math
import random

from autograder.course.quiz import Choice, Integer, Number

TEXT = """\
A b = {{ b }}-bit uniform quantizer has 2^b levels spaced Δ apart covering [−A, A]
(Δ = 2A / 2^b). Its input is a **full-scale sine**: a sine wave of amplitude A, whose peaks
just reach the ends of the range. SQNR = 10 · log10(signal power / quantization-noise power),
in dB; the noise is the rounding error x̂ − x.

- `sqnr`: the theoretical SQNR of this quantizer, in dB, under the textbook noise model of the
  next part, within ±0.05 dB.
- `assumption`: the textbook result rests on which model of the quantization noise?
- `bits`: the smallest number of bits b whose theoretical SQNR (same input, same model) is at
  least {{ target }} dB."""

DEFAULTS = {"b": 8, "target": 60}

PER_BIT = 20 * math.log10(2)  # 6.0206 dB: each bit halves Δ, a quarter of the noise power
SINE = 10 * math.log10(1.5)  # 1.7609 dB: sine power A²/2 over the noise power Δ²/12, at b = 0


def sqnr_db(b: int) -> float:
    """(A²/2) / (Δ²/12) with Δ = 2A/2^b is 1.5 · 4^b."""
    return 10 * math.log10(1.5 * 4 ** b)


def draw(rng: random.Random) -> dict:
    """b from 2 to 16; a whole-dB target from 20 to 100 at least 0.1 dB from every b's SQNR,
    so the rounded rule and the exact one need the same number of bits."""
    while True:
        target = rng.randint(20, 100)
        if all(abs(sqnr_db(n) - target) >= 0.1 for n in range(1, 20)):
            return {"b": rng.randint(2, 16), "target": target}


def answer(b, target):
    value = sqnr_db(b)
    assert abs(value - (PER_BIT * b + SINE)) < 1e-9
    bits = next(n for n in range(1, 64) if sqnr_db(n) >= target)
    model = ("the signal is uniformly distributed over [−A, A], so its power is A²/3",
             "the error is always Δ/2 (the worst case), so its power is Δ²/4",
             "the error is uniform on [−Δ/2, Δ/2] and independent of the signal, so its power "
             "is Δ²/12",
             "the error is uniform on [0, Δ] (the quantizer truncates), so its power is Δ²/3",
             "the error is Gaussian with standard deviation Δ, so its power is Δ²")
    return {"sqnr": Number(value, abs=0.05, points=2),
            "assumption": Choice(options=model, correct=2),
            "bits": Integer(bits)}
