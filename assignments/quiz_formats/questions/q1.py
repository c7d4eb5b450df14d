"""Bit layouts of FP32, FP16 and BF16"""

import ml_dtypes
import numpy as np

from autograder.course.quiz import Integer

TEXT = """\
Give the bit layout of each of the three formats: how many bits hold the sign, how many the
exponent field, and how many the fraction (the stored mantissa bits, **without** the hidden
leading 1 of a normal number). FP32 is IEEE 754 binary32 (`float32`), FP16 is IEEE 754 binary16
(`float16`, "half") and BF16 is bfloat16 (`bfloat16`, "brain float"). Every one of them has the
same number of sign bits: give it once, as `q1_sign`."""

DEFAULTS = {}

FORMATS = {"fp32": np.float32, "fp16": np.float16, "bf16": ml_dtypes.bfloat16}


def answer():
    parts = {}
    signs = set()
    for name, dtype in FORMATS.items():
        info = ml_dtypes.finfo(dtype)
        signs.add(info.bits - info.nexp - info.nmant)
        parts[f"{name}_exponent"] = Integer(int(info.nexp))
        parts[f"{name}_fraction"] = Integer(int(info.nmant))
    (sign,) = signs  # one sign bit in each
    return {"sign": Integer(int(sign)), **parts}
