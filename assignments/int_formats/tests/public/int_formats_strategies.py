"""Oracles and input strategies for the int_formats tests (trusted: runs in the grader).

The oracles are written from the definitions, independently of any solution:

* a bit string's value is the weighted sum of its bits, the first (most significant) bit
  weighing -2**(b-1) and bit i (counted from the right) 2**i otherwise;
* a wrapped result is judged by two properties that make it unique: it lies in
  [-2**(b-1), 2**(b-1) - 1] and differs from the exact result by a multiple of 2**b;
* a Q-format code is found with exact rationals (`fractions.Fraction`): the two integers around
  x * 2**n, the nearer one (ties: the even one) or the lower one, then clamped.

The strategies aim at the places where code goes wrong: the most negative value, the largest
value, -1, 0, one step outside the range, widths 2 and 64, results that wrap by exactly one,
exact ties (with negative x), one double either side of a tie, huge Python ints, and NumPy
integer and floating scalars.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example
from hypothesis import strategies as st

from autograder.testing import StudentRaised

MIN_BITS, MAX_BITS = 2, 64
Q_MAX_BITS = 32
EDGE_WIDTHS = [2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64]
NUMPY_INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
HUGE = [2 ** 64, -(2 ** 64), 2 ** 64 + 5, 10 ** 30, -(10 ** 30), 2 ** 200 + 1, -(2 ** 200) - 1,
        10 ** 400, -(10 ** 400)]


def lo(bits):
    return -(2 ** (bits - 1))


def hi(bits):
    return 2 ** (bits - 1) - 1


def range_text(bits):
    return f"the {bits}-bit range [{lo(bits)}, {hi(bits)}]"


def bits_value(s):
    """The two's complement value of a '0'/'1' string, by the definition (weighted bits)."""
    b = len(s)
    total = 0
    for i, ch in enumerate(s):
        weight = 2 ** (b - 1 - i)
        if i == 0:
            weight = -weight
        total += int(ch) * weight
    return total


def is_wrap_of(got, exact, bits):
    """got is the bits-bit wrap of the exact integer result: in range and congruent mod 2**b."""
    return type(got) is int and lo(bits) <= got <= hi(bits) and (got - exact) % 2 ** bits == 0


def show(v):
    """An argument as the test passed it (NumPy scalars keep their type in the text)."""
    if isinstance(v, np.generic):
        return f"np.{type(v).__name__}({v.item()!r})"
    return repr(v)


def plain(v):
    """A NumPy scalar's Python value (ints stay ints)."""
    return v.item() if isinstance(v, np.generic) else v


def type_problem(got, want_type, call):
    """A message when `got` is not exactly of type want_type (NumPy integers are not int)."""
    if type(got) is want_type:
        return None
    extra = ""
    if isinstance(got, np.generic):
        extra = (" (a NumPy scalar: convert with int(...) / float(...), results must be plain "
                 "Python values whatever the argument types)")
    return f"{call} returned {type(got).__name__} {got!r}: it must return a {want_type.__name__}{extra}"


def expected_bits(value, bits):
    """The two's complement bit string, for messages (the check itself uses bits_value)."""
    return format(value + (2 ** bits if value < 0 else 0), f"0{bits}b")


def check_int(got, call):
    problem = type_problem(got, int, call)
    assert problem is None, problem


def examples(name, cases):
    """Decorate a one-argument hypothesis test with one explicit example per case."""
    def deco(f):
        for c in reversed(cases):
            f = example(**{name: c})(f)
        return f
    return deco


# --------------------------------------------------------------------------- Q-format oracle

def q_limits(m, n):
    top = 2 ** (m + n)
    return -top, top - 1


def q_round(x, m, n, rounding):
    """The Qm.n code of x (an int, a float or a NumPy scalar, not NaN), exactly."""
    x = plain(x)
    low, high = q_limits(m, n)
    if isinstance(x, float) and math.isinf(x):
        return high if x > 0 else low
    t = Fraction(x) * 2 ** n
    below = t.numerator // t.denominator           # floor, exactly
    if rounding == "floor" or t == below:
        code = below
    else:
        frac = t - below                           # in (0, 1)
        if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and below % 2 == 1):
            code = below + 1
        else:
            code = below
    return min(max(code, low), high)


def q_explain(x, m, n):
    """Where x * 2**n lies between two codes, in words, for a failure message."""
    x = plain(x)
    if isinstance(x, float) and (math.isinf(x) or math.isnan(x)):
        return ""
    t = Fraction(x) * 2 ** n
    below = t.numerator // t.denominator
    low, high = q_limits(m, n)
    note = ""
    if t > high or t < low:
        note = (f" That is outside Q{m}.{n}'s codes [{low}, {high}], so the rounded code "
                f"saturates to the nearest end.")
    if t == below:
        return f" x * 2**{n} = {below} exactly: no rounding is needed." + note
    frac = t - below
    where = ("exactly halfway (a tie: nearest_even takes the even one, floor the lower one)"
             if frac == Fraction(1, 2) else f"{float(frac):.6g} of the way from the first")
    return (f" x * 2**{n} = {float(t)!r} lies between the codes {below} and {below + 1}, "
            f"{where}." + note)


# --------------------------------------------------------------------------- strategies

widths = st.one_of(st.sampled_from(EDGE_WIDTHS), st.integers(MIN_BITS, MAX_BITS))


def values_in(bits):
    """An int in the bits-bit range, often at or next to its ends, 0, -1 or a power of two."""
    L, H = lo(bits), hi(bits)
    edges = sorted({L, L + 1, -1, 0, 1, H - 1, H})     # all in range for every bits >= 2
    powers = st.integers(0, bits - 2).flatmap(
        lambda k: st.sampled_from([2 ** k, 2 ** k - 1, -(2 ** k), -(2 ** k) - 1]))
    return st.one_of(st.sampled_from(edges), st.integers(L, H), powers)


def maybe_numpy(value):
    """value itself, or (sometimes) a NumPy integer scalar of a dtype that holds it."""
    fits = [t for t in NUMPY_INTS if np.iinfo(t).min <= value <= np.iinfo(t).max]
    return st.sampled_from([int, int] + fits).map(lambda t: value if t is int else t(value))


@st.composite
def value_and_width(draw, numpy=True):
    """(value, bits) with value in range; either may be a NumPy integer."""
    bits = draw(widths)
    value = draw(values_in(bits))
    if numpy:
        value = draw(maybe_numpy(value))
        bits = draw(maybe_numpy(bits))
    return value, bits


@st.composite
def pattern_and_width(draw):
    """(pattern, bits) with pattern in [0, 2**bits), often a boundary pattern."""
    bits = draw(widths)
    top = 2 ** bits
    p = draw(st.one_of(
        st.sampled_from([0, 1, top // 2 - 1, top // 2, top // 2 + 1, top - 2, top - 1]),
        st.integers(0, top - 1)))
    return draw(maybe_numpy(p)), draw(maybe_numpy(bits))


@st.composite
def any_int_and_width(draw):
    """(value, bits) with value any int, often one step from a multiple of 2**b or a range end,
    or huge."""
    bits = draw(widths)
    top = 2 ** bits
    k = draw(st.one_of(st.integers(-3, 3), st.integers(-(2 ** 70), 2 ** 70)))
    offset = draw(st.sampled_from([lo(bits), lo(bits) - 1, hi(bits), hi(bits) + 1, 0, -1, 1]))
    value = draw(st.one_of(
        st.just(k * top + offset),
        st.just(k * top + offset),
        st.integers(-(2 ** 130), 2 ** 130),
        st.sampled_from(HUGE),
        values_in(bits)))
    return draw(maybe_numpy(value)), draw(maybe_numpy(bits))


@st.composite
def add_case(draw):
    """(x, y, bits) in range, aiming x + y at (or one step past) an end of the range."""
    bits = draw(widths)
    L, H = lo(bits), hi(bits)
    x = draw(values_in(bits))
    target = draw(st.sampled_from(["free", "H", "H+1", "L", "L-1", "0", "2H", "2L"]))
    goal = {"H": H, "H+1": H + 1, "L": L, "L-1": L - 1, "0": 0, "2H": 2 * H, "2L": 2 * L}.get(target)
    y = goal - x if goal is not None else None
    if y is None or not L <= y <= H:
        y = draw(values_in(bits))
    return draw(maybe_numpy(x)), draw(maybe_numpy(y)), draw(maybe_numpy(bits))


@st.composite
def mul_case(draw):
    """(x, y, bits) in range, aiming x * y at (or past) an end of the range."""
    bits = draw(widths)
    L, H = lo(bits), hi(bits)
    kind = draw(st.sampled_from(["free", "free", "power", "minus_one", "square"]))
    if kind == "power":                           # 2**k * 2**(b-1-k) = 2**(b-1): wraps to L
        k = draw(st.integers(0, bits - 1))
        x, y = 2 ** k, 2 ** (bits - 1 - k)
        x = x if x <= H else -x                   # 2**(b-1) itself is not in range: use -2**(b-1)
        y = y if y <= H else -y
        if draw(st.booleans()) and -x >= L and -x <= H:
            x = -x
    elif kind == "minus_one":                     # L * -1 = 2**(b-1): wraps to L
        x, y = draw(st.sampled_from([(L, -1), (-1, L), (L, L), (H, H), (L, H), (H, -1)]))
    elif kind == "square":
        x = draw(values_in(bits))
        y = x
    else:
        x, y = draw(values_in(bits)), draw(values_in(bits))
    if draw(st.booleans()):
        x, y = y, x
    return draw(maybe_numpy(x)), draw(maybe_numpy(y)), draw(maybe_numpy(bits))


@st.composite
def saturate_case(draw):
    """(value, bits) with value around an end of the range (inside and one or more outside),
    huge, or anywhere."""
    bits = draw(widths)
    L, H = lo(bits), hi(bits)
    value = draw(st.one_of(
        st.sampled_from([L - 1, L, L + 1, H - 1, H, H + 1, 0, -1, L - 2, H + 2]),
        st.integers(L - 2 ** bits, H + 2 ** bits),
        st.sampled_from(HUGE),
        values_in(bits)))
    return draw(maybe_numpy(value)), draw(maybe_numpy(bits))


# Q-formats: (m, n) with 2 <= 1 + m + n <= 32
Q_EDGE_FORMATS = [(3, 4), (0, 7), (7, 0), (0, 1), (1, 0), (0, 15), (15, 0), (1, 14), (0, 31),
                  (31, 0), (15, 16), (2, 5), (1, 6), (4, 3)]


@st.composite
def q_formats(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(Q_EDGE_FORMATS))
    width = draw(st.integers(2, Q_MAX_BITS))
    m = draw(st.integers(0, width - 1))
    return m, width - 1 - m


def _as_double(v):
    """The Fraction v as a double if exactly one, else None."""
    d = float(v)
    return d if Fraction(d) == v else None


@st.composite
def q_near_grid(draw, m, n, ties="any"):
    """A double inside Qm.n's range (or within half a step of its ends) at or next to a point
    that matters for rounding: a code's exact value, an exact tie between two codes (both
    parities, negative ones included), one double either side of either, or a point between.

    ties: 'any', or 'only' (exact ties only)."""
    low, high = q_limits(m, n)
    k = draw(st.one_of(st.integers(low, high),
                       st.sampled_from([low, low, low + 1, -2, -1, 0, 1, high - 1, high, high]),
                       st.integers(-4, 3)))
    k = min(max(k, low), high)
    step = Fraction(1, 2 ** n)
    where = "tie" if ties == "only" else draw(st.sampled_from(["tie", "tie", "code", "between"]))
    if where == "between":
        t = draw(st.fractions(min_value=0, max_value=1, max_denominator=2 ** 12))
        d = float((k + t) * step)
    else:
        exact = (k + (Fraction(1, 2) if where == "tie" else 0)) * step
        d = _as_double(exact)
        if d is None:
            d = float(k * step)
        nudge = draw(st.sampled_from([0, 0, 0, 1, -1])) if ties != "only" else 0
        if nudge:
            d = math.nextafter(d, math.inf * nudge)
    return d


@st.composite
def q_in_range_case(draw):
    """(x, m, n) with x a double in or half a step around Qm.n's range, near the grid."""
    m, n = draw(q_formats())
    return draw(q_near_grid(m, n)), m, n


@st.composite
def q_outside_case(draw):
    """(x, m, n) with x at or beyond an end of Qm.n's range: one step, half a step, one double
    past it, far away (up to the largest double), infinite, or a huge Python int."""
    m, n = draw(q_formats())
    low, high = q_limits(m, n)
    step = Fraction(1, 2 ** n)
    end = draw(st.sampled_from(["low", "high"]))
    edge = (low if end == "low" else high) * step
    direction = -1 if end == "low" else 1
    kind = draw(st.sampled_from(["step", "half", "next", "far", "inf", "int", "max_double"]))
    if kind == "step":
        return float(edge + direction * step), m, n
    if kind == "half":
        return float(edge + direction * step / 2), m, n
    if kind == "next":
        return math.nextafter(float(edge + direction * step / 2), math.inf * direction), m, n
    if kind == "far":
        mag = draw(st.floats(min_value=float(2 ** m + 1), max_value=1.7e308))
        return direction * mag, m, n
    if kind == "inf":
        return direction * math.inf, m, n
    if kind == "int":
        return direction * draw(st.sampled_from([2 ** m, 2 ** m + 1, 10 ** 30, 10 ** 400])), m, n
    return direction * 1.7976931348623157e308, m, n


# --------------------------------------------------------------------------- errors

def call_text(name, *args, **kwargs):
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def expect_error(exc, call, thunk, why):
    """The call must raise exc (a subclass counts); anything else fails with a message that
    names what it did instead and why exc is expected."""
    try:
        got = thunk()
    except exc:
        return
    except StudentRaised as e:
        raised = e.info.get("type", type(e).__name__) if isinstance(e.info, dict) else "?"
        pytest.fail(f"{call} raised {raised}, but it must raise {exc.__name__}: {why}")
    pytest.fail(f"{call} returned {got!r}, but it must raise {exc.__name__}: {why}")


def bad_width_why(bits):
    return f"bits = {show(bits)} is not a width in [2, 64]"


# Arguments of the wrong type (each must raise TypeError where an int is expected)
NOT_INTS = [True, False, np.True_, 1.0, np.float64(3.0), np.float32(1.0), "5", None, [1], b"1"]
BOOLS = [True, False, np.True_, np.False_]


def not_int_why(v):
    if isinstance(v, (bool, np.bool_)):
        return f"{show(v)} is a bool, and bools are rejected wherever an int is expected"
    return f"{show(v)} is a {type(v).__name__}, not an int (or NumPy integer)"


class Bad:
    """Arguments with exactly one bad argument: the call must raise `exc`, for reason `why`."""

    def __init__(self, args, exc, why, kwargs=None):
        self.args, self.exc, self.why, self.kwargs = tuple(args), exc, why, dict(kwargs or {})

    def __repr__(self):
        return f"Bad({', '.join(show(a) for a in self.args)} -> {self.exc.__name__})"


class Ok:
    """Valid arguments at an edge of what is accepted (width 2 or 64, say): the call must
    return `want`."""

    def __init__(self, args, want, kwargs=None):
        self.args, self.want, self.kwargs = tuple(args), want, dict(kwargs or {})

    def __repr__(self):
        return f"Ok({', '.join(show(a) for a in self.args)} -> {self.want!r})"


def run_case(sub, name, case):
    """Check one Bad or Ok case of function `name`."""
    fn = getattr(sub, name)
    call = call_text(name, *case.args, **case.kwargs)
    if isinstance(case, Ok):
        got = fn(*case.args, **case.kwargs)
        assert type(got) is type(case.want) and got == case.want, (
            f"{call} returned {got!r}, expected {case.want!r}: these arguments are valid and "
            "must be accepted")
        return
    expect_error(case.exc, call, lambda: fn(*case.args, **case.kwargs), case.why)


def _out_of_range(draw, bits):
    over = draw(st.one_of(st.just(1), st.just(1), st.just(2), st.integers(1, 2 ** (bits + 2)),
                          st.sampled_from([2 ** 64, 10 ** 30, 10 ** 400])))   # often one step out
    v = hi(bits) + over if draw(st.booleans()) else lo(bits) - over
    return draw(maybe_numpy(v))


@st.composite
def bad_width(draw):
    return draw(st.one_of(st.integers(-70, 1), st.integers(65, 300), st.sampled_from([1, 65])
                          ).flatmap(maybe_numpy))


@st.composite
def bad_int_args(draw, shape):
    """A Bad case for a function of two's complement integers. shape: 'ranged' (value, bits)
    with value in range; 'any' (value, bits) with any int value; 'pattern' (pattern, bits);
    'pair' (x, y, bits) with both in range."""
    kinds = ["width", "type"] + (["range", "range"] if shape != "any" else [])
    kind = draw(st.sampled_from(kinds))
    bits = draw(widths)
    nargs = 3 if shape == "pair" else 2
    args = [0] * (nargs - 1) + [bits]
    if kind == "width":
        args[-1] = draw(bad_width())
        return Bad(args, ValueError, bad_width_why(args[-1]))
    slot = draw(st.sampled_from([0, *range(nargs)]))   # the value more often than the width
    if kind == "type":
        args[slot] = draw(st.one_of(st.sampled_from(NOT_INTS), st.sampled_from(BOOLS)))
        return Bad(args, TypeError, not_int_why(args[slot]))
    if shape == "pattern":
        top = 2 ** bits
        v = draw(st.one_of(st.integers(-(2 ** 70), -1), st.integers(top, top + 2 ** 70),
                           st.sampled_from([-1, top, top + 1])))
        args[0] = draw(maybe_numpy(v))
        return Bad(args, ValueError, f"the pattern {show(args[0])} is outside [0, 2**{bits})")
    slot = min(slot, nargs - 2)
    args[slot] = _out_of_range(draw, bits)
    return Bad(args, ValueError, f"{show(args[slot])} is outside {range_text(bits)}")
