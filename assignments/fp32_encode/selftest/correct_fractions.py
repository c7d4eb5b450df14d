"""fp32_encode with exact rational arithmetic (fractions.Fraction).

Find the binade of |x| by comparing with powers of two, scale by the ulp, and round the
quotient to the nearest integer, ties to even, by comparing the remainder with 1/2.
"""

import math
from fractions import Fraction

HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def _check(exp_bits, man_bits):
    if not 2 <= exp_bits <= 11:
        raise ValueError("exp_bits must be between 2 and 11")
    if not 1 <= man_bits <= 52:
        raise ValueError("man_bits must be between 1 and 52")


def encode_float(x, exp_bits, man_bits):
    _check(exp_bits, man_bits)
    bias = 2 ** (exp_bits - 1) - 1
    top = 2 ** exp_bits - 1
    sign = 1 if math.copysign(1.0, x) < 0 else 0
    head = sign << (exp_bits + man_bits)
    if math.isnan(x):
        return head | (top << man_bits) | 1
    if math.isinf(x):
        return head | (top << man_bits)
    a = abs(Fraction(x))
    if a == 0:
        return head
    e = 0
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    e = max(e, 1 - bias)
    scaled = a / Fraction(2) ** (e - man_bits)
    k = scaled.numerator // scaled.denominator
    rest = scaled - k
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and k % 2 == 1):
        k += 1
    if k == 2 ** (man_bits + 1):
        k //= 2
        e += 1
    if k < 2 ** man_bits:                       # subnormal
        return head | k
    field = e + bias
    if field >= top:
        return head | (top << man_bits)
    return head | (field << man_bits) | (k - 2 ** man_bits)


def decode_float(bits, exp_bits, man_bits):
    _check(exp_bits, man_bits)
    if not 0 <= bits < 2 ** (1 + exp_bits + man_bits):
        raise ValueError("bits out of range")
    bias = 2 ** (exp_bits - 1) - 1
    sign = bits >> (exp_bits + man_bits)
    field = (bits >> man_bits) & (2 ** exp_bits - 1)
    frac = bits & (2 ** man_bits - 1)
    if field == 2 ** exp_bits - 1:
        value = math.nan if frac else math.inf
    elif field == 0:
        value = float(frac * Fraction(2) ** (1 - bias - man_bits))
    else:
        value = float((1 + Fraction(frac, 2 ** man_bits)) * Fraction(2) ** (field - bias))
    return -value if sign else value


def encode_fp32(x):
    return encode_float(x, 8, 23)


def decode_fp32(bits):
    return decode_float(bits, 8, 23)


def fp32_fields(x):
    b = encode_fp32(x)
    return (b >> 31, (b >> 23) & 255, b & (2 ** 23 - 1))
