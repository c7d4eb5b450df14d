"""The largest finite FP32, FP16 and BF16 values"""

import ml_dtypes
import numpy as np

from autograder.course.quiz import Number

TEXT = """\
Give the largest finite value of FP32 (IEEE 754 binary32), of FP16 (IEEE 754 binary16) and of
BF16 (bfloat16): the largest number each format holds that is not an infinity. Write each to at
least 4 significant figures (e.g. `1.235e9` for 1234567890), or exactly as `m * 2^e` with a
decimal `m` (e.g. `"1.5 * 2^20"`)."""

DEFAULTS = {}

FORMATS = {"fp32": np.float32, "fp16": np.float16, "bf16": ml_dtypes.bfloat16}


def answer():
    return {name: Number(float(ml_dtypes.finfo(dtype).max), sig=4)
            for name, dtype in FORMATS.items()}
