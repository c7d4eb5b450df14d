"""fp8_formats by table lookup: every finite non-negative value of each format, sorted, built
once at import from the decoder, then bisect and compare x with the midpoint of its neighbours.

Everything is plain float arithmetic that happens to be exact: every value of these formats is a
double, the midpoint of two neighbours (a + b) / 2 is a double too, and x is a float32 value.
The overflow threshold is the midpoint of max finite and the next grid point (max + its ulp).
"""

import bisect
import math

HAND_V = "11011101"
HAND_W = "01011011"

# name -> (exp_bits, man_bits, nan_style, canonical NaN, code on overflow without saturation)
SPECS = {
    "fp32": (8, 23, "ieee", None, None),
    "fp16": (5, 10, "ieee", 0x7E00, 0x7C00),
    "bf16": (8, 7, "ieee", 0x7FC0, 0x7F80),
    "e5m2": (5, 2, "ieee", 0x7E, 0x7C),
    "e4m3fn": (4, 3, "fn", 0x7F, 0x7F),
}


def _value(code, e, m, style):
    bias = 2 ** (e - 1) - 1
    field = (code >> m) & (2 ** e - 1)
    frac = code & (2 ** m - 1)
    if field == 2 ** e - 1:
        if style == "ieee":
            return math.inf if frac == 0 else math.nan
        if frac == 2 ** m - 1:
            return math.nan
    if field == 0:
        return frac * 2.0 ** (1 - bias - m)
    return (1 + frac / 2 ** m) * 2.0 ** (field - bias)


def _decode(code, name):
    e, m, style = SPECS[name][:3]
    width = 1 + e + m
    if type(code) is not int or code < 0 or code >= 2 ** width:
        raise ValueError(f"{name} code must be in [0, 2**{width})")
    v = _value(code & (2 ** (e + m) - 1), e, m, style)
    return -v if code >> (e + m) else v


class Table:
    def __init__(self, name):
        e, m, style, self.nan, self.over = SPECS[name]
        self.signbit = 2 ** (e + m)
        self.values = []                       # value of code c is values[c], c = 0..max_code
        for c in range(self.signbit):
            v = _value(c, e, m, style)
            if math.isnan(v) or math.isinf(v):
                break
            self.values.append(v)
        if style == "fn":                      # the top field is finite up to its NaN code
            self.values = [_value(c, e, m, style) for c in range(self.signbit - 1)]
        self.max_code = len(self.values) - 1
        top = self.values[-1]
        ulp = top - self.values[-2]
        self.threshold = top + ulp / 2           # the tie after max finite

    def encode(self, x, saturate):
        x = float(x)
        sign = self.signbit if math.copysign(1.0, x) < 0 else 0
        if x != x:
            return sign + self.nan
        a = abs(x)
        if a > self.threshold or a == math.inf:
            return sign + (self.max_code if saturate else self.over)
        if a == self.threshold:                  # the tie: even is max when its fraction is even
            if self.max_code % 2 == 0:
                return sign + self.max_code
            return sign + (self.max_code if saturate else self.over)
        i = bisect.bisect_left(self.values, a)   # values[i-1] < a <= values[i]
        if i == len(self.values):                # between max finite and the threshold
            return sign + self.max_code
        if self.values[i] == a:
            return sign + i
        lo, hi = self.values[i - 1], self.values[i]
        mid = (lo + hi) / 2
        if a < mid or (a == mid and (i - 1) % 2 == 0):
            return sign + i - 1
        return sign + i


TABLES = {name: Table(name) for name in ("fp16", "bf16", "e5m2", "e4m3fn")}


def encode_e4m3fn(x, saturate=False):
    return TABLES["e4m3fn"].encode(x, saturate)


def decode_e4m3fn(code):
    return _decode(code, "e4m3fn")


def encode_e5m2(x, saturate=False):
    return TABLES["e5m2"].encode(x, saturate)


def decode_e5m2(code):
    return _decode(code, "e5m2")


def encode_fp16(x):
    return TABLES["fp16"].encode(x, False)


def decode_fp16(code):
    return _decode(code, "fp16")


def encode_bf16(x):
    return TABLES["bf16"].encode(x, False)


def decode_bf16(code):
    return _decode(code, "bf16")


def format_info(exp_bits, man_bits, nan_style):
    if not (type(exp_bits) is int and 2 <= exp_bits <= 8 and type(man_bits) is int
            and 1 <= man_bits <= 23 and nan_style in ("ieee", "fn")):
        raise ValueError("bad layout")
    bias = 2 ** (exp_bits - 1) - 1
    if nan_style == "ieee":
        biggest = (2.0 - 2.0 ** -man_bits) * 2.0 ** bias
    else:
        biggest = (2.0 - 2.0 ** (1 - man_bits)) * 2.0 ** (bias + 1)
    return {
        "bias": bias,
        "max_finite": biggest,
        "min_normal": 2.0 ** (1 - bias),
        "min_subnormal": 2.0 ** (1 - bias - man_bits),
        "epsilon": 2.0 ** -man_bits,
        "unit_roundoff": 2.0 ** (-man_bits - 1),
        "decimal_digits": math.floor((man_bits + 1) * math.log10(2)),
        "has_infinity": nan_style == "ieee",
        "nan_codes": 2 ** (man_bits + 1) - 2 if nan_style == "ieee" else 2,
    }


def which_formats_hold(x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = ["fp32"]
    for name in ("fp16", "bf16", "e5m2", "e4m3fn"):
        v = _decode(TABLES[name].encode(x, False), name)
        if not (math.isinf(v) or math.isnan(v)) and (x == 0 or v != 0):
            out.append(name)
    return out
