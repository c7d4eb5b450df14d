"""fp32_encode by search: non-negative bit patterns are ordered like their values, so encoding
is a binary search over patterns with the module's own decoder, then a comparison with the
midpoint (exact, with Fraction) to round to nearest, ties to even.

fp32_fields is computed on its own from the pattern; decode_fp32 is written out for FP32 with
its constants (bias 127, 23 fraction bits) and decode_float for the general case.
"""

import math
from fractions import Fraction

HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def _validate(exp_bits, man_bits):
    if exp_bits not in range(2, 12) or man_bits not in range(1, 53):
        raise ValueError(f"format ({exp_bits}, {man_bits}) is not supported")


def _magnitude(b, exp_bits, man_bits):
    """Exact value of a non-negative finite pattern, as a Fraction."""
    bias = 2 ** (exp_bits - 1) - 1
    field, frac = divmod(b, 2 ** man_bits)
    if field == 0:
        return Fraction(frac) * Fraction(2) ** (1 - bias - man_bits)
    return Fraction(2 ** man_bits + frac) * Fraction(2) ** (field - bias - man_bits)


def encode_float(x, exp_bits, man_bits):
    _validate(exp_bits, man_bits)
    sign = 2 ** (exp_bits + man_bits) if math.copysign(1.0, x) < 0 else 0
    inf = (2 ** exp_bits - 1) * 2 ** man_bits
    if math.isnan(x):
        return inf + 2 ** (man_bits - 1)          # a quiet NaN, sign dropped (allowed)
    if math.isinf(x):
        return sign + inf
    a = Fraction(abs(x))
    lo, hi = 0, inf - 1                            # largest finite pattern is inf - 1
    if a >= _magnitude(hi, exp_bits, man_bits):
        lo = hi
    else:
        while hi - lo > 1:                         # invariant: mag(lo) <= a < mag(hi)
            mid = (lo + hi) // 2
            if _magnitude(mid, exp_bits, man_bits) <= a:
                lo = mid
            else:
                hi = mid
    below = _magnitude(lo, exp_bits, man_bits)
    if a == below:
        return sign + lo
    if lo == inf - 1:                              # past the largest finite: next is 2**(emax+1)
        above = Fraction(2) ** (2 ** (exp_bits - 1))
    else:
        above = _magnitude(lo + 1, exp_bits, man_bits)
    half = (below + above) / 2
    if a < half or (a == half and lo % 2 == 0):
        return sign + lo
    return sign + lo + 1                           # lo + 1 == inf when lo was the largest


def decode_float(bits, exp_bits, man_bits):
    _validate(exp_bits, man_bits)
    if bits < 0 or bits >= 2 ** (1 + exp_bits + man_bits):
        raise ValueError("bit pattern out of range")
    sign, rest = divmod(bits, 2 ** (exp_bits + man_bits))
    if rest >= (2 ** exp_bits - 1) * 2 ** man_bits:
        value = math.inf if rest == (2 ** exp_bits - 1) * 2 ** man_bits else math.nan
    else:
        value = float(_magnitude(rest, exp_bits, man_bits))
    return -value if sign else value


def encode_fp32(x):
    return encode_float(x, 8, 23)


def decode_fp32(bits):
    if not 0 <= bits <= 0xFFFFFFFF:
        raise ValueError("decode_fp32 needs a 32-bit pattern")
    s = -1.0 if bits & 0x80000000 else 1.0
    e = (bits >> 23) & 0xFF
    f = bits & 0x7FFFFF
    if e == 0xFF:
        return s * math.inf if f == 0 else math.nan
    if e == 0:
        return s * (f * 2.0 ** -149)
    return s * ((0x800000 | f) * 2.0 ** (e - 150))


def fp32_fields(x):
    bits = encode_fp32(x)
    sign, rest = divmod(bits, 2 ** 31)
    exponent, fraction = divmod(rest, 2 ** 23)
    return (sign, exponent, fraction)
