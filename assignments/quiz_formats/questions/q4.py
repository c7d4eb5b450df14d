"""An FP8 format"""

import math
import random

import ml_dtypes

from autograder.course.quiz import Integer, Number

TEXT = """\
Your FP8 format is **{{ fmt }}**, as the OCP 8-bit floating point specification defines it (the
FP8 of NVIDIA H100 and of PyTorch's `{{ torch }}`): 1 sign bit, {{ e }} exponent bits,
{{ m }} fraction bits, an IEEE-style biased exponent, subnormals when the exponent field is 0.
{% if fmt == "E4M3" -%}
E4M3 has **no infinities**: the all-ones exponent field `1111` holds ordinary normal values,
except the two patterns `S 1111 111`, which are NaN.
{%- else -%}
E5M2 follows IEEE 754: the all-ones exponent field `11111` is reserved for ±infinity (fraction
`00`) and NaN (any other fraction); it holds no finite value.
{%- endif %}

Give its exponent **bias** (a normal number with sign S, exponent field E and fraction field
F is `(-1)^S · (1 + F / 2^{{ m }}) · 2^(E - bias)`), its **largest finite value**, its
**smallest positive normal value**, and its **decimal digits** of precision in this quiz's
convention: log10(2^p) = p · log10(2), where p counts the significand bits including the
hidden 1. The two values: exactly (`"1.5 * 2^4"`, `"2^-10"`) or to at least 4 significant
figures; the digits to 2 significant figures."""

# name -> (ml_dtypes type, torch dtype name); the layout comes from the type itself
FORMATS = {"E4M3": (ml_dtypes.float8_e4m3fn, "torch.float8_e4m3fn"),
           "E5M2": (ml_dtypes.float8_e5m2, "torch.float8_e5m2")}


def _parameters(fmt: str) -> dict:
    info = ml_dtypes.finfo(FORMATS[fmt][0])
    return {"fmt": fmt, "e": int(info.nexp), "m": int(info.nmant), "torch": FORMATS[fmt][1]}


DEFAULTS = _parameters("E4M3")


def draw(rng: random.Random) -> dict:
    return _parameters(rng.choice(sorted(FORMATS)))


def answer(fmt, e, m, torch):
    info = ml_dtypes.finfo(FORMATS[fmt][0])
    return {"bias": Integer(1 - int(info.minexp)),
            "max": Number(float(info.max), sig=4),
            "min_normal": Number(float(info.smallest_normal), sig=4),
            "digits": Number((info.nmant + 1) * math.log10(2), sig=2)}
