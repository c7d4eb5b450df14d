"""Reference solution for fp8_formats: FP16, BF16, FP8 E4M3FN and E5M2, encoded and decoded by hand.

Every step is exact integer arithmetic on the exact value of the input (`float.as_integer_ratio`),
so the only rounding is the one the contract asks for: round to nearest, ties to even, with the
exponent unbounded above; whatever lands above the largest finite value then overflows by the
format's rule (saturate to ±max, or ±inf, or NaN where the format has no infinity).

A layout (exp_bits e, man_bits m, nan_style) has bias = 2**(e-1) - 1 and a code
sign | exponent field E | fraction field f stands for
    E == 0                 (-1)**sign * f * 2**(1 - bias - m)                   zero or subnormal
    otherwise              (-1)**sign * (2**m + f) * 2**(E - bias - m)          normal
except, for nan_style "ieee", E == 2**e - 1 (±inf when f == 0, NaN otherwise), and for
nan_style "fn" (finite only: E4M3FN), E == 2**e - 1 with f == 2**m - 1 (NaN; no infinities).
"""

import math

__all__ = [
    "encode_e4m3fn", "decode_e4m3fn", "encode_e5m2", "decode_e5m2", "encode_fp16", "decode_fp16",
    "encode_bf16", "decode_bf16", "format_info", "which_formats_hold", "HAND_V", "HAND_W",
]

# The hand part, for the default values v = -26.0 and w = 21.5:
# v = -11010b = -1.101b * 2**4: sign 1, exponent field 4 + 7 = 11 = 1011, fraction 101.
# w = 10101.1b = 1.01011b * 2**4: keep 1.010, the dropped bits 11 are more than half an ulp,
# so round up to 1.011b * 2**4 = 22: sign 0, exponent field 1011, fraction 011.
HAND_V = "11011101"
HAND_W = "01011011"

# name -> (exp_bits, man_bits, nan_style), in the order which_formats_hold lists them (after
# "fp32", which holds every finite float32 value by definition)
FORMATS = {
    "fp16": (5, 10, "ieee"),
    "bf16": (8, 7, "ieee"),
    "e5m2": (5, 2, "ieee"),
    "e4m3fn": (4, 3, "fn"),
}


class _Layout:
    def __init__(self, exp_bits, man_bits, nan_style):
        self.e, self.m, self.style = exp_bits, man_bits, nan_style
        self.bias = (1 << (exp_bits - 1)) - 1
        self.emin = 1 - self.bias
        self.sign_bit = 1 << (exp_bits + man_bits)
        ones = (1 << exp_bits) - 1
        frac_ones = (1 << man_bits) - 1
        if nan_style == "ieee":
            self.max_code = ((ones - 1) << man_bits) | frac_ones
            self.nan_code = (ones << man_bits) | (1 << (man_bits - 1))   # quiet NaN
            self.overflow_code = ones << man_bits                        # ±inf
        else:
            self.max_code = (ones << man_bits) | (frac_ones - 1)
            self.nan_code = (ones << man_bits) | frac_ones               # the only NaN
            self.overflow_code = self.nan_code                           # no inf: NaN


_LAYOUTS = {name: _Layout(*spec) for name, spec in FORMATS.items()}


def _round_shift(n, shift):
    """n / 2**shift rounded to the nearest integer, ties to even (n >= 0, any int shift)."""
    if shift <= 0:
        return n << -shift
    q = n >> shift
    rem = n - (q << shift)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and q & 1):
        q += 1
    return q


def _encode(x, lay, saturate):
    x = float(x)                              # exact for a np.float32 too
    sign = lay.sign_bit if math.copysign(1.0, x) == -1.0 else 0
    if math.isnan(x):
        return sign | lay.nan_code
    if math.isinf(x):
        return sign | (lay.max_code if saturate else lay.overflow_code)
    if x == 0.0:
        return sign
    n, d = abs(x).as_integer_ratio()          # |x| = n * 2**-k exactly
    k = d.bit_length() - 1
    e = n.bit_length() - 1 - k                # 2**e <= |x| < 2**(e + 1)
    q = max(e, lay.emin) - lay.m              # exponent of the ulp at |x|
    sig = _round_shift(n, q + k)              # |x| / 2**q, rounded
    if sig == 1 << (lay.m + 1):               # carried into the next binade
        sig >>= 1
        q += 1
    if sig < (1 << lay.m):                    # subnormal, or rounded to zero
        return sign | sig
    code = ((q + lay.m + lay.bias) << lay.m) | (sig - (1 << lay.m))
    if code > lay.max_code:                   # rounded above the largest finite value
        return sign | (lay.max_code if saturate else lay.overflow_code)
    return sign | code


def _decode(code, lay):
    width = 1 + lay.e + lay.m
    if not 0 <= code < (1 << width):
        raise ValueError(f"code must be in [0, 2**{width}), got {code}")
    negative = code >> (lay.e + lay.m)
    field = (code >> lay.m) & ((1 << lay.e) - 1)
    frac = code & ((1 << lay.m) - 1)
    magnitude = code & (lay.sign_bit - 1)
    if lay.style == "ieee" and field == (1 << lay.e) - 1:
        value = math.inf if frac == 0 else math.nan
    elif lay.style == "fn" and magnitude == lay.nan_code:
        value = math.nan
    elif field == 0:
        value = math.ldexp(frac, lay.emin - lay.m)
    else:
        value = math.ldexp((1 << lay.m) | frac, field - lay.bias - lay.m)
    return -value if negative else value


def encode_e4m3fn(x, saturate=False):
    """The FP8 E4M3FN code (an int in [0, 256)) of the float32 value x, round to nearest even."""
    return _encode(x, _LAYOUTS["e4m3fn"], saturate)


def decode_e4m3fn(code):
    """The value of an E4M3FN code, as a float; ValueError outside [0, 256)."""
    return _decode(code, _LAYOUTS["e4m3fn"])


def encode_e5m2(x, saturate=False):
    """The FP8 E5M2 code (an int in [0, 256)) of the float32 value x, round to nearest even."""
    return _encode(x, _LAYOUTS["e5m2"], saturate)


def decode_e5m2(code):
    """The value of an E5M2 code, as a float; ValueError outside [0, 256)."""
    return _decode(code, _LAYOUTS["e5m2"])


def encode_fp16(x):
    """The FP16 code (an int in [0, 65536)) of x, round to nearest even, overflow to ±inf."""
    return _encode(x, _LAYOUTS["fp16"], False)


def decode_fp16(code):
    """The value of an FP16 code, as a float; ValueError outside [0, 65536)."""
    return _decode(code, _LAYOUTS["fp16"])


def encode_bf16(x):
    """The BF16 code (an int in [0, 65536)) of x, round to nearest even, overflow to ±inf."""
    return _encode(x, _LAYOUTS["bf16"], False)


def decode_bf16(code):
    """The value of a BF16 code, as a float; ValueError outside [0, 65536)."""
    return _decode(code, _LAYOUTS["bf16"])


def format_info(exp_bits, man_bits, nan_style):
    """The constants of a layout, as a dict (see the statement for each key)."""
    if not 2 <= exp_bits <= 8:
        raise ValueError(f"exp_bits must be in [2, 8], got {exp_bits}")
    if not 1 <= man_bits <= 23:
        raise ValueError(f"man_bits must be in [1, 23], got {man_bits}")
    if nan_style not in ("ieee", "fn"):
        raise ValueError(f"nan_style must be 'ieee' or 'fn', got {nan_style!r}")
    bias = (1 << (exp_bits - 1)) - 1
    if nan_style == "ieee":       # top field reserved: max is 1.11..1b * 2**bias
        max_finite = math.ldexp((1 << (man_bits + 1)) - 1, bias - man_bits)
        nan_codes = 2 * ((1 << man_bits) - 1)
    else:                         # top field finite but for f = 1..1: max is 1.11..10b * 2**(bias+1)
        max_finite = math.ldexp((1 << (man_bits + 1)) - 2, bias + 1 - man_bits)
        nan_codes = 2
    digits = 0
    while 10 ** (digits + 1) <= 2 ** (man_bits + 1):
        digits += 1
    return {
        "bias": bias,
        "max_finite": max_finite,
        "min_normal": math.ldexp(1.0, 1 - bias),
        "min_subnormal": math.ldexp(1.0, 1 - bias - man_bits),
        "epsilon": math.ldexp(1.0, -man_bits),
        "unit_roundoff": math.ldexp(1.0, -man_bits - 1),
        "decimal_digits": digits,
        "has_infinity": nan_style == "ieee",
        "nan_codes": nan_codes,
    }


def which_formats_hold(x):
    """The names of the formats that hold the finite float32 value x: rounding x there
    (saturate=False) neither overflows nor flushes a non-zero x to zero. In FORMATS order."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x!r}")
    held = ["fp32"]
    for name, lay in _LAYOUTS.items():
        value = _decode(_encode(x, lay, False), lay)
        if math.isfinite(value) and (value != 0 or x == 0):
            held.append(name)
    return held
