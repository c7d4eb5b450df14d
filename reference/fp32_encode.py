"""Reference solution for fp32_encode: IEEE 754 binary formats, encoded and decoded by hand.

Everything is exact integer arithmetic on the exact value of the input double
(`float.as_integer_ratio`), so no step rounds except the one rounding the contract asks for:
round to nearest, ties to even, as IEEE 754 does for every binary format.

A binary format with `exp_bits` exponent bits and `man_bits` fraction bits has
    bias = 2**(exp_bits - 1) - 1,   emin = 1 - bias,   emax = bias,
and a bit pattern  sign | exponent field E | fraction field f  stands for
    E == 0              (-1)**sign * f * 2**(emin - man_bits)               zero or subnormal
    0 < E < 2**eb - 1   (-1)**sign * (2**man_bits + f) * 2**(E - bias - man_bits)   normal
    E == 2**eb - 1      (-1)**sign * inf if f == 0, else NaN.
Every value of every accepted format (exp_bits <= 11, man_bits <= 52) is exactly a double, so
decoding is exact too.
"""

import math

__all__ = [
    "encode_fp32", "decode_fp32", "fp32_fields", "encode_float", "decode_float",
    "HAND_SIGN", "HAND_EXPONENT", "HAND_MANTISSA",
]

# The hand part, for the default value v = -13.625 = -1101.101b = -1.101101b * 2**3:
# sign 1, biased exponent 3 + 127 = 130 = 10000010b, fraction .101101 padded to 23 bits.
HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def _check_format(exp_bits, man_bits):
    """Validate a format's field widths (ints; bool is rejected as a type error)."""
    for name, value in (("exp_bits", exp_bits), ("man_bits", man_bits)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not 2 <= exp_bits <= 11:
        raise ValueError(f"exp_bits must be in [2, 11], got {exp_bits}")
    if not 1 <= man_bits <= 52:
        raise ValueError(f"man_bits must be in [1, 52], got {man_bits}")


def _as_float(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"x must be a float, got {type(x).__name__}")
    return float(x)


def _round_shift(n, shift):
    """n / 2**shift rounded to the nearest integer, ties to even (n >= 0, any int shift)."""
    if shift <= 0:
        return n << -shift
    q = n >> shift
    rem = n - (q << shift)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and q & 1):
        q += 1
    return q


def encode_float(x, exp_bits, man_bits):
    """The bit pattern of x rounded (nearest, ties to even) to the format (exp_bits, man_bits).

    Returns an int in [0, 2**(1 + exp_bits + man_bits)). Overflow gives ±inf, the sign of zero
    is kept, and NaN encodes to the quiet NaN with the sign of x.
    """
    _check_format(exp_bits, man_bits)
    x = _as_float(x)
    sign = 1 if math.copysign(1.0, x) < 0 else 0
    exp_all_ones = (1 << exp_bits) - 1
    sign_bit = sign << (exp_bits + man_bits)
    if math.isnan(x):
        return sign_bit | (exp_all_ones << man_bits) | (1 << (man_bits - 1))
    if math.isinf(x):
        return sign_bit | (exp_all_ones << man_bits)
    if x == 0.0:
        return sign_bit

    bias = (1 << (exp_bits - 1)) - 1
    emin = 1 - bias
    # |x| = n / d exactly, d a power of two, so |x| = n * 2**-k with k = log2(d).
    n, d = abs(x).as_integer_ratio()
    k = d.bit_length() - 1
    e = n.bit_length() - 1 - k                 # 2**e <= |x| < 2**(e + 1)
    q = max(e, emin) - man_bits                # exponent of the last fraction bit (the ulp)
    m = _round_shift(n, q + k)                 # |x| / 2**q, rounded to an integer
    if m == 1 << (man_bits + 1):               # rounding carried into the next binade
        m >>= 1
        q += 1
    if m < (1 << man_bits):                    # subnormal (or rounded down to zero)
        return sign_bit | m
    biased = q + man_bits + bias
    if biased >= exp_all_ones:                 # above the largest finite value: overflow
        return sign_bit | (exp_all_ones << man_bits)
    return sign_bit | (biased << man_bits) | (m - (1 << man_bits))


def decode_float(bits, exp_bits, man_bits):
    """The value (a float, exact) of a bit pattern of the format (exp_bits, man_bits).

    ValueError if bits is outside [0, 2**(1 + exp_bits + man_bits)).
    """
    _check_format(exp_bits, man_bits)
    if not isinstance(bits, int) or isinstance(bits, bool):
        raise TypeError(f"bits must be an int, got {type(bits).__name__}")
    width = 1 + exp_bits + man_bits
    if not 0 <= bits < (1 << width):
        raise ValueError(f"bits must be in [0, 2**{width}), got {bits}")
    sign = -1.0 if bits >> (exp_bits + man_bits) else 1.0
    biased = (bits >> man_bits) & ((1 << exp_bits) - 1)
    frac = bits & ((1 << man_bits) - 1)
    bias = (1 << (exp_bits - 1)) - 1
    if biased == (1 << exp_bits) - 1:
        return math.copysign(math.nan, sign) if frac else sign * math.inf
    if biased == 0:                            # zero or subnormal: no implicit leading 1
        return math.copysign(math.ldexp(frac, 1 - bias - man_bits), sign)
    return sign * math.ldexp((1 << man_bits) | frac, biased - bias - man_bits)


def encode_fp32(x):
    """The 32-bit pattern of x rounded to FP32, as an int in [0, 2**32)."""
    return encode_float(x, 8, 23)


def decode_fp32(bits):
    """The value of a 32-bit pattern; ValueError outside [0, 2**32)."""
    return decode_float(bits, 8, 23)


def fp32_fields(x):
    """(sign, biased_exponent, fraction) of encode_fp32(x)."""
    bits = encode_fp32(x)
    return bits >> 31, (bits >> 23) & 0xFF, bits & 0x7FFFFF
