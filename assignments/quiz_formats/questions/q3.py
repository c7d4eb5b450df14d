"""Decimal digits of precision"""

import math

import ml_dtypes
import numpy as np

from autograder.course.quiz import Number

TEXT = """\
How many decimal digits of precision does each format carry? In this quiz the decimal digits of
a format are **log10(2^p) = p · log10(2)**, where **p** is the number of significand bits
*including* the hidden leading 1 (p = fraction bits + 1). Give FP32's, FP16's and BF16's, each to
2 significant figures (e.g. `4.5`; not rounded to a whole number)."""

DEFAULTS = {}

FORMATS = {"fp32": np.float32, "fp16": np.float16, "bf16": ml_dtypes.bfloat16}


def answer():
    return {name: Number((ml_dtypes.finfo(dtype).nmant + 1) * math.log10(2), sig=2)
            for name, dtype in FORMATS.items()}
