"""fp8_formats: FP16, BF16 and the OCP FP8 formats E4M3FN and E5M2, encoded and decoded by hand.

Write every function below with integer arithmetic, `math` and `fractions` only.
Forbidden (the point is to do the rounding yourself): numpy, torch, ml_dtypes, jax, tensorflow,
struct, ctypes, array, and the attributes .astype, .view, .tobytes. An argument may be a
np.float32: convert it with float(x) (exact), you never need numpy itself.

A layout (exp_bits e, man_bits m) has bias = 2**(e-1) - 1, and a code
sign | exponent field E | fraction field f  means
    E == 0          (-1)**sign * f * 2**(1 - bias - m)               (zero, subnormal)
    otherwise       (-1)**sign * (1 + f / 2**m) * 2**(E - bias)      (normal)
except the top field E == 2**e - 1: "ieee" layouts (FP32, FP16, BF16, E5M2) keep it for
±inf (f == 0) and NaN (f != 0); E4M3FN ("fn", finite only) uses it for normal values and only
f == 0b111 is NaN (0x7f and 0xff), so its largest value is 1.110b * 2**8 = 448.

Encoding: round to nearest, ties to even. A value that rounds (with the exponent unbounded) above
the largest finite value overflows: ±max finite with saturate=True; otherwise ±inf (E5M2, FP16,
BF16) or NaN (E4M3FN). The sign bit of a code is always the sign bit of x (zeros and NaN too).
A NaN input gives the canonical NaN with x's sign: 0x7f, 0x7e, 0x7e00, 0x7fc0 (| the sign bit).

Check your work locally with:  ulp check fp8_formats fp8_formats.py
"""

import math  # noqa: F401  (allowed)
from fractions import Fraction  # noqa: F401  (allowed)

# The hand part: work these out ON PAPER for the values v and w your statement names, and write
# each E4M3FN code as 8 characters '0'/'1': sign, 4 exponent bits, 3 fraction bits
# (for v = 320.0 it would be "01111010"). Empty strings score nothing.
HAND_V = ""   # the E4M3FN code of v (exact, no rounding needed)
HAND_W = ""   # the E4M3FN code of w (one rounding: nearest, ties to even)


def encode_e4m3fn(x: float, saturate: bool = False) -> int:
    """The FP8 E4M3FN code of the float32 value x (a Python float or np.float32), an int in [0, 256).

    encode_e4m3fn(-26.0) == 0xdd; encode_e4m3fn(464.0) == 0x7e (448: the tie goes to even);
    encode_e4m3fn(480.0) == 0x7f (NaN: overflow); encode_e4m3fn(480.0, saturate=True) == 0x7e;
    encode_e4m3fn(float('-inf')) == 0xff; encode_e4m3fn(-0.0) == 0x80.
    """
    raise NotImplementedError("encode_e4m3fn is not written yet")


def decode_e4m3fn(code: int) -> float:
    """The value of an E4M3FN code, as a float (NaN for 0x7f and 0xff, -0.0 for 0x80).

    decode_e4m3fn(0x7e) == 448.0; decode_e4m3fn(0x01) == 2**-9.
    ValueError if code is outside [0, 256).
    """
    raise NotImplementedError("decode_e4m3fn is not written yet")


def encode_e5m2(x: float, saturate: bool = False) -> int:
    """The FP8 E5M2 code of the float32 value x (a Python float or np.float32), an int in [0, 256).

    encode_e5m2(57344.0) == 0x7b; encode_e5m2(61440.0) == 0x7c (inf: the tie goes to 65536);
    encode_e5m2(61440.0, saturate=True) == 0x7b; encode_e5m2(float('nan')) == 0x7e.
    """
    raise NotImplementedError("encode_e5m2 is not written yet")


def decode_e5m2(code: int) -> float:
    """The value of an E5M2 code, as a float (±inf for 0x7c / 0xfc, NaN for 0x7d-0x7f, 0xfd-0xff).

    decode_e5m2(0x7b) == 57344.0; decode_e5m2(0x01) == 2**-16.
    ValueError if code is outside [0, 256).
    """
    raise NotImplementedError("decode_e5m2 is not written yet")


def encode_fp16(x: float) -> int:
    """The IEEE FP16 code of the float32 value x, an int in [0, 65536); overflow gives ±inf.

    encode_fp16(1.0) == 0x3c00; encode_fp16(65520.0) == 0x7c00; encode_fp16(float('nan')) == 0x7e00.
    """
    raise NotImplementedError("encode_fp16 is not written yet")


def decode_fp16(code: int) -> float:
    """The value of an FP16 code, as a float. ValueError if code is outside [0, 65536)."""
    raise NotImplementedError("decode_fp16 is not written yet")


def encode_bf16(x: float) -> int:
    """The BF16 code of the float32 value x, an int in [0, 65536); overflow gives ±inf.

    encode_bf16(1.0) == 0x3f80; encode_bf16(1 + 2**-8 + 2**-20) == 0x3f81 (rounded, not truncated);
    encode_bf16(float('nan')) == 0x7fc0.
    """
    raise NotImplementedError("encode_bf16 is not written yet")


def decode_bf16(code: int) -> float:
    """The value of a BF16 code, as a float. ValueError if code is outside [0, 65536)."""
    raise NotImplementedError("decode_bf16 is not written yet")


def format_info(exp_bits: int, man_bits: int, nan_style: str) -> dict:
    """The constants of a layout, as a dict with exactly these keys:

    bias (int), max_finite, min_normal, min_subnormal, epsilon (2**-man_bits),
    unit_roundoff (2**-(man_bits+1)) (floats), decimal_digits (int: the largest d with
    10**d <= 2**(man_bits+1)), has_infinity (bool), nan_codes (int: how many codes are NaN).
    nan_style is "ieee" or "fn". ValueError unless 2 <= exp_bits <= 8, 1 <= man_bits <= 23 and
    nan_style is one of those two strings.

    format_info(4, 3, "fn")["max_finite"] == 448.0; format_info(5, 2, "ieee")["nan_codes"] == 6.
    """
    raise NotImplementedError("format_info is not written yet")


def which_formats_hold(x: float) -> list:
    """The names, in the order "fp32", "fp16", "bf16", "e5m2", "e4m3fn", of the formats that hold
    the finite float32 value x: rounding x there (saturate=False) gives a finite value, and a
    non-zero one unless x is zero. ValueError for NaN and ±inf.

    which_formats_hold(70000.0) == ["fp32", "bf16"]
    """
    raise NotImplementedError("which_formats_hold is not written yet")
