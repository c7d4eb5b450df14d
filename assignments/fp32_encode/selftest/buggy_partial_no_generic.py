"""Partly done: FP32 and the hand part are written; the generic encode_float/decode_float
still raise NotImplementedError (they score zero, the rest scores full)."""

import math

HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def encode_fp32(x):
    """FP32 pattern of x, written out for FP32 (bias 127, 23 fraction bits)."""
    if math.isnan(x):
        return 0x7FC00000
    sign = 1 if math.copysign(1.0, x) < 0 else 0
    if math.isinf(x):
        return (sign << 31) | 0x7F800000
    if x == 0:
        return sign << 31
    n, d = abs(x).as_integer_ratio()             # |x| = n / d, d a power of two
    e = n.bit_length() - d.bit_length()          # 2**e <= |x| < 2**(e + 1)
    q = max(e, -126) - 23                        # the ulp is 2**q
    num, den = n, d
    if q >= 0:
        den <<= q
    else:
        num <<= -q
    m, r = divmod(num, den)                      # |x| / 2**q = m + r / den
    if 2 * r > den or (2 * r == den and m % 2 == 1):   # nearest, ties to even
        m += 1
    if m == 1 << 24:                             # rounded up into the next binade
        m >>= 1
        q += 1
    if m < 1 << 23:                              # subnormal
        return (sign << 31) | m
    field = q + 23 + 127
    if field >= 255:
        return (sign << 31) | 0x7F800000
    return (sign << 31) | (field << 23) | (m - (1 << 23))


def decode_fp32(bits):
    """Value of a 32-bit pattern."""
    if not 0 <= bits < 2 ** 32:
        raise ValueError("bits must be in [0, 2**32)")
    sign = -1.0 if bits >> 31 else 1.0
    field = (bits >> 23) & 0xFF
    frac = bits & 0x7FFFFF
    if field == 255:
        return math.nan if frac else sign * math.inf
    if field == 0:
        return sign * math.ldexp(frac, -149)
    return sign * math.ldexp(frac + (1 << 23), field - 150)


def fp32_fields(x):
    bits = encode_fp32(x)
    return bits >> 31, (bits >> 23) & 0xFF, bits & 0x7FFFFF


def encode_float(x, exp_bits, man_bits):
    # TODO: generalise encode_fp32 to any format
    raise NotImplementedError("encode_float is not written yet")


def decode_float(bits, exp_bits, man_bits):
    # TODO
    raise NotImplementedError("decode_float is not written yet")
