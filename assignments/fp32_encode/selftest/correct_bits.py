"""fp32_encode the way hardware does it: from the double's own fields, with guard and sticky bits.

as_integer_ratio gives |x| = n / 2**k exactly; from it we read the double's unbiased exponent and
its 53-bit significand, then drop the low bits the target format cannot hold, rounding up when
the first dropped bit (guard) is 1 and either any later bit (sticky) is 1 or the kept last bit is
odd. NaN is encoded with the sign of x and an all-ones fraction.
"""

import math

HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def _fmt(exp_bits, man_bits):
    if not (isinstance(exp_bits, int) and 2 <= exp_bits <= 11):
        raise ValueError("exp_bits must be in 2..11")
    if not (isinstance(man_bits, int) and 1 <= man_bits <= 52):
        raise ValueError("man_bits must be in 1..52")
    return (1 << (exp_bits - 1)) - 1


def encode_float(x, exp_bits, man_bits):
    bias = _fmt(exp_bits, man_bits)
    ones = (1 << exp_bits) - 1
    sign = (1 << (exp_bits + man_bits)) if math.copysign(1.0, x) < 0.0 else 0
    if math.isnan(x):
        return sign | (ones << man_bits) | ((1 << man_bits) - 1)
    if math.isinf(x):
        return sign | (ones << man_bits)
    if x == 0.0:
        return sign
    n, d = abs(x).as_integer_ratio()
    k = d.bit_length() - 1
    exp = n.bit_length() - 1 - k                   # unbiased exponent of |x|
    top = n.bit_length() - 1
    # 53-bit significand, leading 1 at bit 52 (a big integral x has n with trailing zeros)
    sig = n << (52 - top) if top <= 52 else n >> (top - 52)
    # Bits to drop: 52 - man_bits for a normal result, more when exp < emin (subnormal).
    emin = 1 - bias
    drop = 52 - man_bits + max(0, emin - exp)
    if drop > 54:                                   # far below half the smallest subnormal
        kept, guard, sticky = 0, 0, 1
    else:
        kept = sig >> drop
        guard = (sig >> (drop - 1)) & 1 if drop >= 1 else 0
        sticky = 1 if drop >= 2 and sig & ((1 << (drop - 1)) - 1) else 0
    if guard and (sticky or kept & 1):
        kept += 1
    if exp < emin:                                   # subnormal grid: field 0, no hidden bit
        if kept >> man_bits:                         # rounded up to the smallest normal
            return sign | (1 << man_bits)
        return sign | kept
    if kept >> (man_bits + 1):                       # carry out: 1.111.. -> 10.000..
        kept >>= 1
        exp += 1
    field = exp + bias
    if field >= ones:
        return sign | (ones << man_bits)
    return sign | (field << man_bits) | (kept & ((1 << man_bits) - 1))


def decode_float(bits, exp_bits, man_bits):
    bias = _fmt(exp_bits, man_bits)
    total = 1 + exp_bits + man_bits
    if not (isinstance(bits, int) and 0 <= bits < (1 << total)):
        raise ValueError(f"bits must be an int in [0, 2**{total})")
    neg = bits >> (total - 1)
    field = (bits >> man_bits) & ((1 << exp_bits) - 1)
    frac = bits & ((1 << man_bits) - 1)
    if field == (1 << exp_bits) - 1:
        mag = math.inf if frac == 0 else math.nan
    elif field == 0:
        mag = frac * 2.0 ** (1 - bias - man_bits)     # exact: a power of two times an int
    else:
        mag = ((1 << man_bits) + frac) * 2.0 ** (field - bias - man_bits)
    return -mag if neg else mag


def encode_fp32(x):
    return encode_float(x, 8, 23)


def decode_fp32(bits):
    return decode_float(bits, 8, 23)


def fp32_fields(x):
    b = encode_fp32(x)
    return (b >> 31, (b >> 23) & 0xFF, b & 0x7FFFFF)
