"""fp8_formats with exact rational arithmetic (fractions.Fraction), one generic layout class.

Find the binade of |x| by comparing with powers of two, divide by the ulp there, round the
quotient to the nearest integer (ties to even) by comparing the remainder with 1/2, and compare
the rounded value (with the exponent unbounded) with the layout's max finite for overflow.
"""

import math
from fractions import Fraction

HAND_V = "11011101"
HAND_W = "01011011"

TWO = Fraction(2)


class Layout:
    def __init__(self, e, m, style):
        self.e, self.m, self.style = e, m, style
        self.bias = 2 ** (e - 1) - 1
        self.emin = 1 - self.bias
        self.signbit = 2 ** (e + m)
        top = 2 ** e - 1
        if style == "ieee":
            self.max_value = (2 - Fraction(1, 2 ** m)) * TWO ** self.bias
            self.max_code = (top - 1) * 2 ** m + 2 ** m - 1
            self.nan = top * 2 ** m + 2 ** (m - 1)
            self.over = top * 2 ** m
        else:
            self.max_value = (2 - Fraction(2, 2 ** m)) * TWO ** (self.bias + 1)
            self.max_code = top * 2 ** m + 2 ** m - 2
            self.nan = top * 2 ** m + 2 ** m - 1
            self.over = self.nan

    def encode(self, x, saturate):
        x = float(x)
        sign = self.signbit if math.copysign(1.0, x) < 0 else 0
        if math.isnan(x):
            return sign + self.nan
        if math.isinf(x):
            return sign + (self.max_code if saturate else self.over)
        a = abs(Fraction(x))
        if a == 0:
            return sign
        e = 0
        while TWO ** e > a:
            e -= 1
        while TWO ** (e + 1) <= a:
            e += 1
        e = max(e, self.emin)
        ulp = TWO ** (e - self.m)
        q = a / ulp
        k = q.numerator // q.denominator
        rest = q - k
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and k % 2 == 1):
            k += 1
        value = k * ulp
        if value > self.max_value:
            return sign + (self.max_code if saturate else self.over)
        if value < TWO ** self.emin:
            return sign + int(value / TWO ** (self.emin - self.m))
        if k == 2 ** (self.m + 1):
            k, e = k // 2, e + 1
        return sign + (e + self.bias) * 2 ** self.m + (k - 2 ** self.m)

    def decode(self, code):
        if not isinstance(code, int) or not 0 <= code < 2 * self.signbit:
            raise ValueError("code out of range")
        sign, rest = divmod(code, self.signbit)
        field, frac = divmod(rest, 2 ** self.m)
        top = 2 ** self.e - 1
        if self.style == "ieee" and field == top:
            v = math.inf if frac == 0 else math.nan
        elif self.style == "fn" and field == top and frac == 2 ** self.m - 1:
            v = math.nan
        elif field == 0:
            v = float(frac * TWO ** (self.emin - self.m))
        else:
            v = float((2 ** self.m + frac) * TWO ** (field - self.bias - self.m))
        return -v if sign else v


E4M3FN = Layout(4, 3, "fn")
E5M2 = Layout(5, 2, "ieee")
FP16 = Layout(5, 10, "ieee")
BF16 = Layout(8, 7, "ieee")
FP32 = Layout(8, 23, "ieee")


def encode_e4m3fn(x, saturate=False):
    return E4M3FN.encode(x, saturate)


def decode_e4m3fn(code):
    return E4M3FN.decode(code)


def encode_e5m2(x, saturate=False):
    return E5M2.encode(x, saturate)


def decode_e5m2(code):
    return E5M2.decode(code)


def encode_fp16(x):
    return FP16.encode(x, False)


def decode_fp16(code):
    return FP16.decode(code)


def encode_bf16(x):
    return BF16.encode(x, False)


def decode_bf16(code):
    return BF16.decode(code)


def format_info(exp_bits, man_bits, nan_style):
    if type(exp_bits) is not int or not 2 <= exp_bits <= 8:
        raise ValueError("exp_bits must be in 2..8")
    if type(man_bits) is not int or not 1 <= man_bits <= 23:
        raise ValueError("man_bits must be in 1..23")
    if nan_style not in ("ieee", "fn"):
        raise ValueError("nan_style must be 'ieee' or 'fn'")
    lay = Layout(exp_bits, man_bits, nan_style)
    digits = 0
    while 10 ** (digits + 1) <= 2 ** (man_bits + 1):
        digits += 1
    return {
        "bias": lay.bias,
        "max_finite": float(lay.max_value),
        "min_normal": float(TWO ** lay.emin),
        "min_subnormal": float(TWO ** (lay.emin - man_bits)),
        "epsilon": float(Fraction(1, 2 ** man_bits)),
        "unit_roundoff": float(Fraction(1, 2 ** (man_bits + 1))),
        "decimal_digits": digits,
        "has_infinity": nan_style == "ieee",
        "nan_codes": 2 * (2 ** man_bits - 1) if nan_style == "ieee" else 2,
    }


def which_formats_hold(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("x must be finite")
    names = []
    for name, lay in (("fp32", FP32), ("fp16", FP16), ("bf16", BF16), ("e5m2", E5M2),
                      ("e4m3fn", E4M3FN)):
        v = lay.decode(lay.encode(x, False))
        if math.isfinite(v) and (v != 0 or x == 0):
            names.append(name)
    return names
