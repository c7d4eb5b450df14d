"""Public tests of the Q-format functions: q_range, q_encode and q_decode.

Qm.n (ARM convention) is 1 sign bit + m integer bits + n fraction bits; its code k is an int in
[-2**(m+n), 2**(m+n) - 1] standing for k * 2**-n. Expected codes come from exact rationals
(int_formats_strategies.q_round): x * 2**n rounded to nearest with ties to even, or toward minus
infinity, then clamped. Each test calls one function.
"""

import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from int_formats_strategies import (
    NOT_INTS,
    Bad,
    Ok,
    call_text,
    examples,
    maybe_numpy,
    not_int_why,
    plain,
    q_explain,
    q_formats,
    q_in_range_case,
    q_limits,
    q_near_grid,
    q_outside_case,
    q_round,
    run_case,
    show,
    type_problem,
)

from autograder.testing import observe, points

FMT_WHY = "1 + m + n must be in [2, 32], with m >= 0 and n >= 0"


def fmt_name(m, n):
    return f"Q{plain(m)}.{plain(n)}"


# -------------------------------------------------------------------------------------- q_range

@st.composite
def q_format_args(draw):
    m, n = draw(q_formats())
    return draw(maybe_numpy(m)), draw(maybe_numpy(n))


@points(1)
@given(fmt=q_format_args())
@examples("fmt", [(3, 4), (0, 7), (7, 0), (0, 1), (1, 0), (0, 15), (0, 31), (31, 0), (15, 16),
                  (1, 30), (np.int64(3), np.uint8(4))])
def test_q_range(sub, fmt):
    """q_range(m, n) is the tuple (smallest value, largest value, resolution) = (-2**m, 2**m - 2**-n, 2**-n) of Qm.n, three exact floats."""
    m, n = fmt
    call = call_text("q_range", m, n)
    got = sub.q_range(m, n)
    mi, ni = int(m), int(n)
    want = (-Fraction(2) ** mi, Fraction(2) ** mi - Fraction(1, 2 ** ni), Fraction(1, 2 ** ni))
    shown = tuple(float(w) for w in want)
    assert type(got) is tuple and len(got) == 3 and all(type(v) is float for v in got), (
        f"{call} returned {got!r}: it must return a tuple of three floats, here {shown}")
    assert tuple(Fraction(v) for v in got) == want, (
        f"{call} = {got}, expected {shown}: {fmt_name(m, n)} has {1 + mi + ni} bits, codes "
        f"[{-2 ** (mi + ni)}, {2 ** (mi + ni) - 1}] times the resolution 2**-{ni}")


def _bad_format_cases():
    return [
        Bad((0, 0), ValueError, "Q0.0 has 1 bit: " + FMT_WHY),
        Bad((32, 0), ValueError, "Q32.0 has 33 bits: " + FMT_WHY),
        Bad((0, 32), ValueError, "Q0.32 has 33 bits: " + FMT_WHY),
        Bad((-1, 4), ValueError, "m = -1 is negative: " + FMT_WHY),
        Bad((4, -1), ValueError, "n = -1 is negative: " + FMT_WHY),
        Bad((True, 4), TypeError, "m = True is a bool, and bools are rejected"),
        Bad((3, 4.0), TypeError, "n = 4.0 is a float, not an int"),
    ]


@st.composite
def bad_format(draw):
    """(m, n, exc, why) with a bad format."""
    kind = draw(st.sampled_from(["wide", "negative", "type"]))
    if kind == "wide":
        w = draw(st.integers(33, 80))
        m = draw(st.integers(0, w - 1))
        return m, w - 1 - m, ValueError, f"Q{m}.{w - 1 - m} has {w} bits: " + FMT_WHY
    if kind == "negative":
        a, b = draw(st.integers(-40, -1)), draw(st.integers(0, 20))
        m, n = (a, b) if draw(st.booleans()) else (b, a)
        return m, n, ValueError, f"Q{m}.{n}: m and n must be >= 0"
    bad = draw(st.sampled_from(NOT_INTS))
    return (bad, 4, TypeError, not_int_why(bad)) if draw(st.booleans()) else \
        (3, bad, TypeError, not_int_why(bad))


@points(1)
@settings(max_examples=5)
@given(case=bad_format().map(lambda c: Bad(c[:2], c[2], c[3])))
@examples("case", [Ok((0, 1), (-1.0, 0.5, 0.5)), Ok((1, 0), (-2.0, 1.0, 1.0)),
                   Ok((31, 0), (-2147483648.0, 2147483647.0, 1.0)),
                   Ok((0, 31), (-1.0, 1 - 2.0 ** -31, 2.0 ** -31))] + _bad_format_cases())
def test_q_range_rejects(sub, case):
    """q_range raises ValueError unless m >= 0, n >= 0 and 2 <= 1 + m + n <= 32 (Q0.1, Q1.0, Q31.0 and Q0.31 work), TypeError for a non-int m or n."""
    run_case(sub, "q_range", case)


# ------------------------------------------------------------------------------------- q_encode

def check_code(x, m, n, rounding, got, call):
    """got must be the exact Qm.n code of x; inside the range, also record its rounding error
    against the bound (half a step for nearest_even, under one step for floor)."""
    problem = type_problem(got, int, call)
    assert problem is None, problem
    want = q_round(x, m, n, rounding)
    px = plain(x)
    if not (isinstance(px, float) and math.isinf(px)):
        exact = Fraction(px)
        low, high = q_limits(m, n)
        if low <= exact * 2 ** n <= high:      # inside the range: the rounding error bound applies
            below = exact - Fraction(got, 2 ** n)
            if rounding == "floor":
                bound = Fraction(1, 2 ** n)
                ok = 0 <= below < bound
                label = "q_encode floor: x - decoded vs resolution 2**-n (strict)"
            else:
                bound = Fraction(1, 2 ** (n + 1))
                ok = abs(below) <= bound
                label = "q_encode nearest_even: |decoded - x| vs half the resolution"
            observe(float(abs(below)), float(bound), label=label, over=not ok)
    if got != want:
        hint = ""
        t = Fraction(px) * 2 ** n if not (isinstance(px, float) and math.isinf(px)) else None
        low, high = q_limits(m, n)
        if want in (low, high) and (t is None or not low <= t <= high):
            hint = f" (saturation: {fmt_name(m, n)}'s codes are {low} .. {high})"
        elif rounding == "nearest_even" and t is not None and t % 1 == Fraction(1, 2):
            hint = " (a tie: nearest_even takes the even code, also for negative x)"
        elif rounding == "floor" and got == want + 1 and t is not None and t < 0:
            hint = " (floor rounds toward minus infinity, not toward zero)"
        assert got == want, f"{call} = {got}, expected {want}{hint}." + q_explain(x, m, n)


def encode_call(sub, x, m, n, rounding, default=False):
    """Call q_encode; with default=True leave rounding out (it must default to nearest_even)."""
    if default:
        return call_text("q_encode", x, m, n), sub.q_encode(x, m, n)
    return call_text("q_encode", x, m, n, rounding=rounding), sub.q_encode(x, m, n, rounding=rounding)


NEAREST_EXAMPLES = [
    (-0.03125, 3, 4, False), (-0.09375, 3, 4, True), (0.03125, 3, 4, False), (-0.5, 7, 0, False),
    (-1.5, 7, 0, True), (-2.5, 7, 0, False), (2.5, 7, 0, False), (-2.6875, 3, 4, False),
    (0.1, 0, 31, False), (math.nextafter(-0.03125, 0.0), 3, 4, False),
    (math.nextafter(-0.03125, -math.inf), 3, 4, False), (math.nextafter(0.09375, 0.0), 3, 4, True),
    (7.9375, 3, 4, False), (-8.0, 3, 4, False), (7.96875, 3, 4, False), (-8.03125, 3, 4, False),
    (math.nextafter(-8.03125, -math.inf), 3, 4, False), (-5e-324, 0, 31, False),
    (-0.0, 3, 4, False), (2.0 ** 30 + 0.5, 31, 0, False), (-1.5 * 2.0 ** -31, 0, 31, False),
    (-0.75, 0, 1, False),
]


@points(2)
@given(case=st.tuples(q_in_range_case(), st.booleans()).map(lambda c: (*c[0], c[1])))
@examples("case", NEAREST_EXAMPLES)
def test_q_encode_nearest_even(sub, case):
    """q_encode(x, m, n) (rounding 'nearest_even', the default) is x * 2**n rounded to the nearest int, ties to the even one (-0.5 -> 0, -1.5 -> -2), then saturated."""
    x, m, n, default = case
    call, got = encode_call(sub, x, m, n, "nearest_even", default)
    check_code(x, m, n, "nearest_even", got, call)


FLOOR_EXAMPLES = [
    (-0.03125, 3, 4), (-0.0625, 3, 4), (-1e-300, 3, 4), (-5e-324, 0, 31), (5e-324, 0, 31),
    (-0.5, 7, 0), (-1.5, 7, 0), (2.5, 7, 0), (-8.0, 3, 4), (-8.0001, 3, 4), (-2.6875, 3, 4),
    (math.nextafter(-0.0625, 0.0), 3, 4), (-0.0, 3, 4), (2.0 ** 31 - 0.5, 31, 0),
    (-(2.0 ** 31) + 0.5, 31, 0), (-0.75, 0, 1),
]


@points(2)
@given(case=q_in_range_case())
@examples("case", FLOOR_EXAMPLES)
def test_q_encode_floor(sub, case):
    """q_encode(x, m, n, rounding='floor') is floor(x * 2**n) (toward minus infinity: -0.5 -> -1), then saturated."""
    x, m, n = case
    call, got = encode_call(sub, x, m, n, "floor")
    check_code(x, m, n, "floor", got, call)


SATURATE_EXAMPLES = [
    (8.0, 3, 4, "nearest_even"), (-8.0625, 3, 4, "nearest_even"), (7.96875, 3, 4, "floor"),
    (-8.03125, 3, 4, "floor"), (-8.03125, 3, 4, "nearest_even"), (1.0, 0, 7, "nearest_even"),
    (-1.0078125, 0, 7, "floor"), (1.0, 0, 31, "nearest_even"), (2.0 ** 31, 31, 0, "nearest_even"),
    (-(2.0 ** 31) - 1, 31, 0, "floor"), (2147483647.5, 31, 0, "nearest_even"),
    (1e308, 15, 16, "nearest_even"), (-1.7976931348623157e308, 0, 31, "floor"),
    (math.inf, 3, 4, "nearest_even"), (-math.inf, 0, 31, "floor"), (10 ** 400, 3, 4, "floor"),
    (-(10 ** 400), 3, 4, "nearest_even"), (0.75, 0, 1, "nearest_even"),
]


@points(2)
@given(case=st.tuples(q_outside_case(), st.sampled_from(["nearest_even", "floor"]))
       .map(lambda c: (*c[0], c[1])))
@examples("case", SATURATE_EXAMPLES)
def test_q_encode_saturates(sub, case):
    """q_encode saturates: x beyond Qm.n's range (one step out, far out, up to the largest double, ±inf, huge ints) gives the nearest end code, in both roundings."""
    x, m, n, rounding = case
    call, got = encode_call(sub, x, m, n, rounding)
    check_code(x, m, n, rounding, got, call)


@st.composite
def typed_x_case(draw):
    """(x, m, n, rounding) with x a NumPy float or int scalar, or a Python int."""
    m, n = draw(q_formats())
    d = draw(st.one_of(q_near_grid(m, n), st.floats(-1e6, 1e6)))
    kind = draw(st.sampled_from(["f16", "f16", "f32", "f32", "f64", "int", "npint"]))
    with np.errstate(over="ignore"):
        if kind == "f16":
            x = np.float16(d)
        elif kind == "f32":
            x = np.float32(d)
        elif kind == "f64":
            x = np.float64(d)
        else:
            x = math.floor(d)
            if kind == "npint":
                x = draw(maybe_numpy(x))
    if draw(st.booleans()):
        m, n = draw(maybe_numpy(m)), draw(maybe_numpy(n))
    return x, m, n, draw(st.sampled_from(["nearest_even", "floor"]))


TYPED_EXAMPLES = [
    (np.float16(1000.0), 15, 16, "nearest_even"), (np.float16(-0.5), 7, 0, "floor"),
    (np.float32(-1.5), 7, 0, "nearest_even"), (np.float32(0.1), 0, 31, "nearest_even"),
    (np.float64(-2.6875), 3, 4, "nearest_even"), (np.int8(-5), 3, 4, "nearest_even"),
    (np.uint64(2 ** 64 - 1), 31, 0, "floor"), (2 ** 53 + 1, 31, 0, "floor"),
    (10 ** 400, 15, 16, "nearest_even"), (-(10 ** 400), 15, 16, "floor"),
    (np.float16(65504.0), 15, 16, "nearest_even"), (np.float32(3e38), 0, 31, "nearest_even"),
    (1.5, np.int64(3), np.uint8(4), "nearest_even"), (np.float32(-1e-45), 0, 31, "floor"),
    (np.int64(-(2 ** 40)), 0, 7, "nearest_even"),
]


@points(1)
@given(case=typed_x_case())
@examples("case", TYPED_EXAMPLES)
def test_q_encode_input_types(sub, case):
    """q_encode accepts NumPy float16/float32/float64 and integer scalars and Python ints of any size (m, n may be NumPy integers), rounds their exact value, and returns a Python int."""
    x, m, n, rounding = case
    call, got = encode_call(sub, x, m, n, rounding)
    check_code(x, int(m), int(n), rounding, got, call)


@st.composite
def bad_encode_case(draw):
    kind = draw(st.sampled_from(["nan", "rounding", "format", "type"]))
    if kind == "nan":
        x = draw(st.sampled_from([math.nan, -math.nan, np.float32(math.nan), np.float16(math.nan)]))
        return Bad((x, 3, 4), ValueError, "x is NaN, which has no code")
    if kind == "rounding":
        r = draw(st.sampled_from(["nearest", "NEAREST_EVEN", "Floor", "ceil", "round", "",
                                  "nearest-even", "truncate", None, 0]))
        return Bad((1.0, 3, 4), ValueError, f"rounding = {r!r} is neither 'nearest_even' nor "
                   "'floor'", {"rounding": r})
    if kind == "format":
        m, n, exc, why = draw(bad_format())
        return Bad((0.5, m, n), exc, why)
    x = draw(st.sampled_from([True, False, np.True_, "1.5", None, [1.0], b"1"]))
    return Bad((x, 3, 4), TypeError, f"x = {show(x)} is not an int or a float"
               + (" (bools are rejected)" if isinstance(x, (bool, np.bool_)) else ""))


@points(1)
@settings(max_examples=5)
@given(case=bad_encode_case())
@examples("case", [
    Ok((1.0, 0, 1), 1), Ok((-1.0, 31, 0), -1), Ok((-0.5, 0, 31), -(2 ** 30)),
    Bad((math.nan, 3, 4), ValueError, "x is NaN, which has no code"),
    Bad((np.float32(math.nan), 0, 7), ValueError, "x is NaN, which has no code"),
    Bad((1.0, 3, 4), ValueError, "rounding = 'nearest' is neither 'nearest_even' nor 'floor'",
        {"rounding": "nearest"}),
    Bad((1.0, 3, 4), ValueError, "rounding = 'ceil' is neither 'nearest_even' nor 'floor'",
        {"rounding": "ceil"}),
    Bad((0.5, 0, 0), ValueError, "Q0.0 has 1 bit: " + FMT_WHY),
    Bad((0.5, 32, 0), ValueError, "Q32.0 has 33 bits: " + FMT_WHY),
    Bad((0.5, -1, 4), ValueError, "m = -1 is negative: " + FMT_WHY),
    Bad((True, 3, 4), TypeError, "x = True is a bool, and bools are rejected"),
    Bad((np.True_, 3, 4), TypeError, "x = np.bool(True) is a bool, and bools are rejected"),
    Bad(("1.5", 3, 4), TypeError, "x = '1.5' is a str, not an int or a float"),
    Bad((0.5, 3, 4.0), TypeError, "n = 4.0 is a float, not an int"),
])
def test_q_encode_rejects(sub, case):
    """q_encode raises ValueError for NaN, a rounding other than 'nearest_even'/'floor' or a bad format, TypeError for an x that is not a number (bool included) or a non-int m, n."""
    run_case(sub, "q_encode", case)


# ------------------------------------------------------------------------------------- q_decode

@st.composite
def q_code_args(draw):
    m, n = draw(q_formats())
    low, high = q_limits(m, n)
    code = draw(st.one_of(st.sampled_from([low, low + 1, -1, 0, 1, high - 1, high]),
                          st.integers(low, high)))
    code = draw(maybe_numpy(code))
    if draw(st.booleans()):
        m, n = draw(maybe_numpy(m)), draw(maybe_numpy(n))
    return code, m, n


@points(2)
@given(case=q_code_args())
@examples("case", [(-43, 3, 4), (-128, 3, 4), (127, 3, 4), (0, 3, 4), (1, 0, 31),
                   (-(2 ** 31), 0, 31), (2 ** 31 - 1, 31, 0), (2 ** 31 - 1, 0, 31), (-1, 0, 1),
                   (1, 0, 1), (-1, 7, 0), (np.int8(-43), 3, 4), (np.uint32(2 ** 31 - 1), 0, 31),
                   (5, np.int64(7), np.uint8(0)), (np.int64(-(2 ** 31)), 31, 0)])
def test_q_decode(sub, case):
    """q_decode(code, m, n) is code * 2**-n, exactly, as a Python float (also for code 0 and for Qm.0)."""
    code, m, n = case
    call = call_text("q_decode", code, m, n)
    got = sub.q_decode(code, m, n)
    problem = type_problem(got, float, call)
    assert problem is None, problem
    want = Fraction(int(code), 2 ** int(n))
    assert math.isfinite(got) and Fraction(got) == want, (
        f"{call} = {got!r}, expected {float(want)!r} = {int(code)} * 2**-{int(n)} (exact)")


@st.composite
def bad_decode_case(draw):
    kind = draw(st.sampled_from(["range", "format", "type"]))
    if kind == "range":
        m, n = draw(q_formats())
        low, high = q_limits(m, n)
        code = draw(st.one_of(st.integers(high + 1, high + 2 ** 40), st.integers(low - 2 ** 40, low - 1),
                              st.sampled_from([high + 1, low - 1, 10 ** 400])))
        return Bad((code, m, n), ValueError, f"code {code} is outside Q{m}.{n}'s [{low}, {high}]")
    if kind == "format":
        m, n, exc, why = draw(bad_format())
        return Bad((0, m, n), exc, why)
    bad = draw(st.sampled_from(NOT_INTS))
    return Bad((bad, 3, 4), TypeError, not_int_why(bad))


@points(1)
@settings(max_examples=5)
@given(case=bad_decode_case())
@examples("case", [
    Ok((-1, 0, 1), -0.5), Ok((2 ** 31 - 1, 31, 0), 2147483647.0),
    Bad((128, 3, 4), ValueError, "code 128 is outside Q3.4's [-128, 127]"),
    Bad((-129, 3, 4), ValueError, "code -129 is outside Q3.4's [-128, 127]"),
    Bad((2 ** 31, 0, 31), ValueError, "code 2**31 is outside Q0.31's codes"),
    Bad((0, 0, 0), ValueError, "Q0.0 has 1 bit: " + FMT_WHY),
    Bad((0, 16, 16), ValueError, "Q16.16 has 33 bits: " + FMT_WHY),
    Bad((True, 3, 4), TypeError, "code = True is a bool, and bools are rejected"),
    Bad((1.0, 3, 4), TypeError, "code = 1.0 is a float, not an int"),
])
def test_q_decode_rejects(sub, case):
    """q_decode raises ValueError for a code outside [-2**(m+n), 2**(m+n) - 1] or a bad format, TypeError for a non-int code, m or n."""
    run_case(sub, "q_decode", case)
