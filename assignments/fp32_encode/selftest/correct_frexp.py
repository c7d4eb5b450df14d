"""fp32_encode with math.frexp / math.ldexp and integer rounding.

frexp splits |x| = f * 2**e with 0.5 <= f < 1; ldexp(f, 53) is then an exact integer (the
53-bit significand of the double), which is rounded to the target precision by an integer
shift with round-half-even. Decoding builds the value with ldexp, which is exact here.
"""

import math

HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def encode_float(x, exp_bits, man_bits):
    if exp_bits < 2 or exp_bits > 11 or man_bits < 1 or man_bits > 52:
        raise ValueError(f"unsupported format ({exp_bits}, {man_bits})")
    emax_field = (1 << exp_bits) - 1
    bias = (1 << (exp_bits - 1)) - 1
    s = (1 << (exp_bits + man_bits)) if math.copysign(1, x) < 0 else 0
    if x != x:
        return s | (emax_field << man_bits) | (1 << (man_bits - 1))
    if x in (math.inf, -math.inf):
        return s | (emax_field << man_bits)
    if x == 0:
        return s
    f, e = math.frexp(abs(x))          # |x| = f * 2**e, f in [0.5, 1)
    sig = int(math.ldexp(f, 53))       # exact: |x| = sig * 2**(e - 53)
    # Target: the integer m with |x| ~ m * 2**q, q = max(e - 1, emin) - man_bits.
    q = max(e - 1, 1 - bias) - man_bits
    shift = q - (e - 53)               # low bits of sig to drop: 52 - man_bits or more
    if shift <= 0:
        m = sig << (-shift)
    else:
        m = sig >> shift
        dropped = sig & ((1 << shift) - 1)
        halfway = 1 << (shift - 1)
        if dropped > halfway or (dropped == halfway and (m & 1)):
            m += 1
    if m >= (1 << (man_bits + 1)):
        m >>= 1
        q += 1
    if m < (1 << man_bits):
        return s | m
    field = q + man_bits + bias
    if field >= emax_field:
        return s | (emax_field << man_bits)
    return s | (field << man_bits) | (m & ((1 << man_bits) - 1))


def decode_float(bits, exp_bits, man_bits):
    if exp_bits < 2 or exp_bits > 11 or man_bits < 1 or man_bits > 52:
        raise ValueError(f"unsupported format ({exp_bits}, {man_bits})")
    if bits < 0 or bits >> (1 + exp_bits + man_bits):
        raise ValueError("pattern does not fit the format")
    bias = (1 << (exp_bits - 1)) - 1
    neg = (bits >> (exp_bits + man_bits)) & 1
    field = (bits >> man_bits) & ((1 << exp_bits) - 1)
    frac = bits & ((1 << man_bits) - 1)
    if field == (1 << exp_bits) - 1:
        v = float("nan") if frac else float("inf")
    elif field == 0:
        v = math.ldexp(float(frac), 1 - bias - man_bits)
    else:
        v = math.ldexp(float(frac | (1 << man_bits)), field - bias - man_bits)
    return math.copysign(v, -1.0) if neg else v


def encode_fp32(x):
    return encode_float(x, 8, 23)


def decode_fp32(bits):
    return decode_float(bits, 8, 23)


def fp32_fields(x):
    bits = encode_fp32(x)
    return (bits >> 31) & 1, (bits >> 23) & 0xFF, bits & 0x7FFFFF
