"""Symmetric or asymmetric"""

import random

from autograder.course.quiz import Choice, Choices

TEXT = """\
Both schemes store a value x as an integer code q with one scale s per tensor: **symmetric**
quantization as `q = round(x / s)` with codes symmetric about 0 (zero point 0), **asymmetric**
(affine) quantization as `q = round(x / s) + z` with an integer zero point z, s and z set from
the tensor's minimum and maximum. Four questions on them, with their options below:

1. `q8_zero`: in which scheme is the zero point always 0, so that the representable range is
   symmetric about 0, [-α, α]?
2. `q8_skewed`: post-ReLU activations all lie in [0, R] (R > 0). At the same bit width, which
   scheme gives them the smaller step s, i.e. the more precise codes?
3. `q8_outlier`: a tensor's values are almost all within ±1, but one of them is {{ outlier }}.
   With one scale per tensor taken from its range, what goes wrong, in either scheme?
4. `q8_fix`: which of these reduce the error such an outlier causes? **Pick all that apply**."""

DEFAULTS = {"outlier": 40}


def draw(rng: random.Random) -> dict:
    return {"outlier": rng.choice([20, 30, 40, 50, 60, 80, 100])}


def answer(outlier):
    return {
        "zero": Choice(options=(
            "Symmetric quantization",
            "Asymmetric (affine) quantization",
            "Both: every scheme's zero point is 0",
            "Neither: in both, 0.0 is only approximated by the nearest code",
        ), correct=0),
        "skewed": Choice(options=(
            "Asymmetric: it spreads [0, R] over all the codes",
            "Symmetric: its zero point of 0 matches the data's minimum",
            "Neither: the step depends only on R and the bit width, so it is the same",
            "It depends on R: symmetric for small R, asymmetric for large R",
        ), correct=0),
        "outlier": Choice(options=(
            ("The outlier stretches the scale many times over, so the other values share a few "
             "codes near 0 (many become exactly 0)"),
            "The outlier is clipped to the largest code and loses most of its value",
            "The zero point overflows the integer range",
            "Nothing: a scale taken from the range covers every value, so the error stays small",
        ), correct=0),
        "fix": Choices(options=(
            ("Clip the range (e.g. at a percentile, or at the threshold that minimizes the mean "
             "squared error) and let the few outliers saturate"),
            ("Use per-channel or per-group scales, so the outlier coarsens only its own channel "
             "or group"),
            "Switch from symmetric to asymmetric quantization",
            "Take the scale from the largest |x| over a bigger calibration set",
            "Round toward zero instead of to the nearest code",
        ), correct=(0, 1), points=2),
    }
