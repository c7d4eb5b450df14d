"""fp32_encode: IEEE 754 binary floating point, encoded and decoded by hand.

Write every function below with integer arithmetic and `math` / `fractions` only.
Forbidden (the point is to do the work yourself): struct, ctypes, array, numpy, torch,
ml_dtypes, float.hex / float.fromhex (no `.hex` or `.fromhex` at all).

A binary format with `exp_bits` exponent bits and `man_bits` fraction bits has
bias = 2**(exp_bits - 1) - 1, and a pattern  sign | exponent field E | fraction field f  means
    E == 0                    (-1)**sign * f * 2**(1 - bias - man_bits)      (zero, subnormal)
    0 < E < 2**exp_bits - 1   (-1)**sign * (1 + f / 2**man_bits) * 2**(E - bias)   (normal)
    E == 2**exp_bits - 1      ±inf if f == 0, else NaN.
FP32 is (exp_bits, man_bits) = (8, 23); FP16 (5, 10); BF16 (8, 7); FP8-E5M2 (5, 2).

Rounding, for every format: round to nearest, ties to even. A magnitude that rounds above the
largest finite value becomes ±inf. The sign of zero is kept. NaN encodes to any NaN pattern.

Check your work locally with:  ulp check fp32_encode fp32_encode.py
"""

import math  # noqa: F401  (allowed)
from fractions import Fraction  # noqa: F401  (allowed)

# The hand part: work these out ON PAPER for the value v your statement names, then write the
# answers here as strings of '0' and '1' (for v = -13.625 they would be "1", "10000010" and
# "10110100000000000000000"). Empty strings score nothing.
HAND_SIGN = ""        # 1 character: the sign bit
HAND_EXPONENT = ""    # 8 characters: the biased exponent field
HAND_MANTISSA = ""    # 23 characters: the fraction field (the bits after the hidden 1)


def encode_fp32(x: float) -> int:
    """The 32-bit pattern of x rounded to FP32, as an int in [0, 2**32).

    encode_fp32(-13.625) == 0xC15A0000; encode_fp32(-0.0) == 0x80000000;
    encode_fp32(1e39) == 0x7F800000 (overflow); encode_fp32(float('nan')) is any NaN pattern.
    """
    raise NotImplementedError("encode_fp32 is not written yet")


def decode_fp32(bits: int) -> float:
    """The value of a 32-bit pattern: ±0, subnormals, normals, ±inf, NaN (any NaN pattern -> a NaN).

    decode_fp32(0xC15A0000) == -13.625; decode_fp32(1) == 2**-149.
    ValueError if bits is outside [0, 2**32).
    """
    raise NotImplementedError("decode_fp32 is not written yet")


def fp32_fields(x: float) -> tuple[int, int, int]:
    """(sign, biased_exponent, fraction) of encode_fp32(x), as a tuple of three ints:
    sign in {0, 1}, biased_exponent in [0, 255], fraction in [0, 2**23).

    fp32_fields(-13.625) == (1, 130, 0x5A0000)
    """
    raise NotImplementedError("fp32_fields is not written yet")


def encode_float(x: float, exp_bits: int, man_bits: int) -> int:
    """The bit pattern of x rounded to the format (exp_bits, man_bits), as an int in
    [0, 2**(1 + exp_bits + man_bits)). Same rules as encode_fp32.

    ValueError unless 2 <= exp_bits <= 11 and 1 <= man_bits <= 52.
    encode_float(-13.625, 8, 23) == 0xC15A0000; encode_float(1.0, 5, 10) == 0x3C00.
    """
    raise NotImplementedError("encode_float is not written yet")


def decode_float(bits: int, exp_bits: int, man_bits: int) -> float:
    """The value of a bit pattern of the format (exp_bits, man_bits). Same rules as decode_fp32.

    ValueError unless 2 <= exp_bits <= 11 and 1 <= man_bits <= 52, and ValueError if bits is
    outside [0, 2**(1 + exp_bits + man_bits)).
    decode_float(0x3C00, 5, 10) == 1.0; decode_float(0x7B, 5, 2) == 57344.0 (E5M2's largest).
    """
    raise NotImplementedError("decode_float is not written yet")
