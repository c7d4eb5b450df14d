"""Oracles and input strategies for the fp8_formats tests (trusted: runs in the grader).

Two oracles, written independently of any solution, that every expected answer comes from:
- `oracle_encode`: exact rational arithmetic (`fractions.Fraction`): find the binade by search,
  round the quotient by the ulp to the nearest integer (ties to even), then apply the format's
  overflow rule;
- `ml_encode` / `ml_decode`: the casts of `ml_dtypes` (float8_e4m3fn, float8_e5m2, bfloat16) and
  NumPy (float16) from float32, with the saturating mode added on top (ml_dtypes has none).
`expected_encode` computes both and insists they agree, so a test never rests on one alone.

The strategies give float32 values (as Python floats) at or next to the places where encoders go
wrong: a format's own values, the exact midpoint between two neighbours (a tie, in both parity
directions), one float32 either side of a tie, the subnormal range and its two edges (half the
smallest subnormal, the largest subnormal's tie with the smallest normal), and the overflow edge
(max finite, the tie just above it, the next grid point).
"""

import math
from fractions import Fraction

import ml_dtypes
import numpy as np
from hypothesis import strategies as st


class Format:
    """A layout (exp_bits, man_bits, nan_style), its codes and its extreme values (Fractions)."""

    def __init__(self, name, exp_bits, man_bits, nan_style):
        self.name, self.e, self.m, self.style = name, exp_bits, man_bits, nan_style
        self.width = 1 + exp_bits + man_bits
        self.ncodes = 2 ** self.width
        self.bias = 2 ** (exp_bits - 1) - 1
        self.emin = 1 - self.bias
        self.sign_bit = 2 ** (exp_bits + man_bits)
        self.field_ones = 2 ** exp_bits - 1
        self.frac_ones = 2 ** man_bits - 1
        self.tiny = Fraction(2) ** (self.emin - man_bits)       # smallest subnormal
        self.min_normal = Fraction(2) ** self.emin
        if nan_style == "ieee":
            self.max_code = (self.field_ones - 1) * 2 ** man_bits + self.frac_ones
            self.nan_code = self.field_ones * 2 ** man_bits + 2 ** (man_bits - 1)
            self.inf_code = self.field_ones * 2 ** man_bits
        else:
            self.max_code = self.field_ones * 2 ** man_bits + self.frac_ones - 1
            self.nan_code = self.field_ones * 2 ** man_bits + self.frac_ones
            self.inf_code = None
        self.max_finite = self.value(self.max_code)[1]
        self.ulp_at_max = self.ulp_of_code(self.max_code)
        self.next_after_max = self.max_finite + self.ulp_at_max   # where rounding up overflows
        self.threshold = self.max_finite + self.ulp_at_max / 2      # the tie above max finite

    def __repr__(self):
        return self.name.upper()

    def split(self, code):
        return (code // self.sign_bit, (code // 2 ** self.m) % 2 ** self.e, code % 2 ** self.m)

    def is_nan_code(self, code):
        _, field, frac = self.split(code)
        if self.style == "ieee":
            return field == self.field_ones and frac != 0
        return field == self.field_ones and frac == self.frac_ones

    def value(self, code):
        """(sign, magnitude): magnitude a Fraction, math.inf or math.nan."""
        s, field, frac = self.split(code)
        if self.is_nan_code(code):
            return s, math.nan
        if self.style == "ieee" and field == self.field_ones:
            return s, math.inf
        if field == 0:
            return s, frac * self.tiny
        return s, (2 ** self.m + frac) * Fraction(2) ** (field - self.bias - self.m)

    def ulp_of_code(self, code):
        field = self.split(code)[1]
        return Fraction(2) ** (max(field, 1) - self.bias - self.m)

    def float_value(self, code):
        s, v = self.value(code)
        v = float(v)
        return -v if s else v


E4M3FN = Format("e4m3fn", 4, 3, "fn")
E5M2 = Format("e5m2", 5, 2, "ieee")
FP16 = Format("fp16", 5, 10, "ieee")
BF16 = Format("bf16", 8, 7, "ieee")
FP32 = Format("fp32", 8, 23, "ieee")
FORMATS = {f.name: f for f in (FP32, FP16, BF16, E5M2, E4M3FN)}   # which_formats_hold's order
HOLD_ORDER = list(FORMATS)

_ML = {"e4m3fn": (ml_dtypes.float8_e4m3fn, np.uint8), "e5m2": (ml_dtypes.float8_e5m2, np.uint8),
       "fp16": (np.float16, np.uint16), "bf16": (ml_dtypes.bfloat16, np.uint16)}


# --------------------------------------------------------------------------------------- oracles

def f32(x):
    """x rounded to float32, as a Python float."""
    with np.errstate(all="ignore"):
        return float(np.float32(x))


def is_f32(x):
    return math.isnan(x) or f32(x) == x


def next_f32(x, direction):
    """The float32 next to the float32 x towards +inf (direction > 0) or -inf."""
    with np.errstate(all="ignore"):
        return float(np.nextafter(np.float32(x), np.float32(math.inf * direction)))


def _floor_log2(a):
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    return e


def oracle_round(a, fmt):
    """The non-negative Fraction a rounded to the format's grid, ties to even, with the exponent
    unbounded above (so the result may exceed max finite)."""
    if a == 0:
        return a
    e = max(_floor_log2(a), fmt.emin)
    ulp = Fraction(2) ** (e - fmt.m)
    k = math.floor(a / ulp)
    r = a / ulp - k
    if r > Fraction(1, 2) or (r == Fraction(1, 2) and k % 2 == 1):
        k += 1
    return k * ulp


def oracle_encode(x, fmt, saturate=False):
    """The contract's code for the float x, by exact rational arithmetic."""
    sign = fmt.sign_bit if math.copysign(1.0, x) < 0 else 0
    over = fmt.max_code if saturate else (fmt.inf_code if fmt.style == "ieee" else fmt.nan_code)
    if math.isnan(x):
        return sign + fmt.nan_code
    if math.isinf(x):
        return sign + over
    v = oracle_round(abs(Fraction(x)), fmt)
    if v > fmt.max_finite:
        return sign + over
    if v < fmt.min_normal:
        return sign + int(v / fmt.tiny)
    e = _floor_log2(v)
    sig = v / Fraction(2) ** (e - fmt.m)
    assert sig.denominator == 1
    return sign + (e + fmt.bias) * 2 ** fmt.m + int(sig) - 2 ** fmt.m


def ml_encode(x, fmt, saturate=False):
    """The code from ml_dtypes' / NumPy's cast of float32(x), plus the saturating mode."""
    dtype, view = _ML[fmt.name]
    with np.errstate(all="ignore"):
        code = int(np.array([x], dtype=np.float32).astype(dtype).view(view)[0])
    if math.isnan(x):   # NumPy's float16 keeps a NaN's payload; the contract's NaN is canonical
        return (fmt.sign_bit if math.copysign(1.0, x) < 0 else 0) + fmt.nan_code
    if saturate:
        s, mag = fmt.value(code)
        if math.isinf(mag) or math.isnan(mag):          # x overflowed (x itself is not NaN)
            return s * fmt.sign_bit + fmt.max_code
    return code


def ml_encode_many(xs, fmt, saturate=False):
    """ml_encode of every float32 value in xs at once (vectorised), as a list of ints."""
    dtype, view = _ML[fmt.name]
    a = np.asarray(xs, dtype=np.float64).astype(np.float32)
    with np.errstate(all="ignore"):
        codes = a.astype(dtype).view(view).astype(np.int64)
    sign = np.signbit(a).astype(np.int64) * fmt.sign_bit
    nan = np.isnan(a)
    codes[nan] = sign[nan] + fmt.nan_code
    if saturate:
        values = ml_values(fmt)[codes]
        over = ~nan & ~np.isfinite(values)
        codes[over] = sign[over] + fmt.max_code
    return codes.tolist()


_VALUES = {}


def ml_values(fmt):
    """The value of every code of the format (a float64 array indexed by code), from ml_dtypes."""
    if fmt.name not in _VALUES:
        dtype, view = _ML[fmt.name]
        with np.errstate(all="ignore"):
            _VALUES[fmt.name] = np.arange(fmt.ncodes, dtype=view).view(dtype).astype(np.float64)
    return _VALUES[fmt.name]


def ml_decode(code, fmt):
    dtype, view = _ML[fmt.name]
    with np.errstate(all="ignore"):
        return float(np.array([code], dtype=view).view(dtype).astype(np.float64)[0])


def expected_encode(x, fmt, saturate=False):
    want = oracle_encode(x, fmt, saturate)
    if fmt.name in _ML:
        other = ml_encode(x, fmt, saturate)
        assert other == want, f"grader oracles disagree on {x!r} ({fmt.name})"  # never fires
    return want


def expected_holds(x):
    """which_formats_hold's answer for the finite float32 x, from the oracles."""
    out = []
    for name, fmt in FORMATS.items():
        value = fmt.value(expected_encode(x, fmt))[1]
        if not (math.isinf(value) or math.isnan(value)) and (value != 0 or x == 0):
            out.append(name)
    return out


# ------------------------------------------------------------------------------------- messages

def same_float(a, b):
    """Equal as floats, NaN equal to NaN, and +0.0 different from -0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def describe(x):
    """A float written so that its exact value is visible."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return ("-" if math.copysign(1.0, x) < 0 else "") + ("nan" if math.isnan(x) else "inf")
    if isinstance(x, float):
        return f"{x!r} (= {x.hex()})"
    return repr(x)


def show(code, fmt):
    """A code field by field, with its value: '0x7e (sign 0, exponent 1111, fraction 110) = 448.0'."""
    if type(code) is not int:
        return f"{code!r} (a {type(code).__name__}, not an int)"
    if not 0 <= code < fmt.ncodes:
        return f"{code} (outside [0, {fmt.ncodes}))"
    s, field, frac = fmt.split(code)
    digits = fmt.width // 4
    sign, mag = fmt.value(code)
    if math.isnan(mag):
        val = "NaN"
    elif math.isinf(mag):
        val = "-inf" if sign else "inf"
    else:
        val = repr(-float(mag) if sign else float(mag))
    return (f"0x{code:0{digits}x} (sign {s}, exponent field {field:0{fmt.e}b}, fraction "
            f"{frac:0{fmt.m}b}) = {val}")


def explain(x, fmt, saturate=False):
    """Where the finite x lies relative to the format's grid, in words, for a failure message."""
    if math.isnan(x) or math.isinf(x) or x == 0:
        return ""
    a = abs(Fraction(x))
    sign = fmt.sign_bit if x < 0 else 0
    if a >= fmt.max_finite:
        lo_code, lo, hi = fmt.max_code, fmt.max_finite, fmt.next_after_max
    else:
        e = max(_floor_log2(a), fmt.emin)
        ulp = Fraction(2) ** (e - fmt.m)
        lo = math.floor(a / ulp) * ulp
        lo_code, hi = oracle_encode(float(lo), fmt), lo + ulp
    if a >= hi:
        rule = ("saturate=True: it becomes ±max finite" if saturate else
                "saturate=False: " + ("±inf" if fmt.style == "ieee" else "NaN"))
        return (f" |x| is beyond the overflow threshold {float(fmt.threshold)!r} "
                f"(it rounds above max finite {float(fmt.max_finite)!r}); {rule}.")
    pos = (a - lo) / (hi - lo)
    if pos == 0:
        return " x is exactly representable: no rounding is needed."
    if pos == Fraction(1, 2):
        where = "exactly halfway between them (a tie): ties go to the neighbour whose fraction is even"
    elif abs(pos - Fraction(1, 2)) < Fraction(1, 10 ** 4):
        where = (f"just {'above' if pos > Fraction(1, 2) else 'below'} their midpoint (not a tie): "
                 f"it rounds to the {'upper' if pos > Fraction(1, 2) else 'lower'} one")
    else:
        where = (f"{float(pos):.4g} of the way from the lower to the upper, so it rounds to the "
                 f"{'upper' if pos > Fraction(1, 2) else 'lower'} one")
    if lo_code == fmt.max_code:
        upper = (f"{float(hi)!r} (one ulp above max finite: rounding up there means overflow, "
                 + ("±max with saturate=True" if saturate else
                    "±inf" if fmt.style == "ieee" else "NaN") + ")")
    else:
        upper = show(sign + lo_code + 1, fmt)
    kind = " (the subnormal range)" if a < fmt.min_normal else ""
    return (f" |x| lies between {show(sign + lo_code, fmt)} and {upper}{kind}, {where}.")


# ------------------------------------------------------------------------------------ strategies

@st.composite
def near_grid(draw, fmt, region=None, ties="any"):
    """A float32 value (as a Python float) at or next to a point that matters for rounding to the
    format: one of its values, the exact midpoint (tie) between two neighbours, one float32 either
    side of either, or a point in between. The sign is random.

    region: None (anywhere finite), 'normal' (both neighbours normal and at most max finite),
    'subnormal' (zero up to the smallest normal's upper neighbour), 'underflow' (around zero and
    the smallest subnormal: where a value starts to flush to zero) or 'overflow' (the last few
    values, max finite, the tie above it and the next grid point). ties: 'any', 'only', 'never'."""
    top = fmt.max_code
    if region == "subnormal":
        b = draw(st.integers(0, 2 ** fmt.m))
    elif region == "underflow":
        b = draw(st.integers(0, 1))
    elif region == "overflow":
        b = draw(st.integers(max(0, top - 2), top))
    elif region == "normal":
        b = draw(st.one_of(st.integers(2 ** fmt.m, top - 1),
                           st.sampled_from([2 ** fmt.m, top - 1, fmt.bias * 2 ** fmt.m])))
    else:
        b = draw(st.one_of(st.integers(0, top), st.integers(0, 2 ** fmt.m + 2),
                           st.integers(top - 2, top),
                           st.sampled_from([2 ** fmt.m - 1, 2 ** fmt.m, fmt.bias * 2 ** fmt.m])))
    lo = fmt.value(b)[1]
    hi = lo + fmt.ulp_of_code(b)
    if ties == "only":
        where, nudge = "tie", 0
    else:
        where = draw(st.sampled_from(["tie", "tie", "value", "inside"]))
        nudge = draw(st.sampled_from([0, 1, -1] if where != "tie" or ties == "any" else [1, -1]))
    if where == "inside":
        t = draw(st.fractions(min_value=0, max_value=1, max_denominator=2 ** 16))
        d = f32(lo + (hi - lo) * t)
    else:
        d = float(lo if where == "value" else (lo + hi) / 2)
        assert is_f32(d)
    if nudge:
        d = next_f32(d, nudge)
    d = abs(d)
    if math.isinf(d):
        d = float(lo)
    if ties == "never" and is_tie(d, fmt):
        d = next_f32(d, 1)
    return -d if draw(st.booleans()) else d


def is_tie(x, fmt):
    """True when the finite x lies exactly halfway between two neighbouring grid points."""
    a = abs(Fraction(x))
    if a == 0:
        return False
    e = max(_floor_log2(a), fmt.emin)
    ulp = Fraction(2) ** (e - fmt.m)
    return (a / ulp - math.floor(a / ulp)) == Fraction(1, 2)


any_f32 = st.floats(width=32, allow_nan=False)          # ±inf included
finite_f32 = st.floats(width=32, allow_nan=False, allow_infinity=False)


@st.composite
def f32_for(draw, fmt):
    """A float32 value, mostly near the format's interesting points, sometimes anywhere."""
    return draw(st.one_of(near_grid(fmt), near_grid(fmt, region="subnormal"),
                          near_grid(fmt, region="overflow"), any_f32))


def in_range(x, fmt):
    """|x| does not overflow: it rounds to at most max finite."""
    return oracle_round(abs(Fraction(x)), fmt) <= fmt.max_finite


def grid_sweep(fmt):
    """Every finite non-negative value of the format, every midpoint between neighbours (the one
    above max finite included), one float32 either side of each midpoint, and far values."""
    out = [0.0, math.inf, 2.0 ** -149, 3.4028234663852886e38]
    for b in range(fmt.max_code + 1):
        lo = fmt.value(b)[1]
        mid = float(lo + fmt.ulp_of_code(b) / 2)
        out += [float(lo), mid, next_f32(mid, -1), next_f32(mid, 1)]
    nxt = float(fmt.next_after_max)
    out += [nxt, next_f32(nxt, 1), f32(nxt * 2), float(fmt.tiny / 4)]
    return out
