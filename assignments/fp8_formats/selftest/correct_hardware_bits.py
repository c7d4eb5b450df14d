"""fp8_formats the way a hardware converter does it: from x's float32 bit pattern (built by hand
with math.frexp, no struct), drop the low fraction bits with a guard (round) bit and a sticky
bit, and let a carry ripple into the exponent. BF16 uses the classic one-liner on the pattern:
(bits + 0x7fff + lsb) >> 16. Decoders are written field by field with math.ldexp.
"""

import math

HAND_V = "11011101"
HAND_W = "01011011"


def f32_bits(x):
    """The float32 pattern of a float32 value x (a Python float or np.float32)."""
    x = float(x)
    sign = 0x80000000 if math.copysign(1.0, x) < 0 else 0
    if math.isnan(x):
        return sign | 0x7FC00000
    if math.isinf(x):
        return sign | 0x7F800000
    a = abs(x)
    if a == 0:
        return sign
    mant, exp = math.frexp(a)             # a = mant * 2**exp, 0.5 <= mant < 1
    if exp - 1 >= -126:
        return sign | ((exp - 1 + 127) << 23) | (int(math.ldexp(mant, 24)) - (1 << 23))
    return sign | int(math.ldexp(a, 149))  # subnormal: a multiple of 2**-149


def narrow(bits, e, m, style, saturate):
    """Round a float32 pattern to the layout (e, m, style); see the statement's rules."""
    sgn = (bits >> 31) << (e + m)
    field = (bits >> 23) & 0xFF
    frac = bits & 0x7FFFFF
    ones = (1 << e) - 1
    if style == "ieee":
        max_code = ((ones - 1) << m) | ((1 << m) - 1)
        nan_code, over_code = (ones << m) | (1 << (m - 1)), ones << m
    else:
        max_code = (ones << m) | ((1 << m) - 2)
        nan_code = over_code = (ones << m) | ((1 << m) - 1)
    if field == 0xFF:
        if frac:
            return sgn | nan_code
        return sgn | (max_code if saturate else over_code)
    if field == 0:
        sig, exp = frac, -126
    else:
        sig, exp = frac | (1 << 23), field - 127
    if sig == 0:
        return sgn
    while sig < (1 << 23):                # normalise a float32 subnormal
        sig <<= 1
        exp -= 1
    bias = (1 << (e - 1)) - 1
    emin = 1 - bias
    drop = 23 - m + max(0, emin - exp)   # low bits the target cannot hold
    kept = sig >> drop
    guard = (sig >> (drop - 1)) & 1
    sticky = (sig & ((1 << (drop - 1)) - 1)) != 0
    if guard and (sticky or (kept & 1)):
        kept += 1                         # may carry into the next binade: the sum below copes
    code = ((max(exp, emin) + bias) << m) + kept - (1 << m)
    if code > max_code:
        return sgn | (max_code if saturate else over_code)
    return sgn | code


def widen(code, e, m, style):
    width = 1 + e + m
    if not isinstance(code, int) or code < 0 or code >> width:
        raise ValueError(f"the code must be in [0, 2**{width})")
    neg = (code >> (e + m)) & 1
    field = (code >> m) & ((1 << e) - 1)
    frac = code & ((1 << m) - 1)
    bias = (1 << (e - 1)) - 1
    ones = (1 << e) - 1
    if field == ones and style == "ieee":
        v = math.inf if frac == 0 else math.nan
    elif field == ones and frac == (1 << m) - 1:
        v = math.nan
    elif field == 0:
        v = math.ldexp(frac, 1 - bias - m)
    else:
        v = math.ldexp(frac + (1 << m), field - bias - m)
    return math.copysign(v, -1.0) if neg else v


def encode_e4m3fn(x, saturate=False):
    return narrow(f32_bits(x), 4, 3, "fn", saturate)


def decode_e4m3fn(code):
    return widen(code, 4, 3, "fn")


def encode_e5m2(x, saturate=False):
    return narrow(f32_bits(x), 5, 2, "ieee", saturate)


def decode_e5m2(code):
    return widen(code, 5, 2, "ieee")


def encode_fp16(x):
    return narrow(f32_bits(x), 5, 10, "ieee", False)


def decode_fp16(code):
    return widen(code, 5, 10, "ieee")


def encode_bf16(x):
    bits = f32_bits(x)
    if (bits & 0x7FFFFFFF) > 0x7F800000:   # NaN: the canonical quiet NaN with x's sign
        return (bits >> 16) & 0x8000 | 0x7FC0
    return (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16


def decode_bf16(code):
    return widen(code, 8, 7, "ieee")


def format_info(exp_bits, man_bits, nan_style):
    if not isinstance(exp_bits, int) or not isinstance(man_bits, int):
        raise ValueError("exp_bits and man_bits must be ints")
    if exp_bits < 2 or exp_bits > 8 or man_bits < 1 or man_bits > 23:
        raise ValueError("the layout is out of range")
    if nan_style != "ieee" and nan_style != "fn":
        raise ValueError("nan_style is 'ieee' or 'fn'")
    bias = (1 << (exp_bits - 1)) - 1
    if nan_style == "ieee":
        top = math.ldexp((1 << (man_bits + 1)) - 1, bias - man_bits)
    else:
        top = math.ldexp((1 << (man_bits + 1)) - 2, bias + 1 - man_bits)
    d = 0
    while 10 ** (d + 1) <= 1 << (man_bits + 1):
        d += 1
    return dict(bias=bias, max_finite=top, min_normal=math.ldexp(1.0, 1 - bias),
                min_subnormal=math.ldexp(1.0, 1 - bias - man_bits),
                epsilon=math.ldexp(1.0, -man_bits), unit_roundoff=math.ldexp(1.0, -1 - man_bits),
                decimal_digits=d, has_infinity=nan_style == "ieee",
                nan_codes=((1 << man_bits) - 1) * 2 if nan_style == "ieee" else 2)


def which_formats_hold(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("x must be finite")
    checks = [("fp32", lambda: x), ("fp16", lambda: decode_fp16(encode_fp16(x))),
              ("bf16", lambda: decode_bf16(encode_bf16(x))),
              ("e5m2", lambda: decode_e5m2(encode_e5m2(x))),
              ("e4m3fn", lambda: decode_e4m3fn(encode_e4m3fn(x)))]
    held = []
    for name, value in checks:
        v = value()
        if math.isfinite(v) and (v != 0.0 or x == 0.0):
            held.append(name)
    return held
