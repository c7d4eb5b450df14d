"""Bug (decode_fp32 only): masks the pattern to 32 bits instead of raising ValueError.
"""

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
    bits &= 0xFFFFFFFF                           # BUG: should raise ValueError outside [0, 2**32)
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


def _check(exp_bits, man_bits):
    if not 2 <= exp_bits <= 11 or not 1 <= man_bits <= 52:
        raise ValueError("need 2 <= exp_bits <= 11 and 1 <= man_bits <= 52")


def encode_float(x, exp_bits, man_bits):
    _check(exp_bits, man_bits)
    bias = 2 ** (exp_bits - 1) - 1
    ones = 2 ** exp_bits - 1
    sign = (1 << (exp_bits + man_bits)) if math.copysign(1.0, x) < 0 else 0
    if math.isnan(x):
        return sign | (ones << man_bits) | 1
    if math.isinf(x):
        return sign | (ones << man_bits)
    if x == 0:
        return sign
    n, d = abs(x).as_integer_ratio()
    e = n.bit_length() - d.bit_length()
    q = max(e, 1 - bias) - man_bits
    num, den = (n, d << q) if q >= 0 else (n << -q, d)
    m, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and m & 1):
        m += 1
    if m == 1 << (man_bits + 1):
        m >>= 1
        q += 1
    if m < 1 << man_bits:
        return sign | m
    field = q + man_bits + bias
    if field >= ones:
        return sign | (ones << man_bits)
    return sign | (field << man_bits) | (m - (1 << man_bits))


def decode_float(bits, exp_bits, man_bits):
    _check(exp_bits, man_bits)
    if not 0 <= bits < 2 ** (1 + exp_bits + man_bits):
        raise ValueError("bits out of range for this format")
    bias = 2 ** (exp_bits - 1) - 1
    sign = -1.0 if bits >> (exp_bits + man_bits) else 1.0
    field = (bits >> man_bits) & (2 ** exp_bits - 1)
    frac = bits & (2 ** man_bits - 1)
    if field == 2 ** exp_bits - 1:
        return math.nan if frac else sign * math.inf
    if field == 0:
        return sign * math.ldexp(frac, 1 - bias - man_bits)
    return sign * math.ldexp(frac + (1 << man_bits), field - bias - man_bits)
