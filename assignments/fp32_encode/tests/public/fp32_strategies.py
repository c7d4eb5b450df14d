"""Oracles and input strategies for the fp32_encode tests (trusted: runs in the grader).

The oracle here is written independently of any solution: it works on exact rationals
(`fractions.Fraction`) and finds the two neighbours of a value by search, not by bit tricks.
FP32 and FP16 are also cross-checked against NumPy in the tests themselves.

The strategies aim at the places where encoders go wrong: exact ties between two neighbours
of the target format (both parities, so ties-to-even is tested in both directions), one double
either side of a tie, the subnormal range and its upper boundary, the overflow boundary, signed
zeros, infinities and NaN payloads.
"""

import math
from fractions import Fraction

from hypothesis import strategies as st

# name -> (exp_bits, man_bits)
NAMED_FORMATS = {
    "FP32": (8, 23),
    "FP16": (5, 10),
    "BF16": (8, 7),
    "FP8-E5M2": (5, 2),
    "FP8-E4M3 (IEEE-style)": (4, 3),
    "E3M2": (3, 2),
    "E2M1": (2, 1),
    "E7M9": (7, 9),
    "E11M51": (11, 51),
    "FP64 layout (11, 52)": (11, 52),
    "E2M52": (2, 52),
    "E11M1": (11, 1),
}


def fmt_name(exp_bits, man_bits):
    for name, f in NAMED_FORMATS.items():
        if f == (exp_bits, man_bits):
            return f"{name} (exp_bits={exp_bits}, man_bits={man_bits})"
    return f"(exp_bits={exp_bits}, man_bits={man_bits})"


class Format:
    """Constants of a binary format: widths, bias, the extreme values, as exact Fractions."""

    def __init__(self, exp_bits, man_bits):
        self.e, self.m = exp_bits, man_bits
        self.width = 1 + exp_bits + man_bits
        self.bias = 2 ** (exp_bits - 1) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.exp_ones = 2 ** exp_bits - 1
        self.sign_bit = 2 ** (exp_bits + man_bits)
        self.inf_bits = self.exp_ones * 2 ** man_bits
        self.max_finite_bits = self.inf_bits - 1
        self.min_normal = Fraction(2) ** self.emin
        self.tiny = Fraction(2) ** (self.emin - man_bits)          # smallest subnormal
        self.max_finite = (2 - Fraction(1, 2 ** man_bits)) * Fraction(2) ** self.emax
        self.overflow = Fraction(2) ** (self.emax + 1)             # the "next" after max_finite

    def name(self):
        return fmt_name(self.e, self.m)


def pattern_value(bits, exp_bits, man_bits):
    """Exact value of a pattern: a Fraction, or +-inf / nan as floats (sign of zero: see below).

    Returns (sign, value) with sign in {0, 1}; value is a non-negative Fraction, math.inf or
    math.nan.
    """
    f = Format(exp_bits, man_bits)
    sign = bits // f.sign_bit
    biased = (bits // 2 ** man_bits) % 2 ** exp_bits
    frac = bits % 2 ** man_bits
    if biased == f.exp_ones:
        return sign, (math.nan if frac else math.inf)
    if biased == 0:
        return sign, frac * f.tiny
    return sign, (2 ** man_bits + frac) * Fraction(2) ** (biased - f.bias - man_bits)


def oracle_decode(bits, exp_bits, man_bits):
    """The float value of a pattern (exact: every value of these formats is a double)."""
    sign, v = pattern_value(bits, exp_bits, man_bits)
    if isinstance(v, Fraction):
        v = float(v)
        assert Fraction(v) == pattern_value(bits, exp_bits, man_bits)[1], "not exact"
    return -v if sign else v


def _floor_log2(a):
    """The e with 2**e <= a < 2**(e+1), for a Fraction a > 0, by search."""
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    return e


def oracle_round(x, exp_bits, man_bits):
    """|x| rounded to the format with unbounded exponent above: a Fraction (may exceed max)."""
    f = Format(exp_bits, man_bits)
    a = abs(Fraction(x))
    if a == 0:
        return a
    e = max(_floor_log2(a), f.emin)
    ulp = Fraction(2) ** (e - man_bits)
    k = math.floor(a / ulp)
    r = a / ulp - k
    if r > Fraction(1, 2) or (r == Fraction(1, 2) and k % 2 == 1):
        k += 1
    return k * ulp


def oracle_encode(x, exp_bits, man_bits):
    """The pattern of the float x in the format, round to nearest even; None for a NaN x
    (any NaN pattern is right; use is_nan_pattern)."""
    f = Format(exp_bits, man_bits)
    if math.isnan(x):
        return None
    sign = f.sign_bit if math.copysign(1.0, x) < 0 else 0
    if math.isinf(x):
        return sign + f.inf_bits
    v = oracle_round(x, exp_bits, man_bits)
    if v > f.max_finite:
        return sign + f.inf_bits
    if v < f.min_normal:
        frac = v / f.tiny
        assert frac.denominator == 1
        return sign + int(frac)
    e = _floor_log2(v)
    sig = v / Fraction(2) ** (e - man_bits)
    assert sig.denominator == 1 and 2 ** man_bits <= sig < 2 ** (man_bits + 1)
    return sign + (e + f.bias) * 2 ** man_bits + int(sig) - 2 ** man_bits


def is_nan_pattern(bits, exp_bits, man_bits):
    f = Format(exp_bits, man_bits)
    return (0 <= bits < 2 ** f.width and (bits // 2 ** man_bits) % 2 ** exp_bits == f.exp_ones
            and bits % 2 ** man_bits != 0)


def split(bits, exp_bits, man_bits):
    """(sign, exponent field, fraction field) of a pattern."""
    return (bits >> (exp_bits + man_bits), (bits >> man_bits) & (2 ** exp_bits - 1),
            bits & (2 ** man_bits - 1))


def show(bits, exp_bits, man_bits):
    """A pattern written field by field, e.g. '0xc15a0000 (sign 1, exponent 130, fraction 0x5a0000)'."""
    if not isinstance(bits, int):
        return repr(bits)
    if not 0 <= bits < 2 ** (1 + exp_bits + man_bits):
        return f"{bits} (outside the format's {1 + exp_bits + man_bits} bits)"
    s, e, m = split(bits, exp_bits, man_bits)
    digits = (1 + exp_bits + man_bits + 3) // 4
    return f"0x{bits:0{digits}x} (sign {s}, exponent field {e}, fraction field {m:#x})"


def same_float(a, b):
    """Equal as floats, NaN equal to NaN, and +0.0 different from -0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def neighbours(x, exp_bits, man_bits):
    """(lo_bits, hi_bits, position) for a finite double x: the format's two magnitudes around
    |x| as non-negative patterns (hi_bits may be the inf pattern when |x| is past the largest
    finite value) and where |x| lies between them, a Fraction in [0, 1)."""
    f = Format(exp_bits, man_bits)
    a = abs(Fraction(x))
    if a >= f.max_finite:
        over = (a - f.max_finite) / (f.overflow - f.max_finite)
        return f.max_finite_bits, f.inf_bits, over
    e = max(_floor_log2(a), f.emin) if a else f.emin
    ulp = Fraction(2) ** (e - man_bits)
    k = math.floor(a / ulp)
    lo = oracle_encode(float(k * ulp), exp_bits, man_bits)
    return lo, lo + 1, a / ulp - k


def is_tie(x, exp_bits, man_bits):
    """True when the finite double x lies exactly halfway between two neighbours."""
    return not math.isinf(x) and neighbours(x, exp_bits, man_bits)[2] == Fraction(1, 2)


def describe(x):
    """A double written so that its exact value is visible: repr and hex."""
    if math.isnan(x) or math.isinf(x):
        return repr(x)
    return f"{x!r} (= {x.hex()})"


def explain(x, exp_bits, man_bits):
    """Where x lies relative to the format's grid, in words, for a failure message."""
    if math.isnan(x) or math.isinf(x) or x == 0:
        return ""
    lo, hi, pos = neighbours(x, exp_bits, man_bits)
    sign = (2 ** (exp_bits + man_bits)) if x < 0 else 0
    f = Format(exp_bits, man_bits)
    if pos == 0:
        return f" x is exactly representable: no rounding is needed."
    if pos == Fraction(1, 2):
        where = "exactly halfway between (a tie): ties go to the neighbour whose fraction is even"
    elif abs(pos - Fraction(1, 2)) < Fraction(1, 10 ** 6):
        where = (f"just {'above' if pos > Fraction(1, 2) else 'below'} the midpoint (not a tie: "
                 f"it rounds to the {'second' if pos > Fraction(1, 2) else 'first'})")
    else:
        where = (f"{float(pos):.6g} of the way from the first to the second, so it rounds to the "
                 f"{'second' if pos > Fraction(1, 2) else 'first'}")
    hi_note = " (past the largest finite value: rounding up there means overflow to inf)" \
        if hi == f.inf_bits else ""
    kind = " (subnormal range)" if abs(Fraction(x)) < f.min_normal else ""
    return (f" |x| lies between the neighbours {show(sign + lo, exp_bits, man_bits)} and "
            f"{show(sign + hi, exp_bits, man_bits)}{hi_note}{kind}, {where}.")


# ---------------------------------------------------------------------------------------------
# Strategies

formats = st.one_of(
    st.sampled_from(sorted(set(NAMED_FORMATS.values()))),
    st.tuples(st.integers(2, 11), st.integers(1, 52)),
)


def _as_double(v):
    """v (a Fraction) as a double if it is exactly one, else None."""
    try:
        d = float(v)
    except OverflowError:
        return None
    return d if not math.isinf(d) and Fraction(d) == v else None


@st.composite
def near_grid(draw, exp_bits, man_bits, region=None, ties="any"):
    """A double at or next to a point that matters for rounding to the format: a representable
    value, the exact midpoint (tie) between two neighbours, one double either side of either, or
    a point in between. The sign is random.

    region: None (anywhere finite), 'normal' (neighbours both normal and finite),
    'subnormal' (zero up to just past the smallest normal) or 'overflow' (around the largest
    finite value). ties: 'any', 'only' (exact ties) or 'never' (no exact tie)."""
    f = Format(exp_bits, man_bits)
    if region == "subnormal":
        b = draw(st.integers(0, 2 ** man_bits))            # zero .. smallest normal
    elif region == "overflow":
        b = draw(st.integers(max(0, f.max_finite_bits - 3), f.max_finite_bits))
    elif region == "normal":
        b = draw(st.one_of(st.integers(2 ** man_bits, f.max_finite_bits - 1),
                           st.sampled_from([2 ** man_bits, f.max_finite_bits - 1])))
    else:
        b = draw(st.one_of(
            st.integers(0, f.max_finite_bits),
            st.integers(0, 2 ** man_bits + 2),                    # subnormals and their edge
            st.integers(f.max_finite_bits - 2, f.max_finite_bits),  # the overflow edge
            st.sampled_from([2 ** man_bits - 1, 2 ** man_bits, f.bias * 2 ** man_bits])))
    lo = pattern_value(b, exp_bits, man_bits)[1]
    hi = f.overflow if b == f.max_finite_bits else pattern_value(b + 1, exp_bits, man_bits)[1]
    if ties == "only":
        where, nudge = "tie", 0
    else:
        where = draw(st.sampled_from(["tie", "tie", "value", "inside"]))
        nudge = draw(st.sampled_from([0, 1, -1] if where != "tie" or ties == "any" else [1, -1]))
    if where == "inside":
        t = draw(st.fractions(min_value=0, max_value=1, max_denominator=2 ** 20))
        try:
            d = float(lo + (hi - lo) * t)                 # the nearest double is fine here
        except OverflowError:
            d = None
    else:
        d = _as_double(lo if where == "value" else (lo + hi) / 2)
    if d is None or math.isinf(d):                        # e.g. a tie of a man_bits=52 format
        d = float(lo)
    if nudge:
        d = math.nextafter(d, math.inf * nudge)
    if math.isinf(d):
        d = float(lo)
    d = abs(d)
    if ties == "never" and is_tie(d, exp_bits, man_bits):
        d = math.nextafter(d, math.inf)
    return -d if draw(st.booleans()) else d


@st.composite
def doubles_for(draw, exp_bits, man_bits):
    """Any double, mostly near the format's interesting points, sometimes anywhere at all."""
    return draw(st.one_of(
        near_grid(exp_bits, man_bits),
        near_grid(exp_bits, man_bits, region="subnormal"),
        near_grid(exp_bits, man_bits, region="overflow"),
        st.floats(allow_nan=False),
    ))


@st.composite
def patterns_for(draw, exp_bits, man_bits):
    """Any bit pattern of the format, with every class (zero, subnormal, normal, inf, NaN)
    and both signs represented often."""
    f = Format(exp_bits, man_bits)
    sign = draw(st.integers(0, 1)) * f.sign_bit
    kind = draw(st.sampled_from(["any", "subnormal", "zero", "normal", "edge", "inf", "nan"]))
    if kind == "any":
        return draw(st.integers(0, 2 ** f.width - 1))
    if kind == "zero":
        return sign
    if kind == "subnormal":
        return sign + draw(st.integers(1, 2 ** man_bits - 1))
    if kind == "normal":
        return sign + draw(st.integers(2 ** man_bits, f.max_finite_bits))
    if kind == "edge":
        return sign + draw(st.sampled_from(
            [1, 2 ** man_bits - 1, 2 ** man_bits, 2 ** man_bits + 1, f.max_finite_bits]))
    if kind == "inf":
        return sign + f.inf_bits
    return sign + f.inf_bits + draw(st.integers(1, 2 ** man_bits - 1))
