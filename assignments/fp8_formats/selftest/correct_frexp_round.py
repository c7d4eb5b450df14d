"""fp8_formats with float arithmetic only: math.frexp finds the binade, math.ldexp scales |x| so
that the ulp is 1 (exact: a power-of-two scaling of a float32 value, far from double's limits),
and Python's round() rounds that to an integer with ties to even, which is exactly RNE.
Each format is written out in its own short function, with its constants spelled out.
"""

import math

HAND_V = "11011101"
HAND_W = "01011011"


def _round(x, m, emin, max_value, max_code, over_code, nan_code, signbit, saturate):
    x = float(x)
    neg = math.copysign(1.0, x) < 0
    sign = signbit if neg else 0
    if x != x:
        return sign | nan_code
    a = -x if neg else x
    if a == math.inf:
        return sign | (max_code if saturate else over_code)
    if a == 0.0:
        return sign
    e = max(math.frexp(a)[1] - 1, emin)        # the binade of a (or emin for subnormals)
    k = round(math.ldexp(a, m - e))            # a / ulp, rounded half to even
    value = math.ldexp(k, e - m)
    if value > max_value:
        return sign | (max_code if saturate else over_code)
    if k >= 2 ** (m + 1):                      # rounded up into the next binade
        k, e = k // 2, e + 1
    if k < 2 ** m:                             # subnormal (or zero): exponent field 0
        return sign | k
    return sign | ((e - emin + 1) << m) | (k - 2 ** m)


def _value(code, e_bits, m, emin, nan_test, inf_test):
    width = 1 + e_bits + m
    if type(code) is not int or not 0 <= code < 2 ** width:
        raise ValueError("code out of range")
    neg = code >= 2 ** (e_bits + m)
    rest = code - (2 ** (e_bits + m) if neg else 0)
    field, frac = rest >> m, rest & (2 ** m - 1)
    if nan_test(field, frac):
        return math.nan
    if inf_test(field, frac):
        v = math.inf
    elif field == 0:
        v = math.ldexp(frac, emin - m)
    else:
        v = math.ldexp(2 ** m + frac, field - 1 + emin - m)
    return -v if neg else v


def encode_e4m3fn(x, saturate=False):
    return _round(x, 3, -6, 448.0, 0x7E, 0x7F, 0x7F, 0x80, saturate)


def decode_e4m3fn(code):
    return _value(code, 4, 3, -6, lambda f, m: f == 15 and m == 7, lambda f, m: False)


def encode_e5m2(x, saturate=False):
    return _round(x, 2, -14, 57344.0, 0x7B, 0x7C, 0x7E, 0x80, saturate)


def decode_e5m2(code):
    return _value(code, 5, 2, -14, lambda f, m: f == 31 and m != 0, lambda f, m: f == 31)


def encode_fp16(x):
    return _round(x, 10, -14, 65504.0, 0x7BFF, 0x7C00, 0x7E00, 0x8000, False)


def decode_fp16(code):
    return _value(code, 5, 10, -14, lambda f, m: f == 31 and m != 0, lambda f, m: f == 31)


def encode_bf16(x):
    return _round(x, 7, -126, (2 - 2 ** -7) * 2.0 ** 127, 0x7F7F, 0x7F80, 0x7FC0, 0x8000, False)


def decode_bf16(code):
    return _value(code, 8, 7, -126, lambda f, m: f == 255 and m != 0, lambda f, m: f == 255)


def format_info(exp_bits, man_bits, nan_style):
    if exp_bits not in range(2, 9) or man_bits not in range(1, 24) or \
            nan_style not in ("ieee", "fn"):
        raise ValueError("unsupported layout")
    bias = 2 ** (exp_bits - 1) - 1
    fn = nan_style == "fn"
    top_exp = bias + 1 if fn else bias
    top_frac = 2 ** man_bits - (2 if fn else 1)
    return {
        "bias": bias,
        "max_finite": math.ldexp(1.0 + top_frac / 2 ** man_bits, top_exp),
        "min_normal": math.ldexp(1.0, 1 - bias),
        "min_subnormal": math.ldexp(1.0, 1 - bias - man_bits),
        "epsilon": math.ldexp(1.0, -man_bits),
        "unit_roundoff": math.ldexp(0.5, -man_bits),
        "decimal_digits": int((man_bits + 1) * math.log10(2)),
        "has_infinity": not fn,
        "nan_codes": 2 if fn else 2 ** (man_bits + 1) - 2,
    }


_LIMITS = [  # name, max finite, the overflow tie, does the tie overflow, smallest subnormal
    ("fp16", 65504.0, 65520.0, True, 2.0 ** -24),
    ("bf16", (2 - 2 ** -7) * 2.0 ** 127, (2 - 2 ** -8) * 2.0 ** 127, True, 2.0 ** -133),
    ("e5m2", 57344.0, 61440.0, True, 2.0 ** -16),
    ("e4m3fn", 448.0, 464.0, False, 2.0 ** -9),
]


def which_formats_hold(x):
    """By thresholds: held unless |x| passes the overflow tie (or sits on it and the tie goes
    up), or 0 < |x| <= half the smallest subnormal (that tie goes to zero)."""
    x = float(x)
    if x != x or x in (math.inf, -math.inf):
        raise ValueError("x must be finite")
    a = abs(x)
    out = ["fp32"]
    for name, _max, tie, tie_overflows, tiny in _LIMITS:
        if a > tie or (a == tie and tie_overflows):
            continue
        if 0 < a <= tiny / 2:
            continue
        out.append(name)
    return out
