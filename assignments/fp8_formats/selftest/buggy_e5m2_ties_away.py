"""fp8_formats, integer arithmetic on as_integer_ratio. BUG: encode_e5m2 rounds half away from zero instead of half to even."""

import math

HAND_V = "11011101"
HAND_W = "01011011"

# name -> (exp_bits, man_bits, max finite code, code on overflow without saturation, NaN code)
LAYOUTS = {
    "fp32": (8, 23, 0x7F7FFFFF, 0x7F800000, 0x7FC00000),
    "fp16": (5, 10, 0x7BFF, 0x7C00, 0x7E00),
    "bf16": (8, 7, 0x7F7F, 0x7F80, 0x7FC0),
    "e5m2": (5, 2, 0x7B, 0x7C, 0x7E),
    "e4m3fn": (4, 3, 0x7E, 0x7F, 0x7F),
}


def _round_shift(n, shift):
    """n / 2**shift rounded to the nearest integer, ties to even."""
    if shift <= 0:
        return n << -shift
    q, rem = n >> shift, n & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and q & 1):
        q += 1
    return q


def _encode(x, name, saturate, rounder=_round_shift):
    e, m, max_code, over_code, nan_code = LAYOUTS[name]
    x = float(x)
    sign = (1 << (e + m)) if math.copysign(1.0, x) < 0 else 0
    if math.isnan(x):
        return sign | nan_code
    if math.isinf(x):
        return sign | (max_code if saturate else over_code)
    if x == 0:
        return sign
    bias = (1 << (e - 1)) - 1
    n, d = abs(x).as_integer_ratio()
    k = d.bit_length() - 1
    top = n.bit_length() - 1 - k
    q = max(top, 1 - bias) - m                  # the exponent of the ulp at |x|
    sig = rounder(n, q + k)
    code = ((q + m + bias) << m) + sig - (1 << m)   # also right for subnormals and carries
    if code > max_code:
        return sign | (max_code if saturate else over_code)
    return sign | code


def _round_half_up(n, shift):
    if shift <= 0:
        return n << -shift
    return (n + (1 << (shift - 1))) >> shift


def _decode(code, name):
    e, m, max_code, over_code, nan_code = LAYOUTS[name]
    if not isinstance(code, int) or not 0 <= code < (2 << (e + m)):
        raise ValueError(f"a {name} code is in [0, {2 << (e + m)})")
    neg = code >> (e + m)
    mag = code & ((1 << (e + m)) - 1)
    field, frac = mag >> m, mag & ((1 << m) - 1)
    bias = (1 << (e - 1)) - 1
    if mag > max_code:                          # past max finite: inf or NaN
        v = math.inf if mag == over_code and over_code != nan_code else math.nan
    elif field == 0:
        v = math.ldexp(frac, 1 - bias - m)
    else:
        v = math.ldexp(frac | (1 << m), field - bias - m)
    return -v if neg else v


def encode_e4m3fn(x, saturate=False):
    return _encode(x, "e4m3fn", saturate)


def decode_e4m3fn(code):
    return _decode(code, "e4m3fn")


def encode_e5m2(x, saturate=False):
    return _encode(x, "e5m2", saturate, rounder=_round_half_up)


def decode_e5m2(code):
    return _decode(code, "e5m2")


def encode_fp16(x):
    return _encode(x, "fp16", False)


def decode_fp16(code):
    return _decode(code, "fp16")


def encode_bf16(x):
    return _encode(x, "bf16", False)


def decode_bf16(code):
    return _decode(code, "bf16")


def format_info(exp_bits, man_bits, nan_style):
    if not (isinstance(exp_bits, int) and 2 <= exp_bits <= 8):
        raise ValueError("exp_bits must be in 2..8")
    if not (isinstance(man_bits, int) and 1 <= man_bits <= 23):
        raise ValueError("man_bits must be in 1..23")
    if nan_style not in ("ieee", "fn"):
        raise ValueError("nan_style must be 'ieee' or 'fn'")
    bias = (1 << (exp_bits - 1)) - 1
    if nan_style == "ieee":
        max_finite = math.ldexp((2 << man_bits) - 1, bias - man_bits)
    else:
        max_finite = math.ldexp((2 << man_bits) - 2, bias + 1 - man_bits)
    digits = 0
    while 10 ** (digits + 1) <= 2 ** (man_bits + 1):
        digits += 1
    return {"bias": bias, "max_finite": max_finite, "min_normal": math.ldexp(1.0, 1 - bias),
            "min_subnormal": math.ldexp(1.0, 1 - bias - man_bits),
            "epsilon": math.ldexp(1.0, -man_bits), "unit_roundoff": math.ldexp(1.0, -man_bits - 1),
            "decimal_digits": digits, "has_infinity": nan_style == "ieee",
            "nan_codes": 2 * ((1 << man_bits) - 1) if nan_style == "ieee" else 2}


def which_formats_hold(x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("x must be finite")
    held = []
    for name in LAYOUTS:
        v = _decode(_encode(x, name, False), name)
        if math.isfinite(v) and (v != 0 or x == 0):
            held.append(name)
    return held
