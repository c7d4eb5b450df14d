"""Public tests of bf16_accumulation: exact BF16 rounding, the three dot products bit for bit,
their return types, their error bounds, the BF16 running value, the stall points, and the
errors for bad input. Each test calls exactly one function, so a bug loses only its points.

Oracles (bf16_strategies.py): the contract's loops written with np.float32 scalars, BF16
rounding by ml_dtypes (the grader may use it; you may not), exact integer arithmetic for the
error bounds.
"""

import math

import numpy as np
import pytest
from bf16_strategies import (
    EDGE_PATTERNS,
    F32,
    FP32_KINDS,
    HARD_ACCUMULATE,
    HARD_BLOCKED,
    NAN_EDGE_PATTERNS,
    Vectors,
    accumulate_case,
    bf16_array,
    bf16_values,
    blocked_case,
    blocks,
    check_bound,
    diagnose_accumulate,
    diagnose_dot,
    f32,
    f32_arrays,
    f32_bits,
    f32_patterns,
    from_bits,
    nan_patterns,
    oracle_accumulate,
    oracle_dot_bf16,
    oracle_dot_blocked,
    oracle_dot_fp32,
    overflow_patterns,
    pair,
    same,
    show,
    show_array,
    simulate_stall_bf16,
    tie_patterns,
    vector_pairs,
    vectors,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.testing import points

_arr = (lambda v: np.array(v, dtype=np.float32))
DOT_RULE = {
    "dot_bf16": "acc = bf16(acc + bf16(x_i * y_i)), float32 operations, left to right from +0.0",
    "dot_fp32": "acc = acc + x_i * y_i in float32, left to right from +0.0",
    "dot_blocked": "FP32 sums of chunks of `block` products, then the chunk sums added in FP32, "
                   "in order",
}
ORACLE = {"dot_bf16": oracle_dot_bf16, "dot_fp32": oracle_dot_fp32}


def as_number(name, got):
    """The answer as a float, or an assertion error naming what was wrong with it."""
    if isinstance(got, bool) or not isinstance(got, (float, int, np.floating, np.integer)):
        raise AssertionError(f"{name} must return a numpy.float32, got {type(got).__name__}: "
                             f"{got!r}")
    return float(got)


def describe(v):
    """'a numpy.float32 scalar', 'an ndarray of dtype float64 and shape (3,)', 'a list'."""
    if isinstance(v, np.ndarray):
        return f"an ndarray of dtype {v.dtype} and shape {v.shape}"
    if isinstance(v, np.generic):
        return f"a numpy.{type(v).__name__} scalar"
    return f"a {type(v).__name__}"


def raised_kind(e):
    return next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")


def expect_raises(sub, name, args, what, exc, why):
    """`sub.<name>(*args)` must raise `exc` (TypeError or ValueError)."""
    args_text = f"{name}({', '.join(repr(a) for a in args)})"
    try:
        got = getattr(sub, name)(*args)
    except exc:
        return
    except Exception as e:  # another exception class
        pytest.fail(f"{args_text} raised {raised_kind(e)}: {e}; for {what} it must raise "
                    f"{exc.__name__} ({why})")
    pytest.fail(f"{args_text} returned {got!r}; for {what} it must raise {exc.__name__} ({why})")


# ---------------------------------------------------------------------------- round_to_bf16

def _check_rounding(inp: np.ndarray, got) -> None:
    want = bf16_array(inp)
    if not isinstance(got, np.ndarray) or got.dtype != np.float32 or got.shape != inp.shape:
        raise AssertionError(
            f"round_to_bf16 of a float32 array of shape {inp.shape} must return a float32 "
            f"ndarray of that shape, got {describe(got)}")
    gb = got.reshape(-1).view(np.uint32)
    for i, (a, w) in enumerate(zip(inp.reshape(-1), want.reshape(-1))):
        g = got.reshape(-1)[i]
        if np.isnan(w) and np.isnan(g):
            continue
        if f32_bits(g) == f32_bits(w):
            continue
        bits = f32_bits(a)
        why = EDGE_PATTERNS.get(bits, "")
        hint = ""
        trunc = bits & 0xFFFF0000
        low = bits & 0xFFFF
        if np.isinf(w) and np.isfinite(g):
            hint = " (past the largest BF16 the result overflows to inf; do not saturate)"
        elif int(gb[i]) == trunc and low:
            hint = " (you truncated: round to nearest instead)"
        elif low == 0x8000 and abs(float(g)) > abs(float(a)) and abs(float(w)) < abs(float(a)):
            hint = " (a tie: round to the even neighbour, not away from zero)"
        raise AssertionError(
            f"round_to_bf16: element {i} = {show(a)} rounds to {show(w)}, you returned "
            f"{show(g)}{hint}" + (f"\n  This input: {why}" if why else "")
            + f"\n  Input: {show_array(inp)}")


EDGES = from_bits(list(EDGE_PATTERNS))


@points(2)
@given(a=f32_arrays(40))
@example(a=EDGES)
@example(a=EDGES.reshape(2, -1))
@example(a=_arr([]))
def test_round_to_bf16_exact(sub, a):
    """round_to_bf16 rounds every float32 to the nearest BF16, ties to even, overflowing to inf, bit for bit (signs and subnormals included)."""
    _check_rounding(a, sub.round_to_bf16(a))


@points(1)
@given(bits=st.lists(nan_patterns(), min_size=1, max_size=8))
@example(bits=list(NAN_EDGE_PATTERNS))
def test_round_to_bf16_nan(sub, bits):
    """round_to_bf16 returns a NaN for every NaN input (any NaN pattern), also when the input's rounding would carry into the exponent or the sign."""
    a = from_bits(bits)
    got = sub.round_to_bf16(a)
    if not isinstance(got, np.ndarray) or got.dtype != np.float32 or got.shape != a.shape:
        raise AssertionError(f"round_to_bf16 must return a float32 ndarray of the input's shape "
                             f"{a.shape}, got {describe(got)}")
    for b, g in zip(bits, got):
        if not np.isnan(g):
            why = NAN_EDGE_PATTERNS.get(b, "")
            raise AssertionError(
                f"round_to_bf16 of the NaN {b:#010x} returned {show(g)}: a NaN input must give "
                f"a NaN. Handle NaN before rounding: adding the rounding increment to a NaN's "
                f"pattern can carry into the exponent (inf) or the sign (-0.0), and truncating "
                f"can drop its whole payload" + (f"\n  This input: {why}" if why else ""))


@points(1)
@given(v=st.one_of(f32_patterns(), tie_patterns(), overflow_patterns()).map(f32))
@example(v=f32(0x3F818000))
@example(v=f32(0x3F808000))
@example(v=f32(0x80007FFF))
@example(v=f32(0x7F7F8000))
def test_round_to_bf16_scalar_and_shape(sub, v):
    """round_to_bf16 of a numpy.float32 returns a numpy.float32; of a 0-d, 2-D or empty float32 array, a float32 array of the same shape; the values as in test_round_to_bf16_exact."""
    want = bf16_array(_arr([v]))[0]
    got = sub.round_to_bf16(v)
    if type(got) is not np.float32:
        raise AssertionError(f"round_to_bf16({show(v)}) (a numpy.float32) returned a "
                             f"{type(got).__name__} ({got!r}); it must return a numpy.float32")
    if f32_bits(got) != f32_bits(want):
        raise AssertionError(f"round_to_bf16({show(v)}) returned {show(got)}, expected "
                             f"{show(want)}")
    for a in (np.array(v, dtype=np.float32), np.full((2, 3), v, dtype=np.float32),
              np.zeros((0, 4), dtype=np.float32)):
        _check_rounding(a, sub.round_to_bf16(a))


@points(1)
def test_round_to_bf16_rejects_bad_input(sub):
    """round_to_bf16 raises TypeError for anything but a float32 ndarray or a numpy.float32."""
    bad = [
        (np.array([1.0, 2.5], dtype=np.float64), "a float64 array"),
        (np.array([1.0], dtype=np.float16), "a float16 array"),
        (np.array([1, 2], dtype=np.int32), "an int32 array"),
        (1.5, "a Python float"),
        (np.float64(1.5), "a numpy.float64"),
        ([1.0, 2.0], "a list"),
    ]
    for value, what in bad:
        expect_raises(sub, "round_to_bf16", (value,), what, TypeError,
                      "only a float32 ndarray or a numpy.float32 is accepted")


# ------------------------------------------------------------------------------ dot products

def check_dot(sub, name, x, y, block=None, check_type=False):
    args = (x, y) if block is None else (x, y, block)
    got = getattr(sub, name)(*args)
    if check_type and type(got) is not np.float32:
        raise AssertionError(f"{name} returned a {type(got).__name__} ({got!r}) for x = "
                             f"{show_array(x)}, y = {show_array(y)}; it must return a "
                             f"numpy.float32 (also for empty and one-element vectors)")
    value = as_number(name, got)
    want = ORACLE[name](x, y) if block is None else oracle_dot_blocked(x, y, block)
    if not same(value, want):
        what = "" if block is None else f", block = {block}"
        raise AssertionError(
            f"{name}(x, y{what}) returned {show(F32(value))}, expected {show(want)}\n"
            f"  x = {show_array(x, 20)}\n  y = {show_array(y, 20)}\n"
            f"  The contract: {DOT_RULE[name]}." + diagnose_dot(name, x, y, F32(value), block))


def check_dot_rejects(sub, name):
    args = (lambda x, y: (x, y)) if name != "dot_blocked" else (lambda x, y: (x, y, 2))
    ok = _arr([1.0, 2.0])
    bad_types = [
        (np.array([1.0, 2.0], dtype=np.float64), ok, "x a float64 array"),
        (ok, np.array([1.0, 2.0], dtype=np.float64), "y a float64 array"),
        (np.array([1.0, 2.0], dtype=np.float16), ok, "x a float16 array"),
        ([1.0, 2.0], ok, "x a list"),
        (np.ones((1, 2), dtype=np.float32), ok, "x a 2-D array"),
    ]
    for x, y, what in bad_types:
        expect_raises(sub, name, args(x, y), what, TypeError,
                      "x and y must be 1-D float32 ndarrays")
    bad_values = [
        (_arr([1.0, 2.0, 3.0]), ok, "x and y of different lengths"),
        (ok, _arr([1.0]), "x and y of different lengths"),
        (_arr([1.0, 1 + 2.0 ** -10]), ok, "an x that holds 1 + 2**-10, which is not a BF16 value"),
        (ok, _arr([0.1, 1.0]), "a y that holds float32(0.1), which is not a BF16 value"),
    ]
    for x, y, what in bad_values:
        expect_raises(sub, name, args(x, y), what, ValueError,
                      "the lengths must match and every element must be a BF16 value (low 16 "
                      "bits of its pattern zero)")


DOT_EXAMPLES = ["empty", "length 1", "cancellation", "x and -x", "tie even", "tie odd",
                "product rounds", "product tie", "overflow", "overflow product", "nan", "inf",
                "inf - inf", "inf * 0", "fp32 tie", "stall", "subnormal products", "signed zeros"]


def with_dot_examples(test):
    for case in reversed(DOT_EXAMPLES):
        test = example(xy=pair(case))(test)
    return test


TYPE_EXAMPLES = [pair(c) for c in ("empty", "length 1", "tie odd", "fp32 tie", "stall",
                                    "product rounds", "product tie")]


def with_type_examples(test):
    for xy in TYPE_EXAMPLES:
        test = example(xy=xy)(test)
    return test


BOUND_EXAMPLES = [Vectors("constant", 300, 1), Vectors.of([1.0] * 300, [1.0] * 300),
                  Vectors.of([2.0 ** 24, 1.0, 1.0], [1.0, 1.0, 1.0]),
                  Vectors.of([1.0] + [2.0 ** -9] * 200, [1.0] * 201)]


def with_bound_examples(test):
    for v in BOUND_EXAMPLES:
        test = example(v=v)(test)
    return test


# ----------------------------------------------------------------------------------- dot_bf16

@points(2)
@with_dot_examples
@given(xy=vector_pairs(24))
def test_dot_bf16_exact(sub, xy):
    """dot_bf16 equals acc = bf16(acc + bf16(x_i*y_i)) in float32 operations, left to right from +0.0, bit for bit (NaN as any NaN, ±0 alike)."""
    check_dot(sub, "dot_bf16", *xy)


@points(1)
@settings(max_examples=5)
@with_type_examples
@given(xy=vector_pairs(4, specials=False))
def test_dot_bf16_returns_float32(sub, xy):
    """dot_bf16 returns a numpy.float32 holding the exact result, for every length including 0 and 1."""
    check_dot(sub, "dot_bf16", *xy, check_type=True)


@points(1)
@with_bound_examples
@given(v=vectors())
def test_dot_bf16_error_bound(sub, v):
    """|dot_bf16(x, y) - x·y| <= n·u·Σ|x_i·y_i| with u = 2**-8 (Jeannerod & Rump 2013)."""
    check_bound("dot_bf16", v.x, v.y, as_number("dot_bf16", sub.dot_bf16(v.x, v.y)))


@points(1)
def test_dot_bf16_rejects_bad_input(sub):
    """dot_bf16 raises TypeError unless x and y are 1-D float32 ndarrays, ValueError for different lengths or a value that is not BF16."""
    check_dot_rejects(sub, "dot_bf16")


# ----------------------------------------------------------------------------------- dot_fp32

@points(2)
@with_dot_examples
@given(xy=vector_pairs(24, kinds=FP32_KINDS))
def test_dot_fp32_exact(sub, xy):
    """dot_fp32 equals acc = acc + x_i*y_i in float32, left to right from +0.0, bit for bit (NaN as any NaN, ±0 alike)."""
    check_dot(sub, "dot_fp32", *xy)


@points(1)
@settings(max_examples=5)
@with_type_examples
@given(xy=vector_pairs(4, specials=False))
def test_dot_fp32_returns_float32(sub, xy):
    """dot_fp32 returns a numpy.float32 holding the exact result, for every length including 0 and 1."""
    check_dot(sub, "dot_fp32", *xy, check_type=True)


@points(1)
@with_bound_examples
@given(v=vectors())
def test_dot_fp32_error_bound(sub, v):
    """|dot_fp32(x, y) - x·y| <= (n-1)·u·Σ|x_i·y_i| with u = 2**-24 (Rump 2012: products are exact)."""
    check_bound("dot_fp32", v.x, v.y, as_number("dot_fp32", sub.dot_fp32(v.x, v.y)))


@points(1)
def test_dot_fp32_rejects_bad_input(sub):
    """dot_fp32 raises TypeError unless x and y are 1-D float32 ndarrays, ValueError for different lengths or a value that is not BF16."""
    check_dot_rejects(sub, "dot_fp32")


# -------------------------------------------------------------------------------- dot_blocked

@st.composite
def blocked_inputs(draw, max_len=24):
    x, y = draw(vector_pairs(max_len, kinds=FP32_KINDS + ("fp32 stall",)))
    return x, y, draw(blocks(len(x)))


def with_blocked_examples(test):
    for case in reversed(list(HARD_BLOCKED)):
        test = example(xyb=blocked_case(case))(test)
    for case in ("fp32 tie", "nan", "inf - inf", "overflow"):
        x, y = pair(case)
        test = example(xyb=(x, y, 2))(test)
    return test


@points(2)
@with_blocked_examples
@given(xyb=blocked_inputs(24))
def test_dot_blocked_exact(sub, xyb):
    """dot_blocked equals the FP32 sums of chunks of `block` products (the last may be shorter), added in FP32 in chunk order, bit for bit."""
    check_dot(sub, "dot_blocked", *xyb)


@points(1)
@settings(max_examples=5)
@with_blocked_examples
@example(xyb=(_arr([3.0]), _arr([-1.5]), 1))
@given(xyb=blocked_inputs(4))
def test_dot_blocked_returns_float32(sub, xyb):
    """dot_blocked returns a numpy.float32 holding the exact result, for every length including 0 and 1."""
    check_dot(sub, "dot_blocked", *xyb, check_type=True)


@points(1)
@example(v=Vectors.of([1.0] * 300, [1.0] * 300), block=16)
@example(v=Vectors.of([2.0 ** 24] + [1.0] * 20, [1.0] * 21), block=4)
@example(v=Vectors("constant", 300, 1), block=500)
@given(v=vectors(), block=blocks(300))
def test_dot_blocked_error_bound(sub, v, block):
    """|dot_blocked(x, y, block) - x·y| <= γ(b'+m-2)·Σ|x_i·y_i|, b' = min(block, n), m = ceil(n/block), γ(k) = k·u/(1-k·u), u = 2**-24."""
    got = as_number("dot_blocked", sub.dot_blocked(v.x, v.y, block))
    check_bound("dot_blocked", v.x, v.y, got, block)


@points(1)
def test_dot_blocked_rejects_bad_input(sub):
    """dot_blocked raises like dot_fp32 for bad x and y, TypeError when block is not an int, ValueError when block < 1."""
    check_dot_rejects(sub, "dot_blocked")
    x, y = _arr([1.0, 2.0]), _arr([1.0, 1.0])
    for block, exc, what in [(0, ValueError, "block = 0"), (-3, ValueError, "block = -3"),
                             (2.0, TypeError, "block = 2.0 (a float)"),
                             ("4", TypeError, "block = '4' (a str)"),
                             (None, TypeError, "block = None")]:
        expect_raises(sub, "dot_blocked", (x, y, block), what, exc,
                      "block must be a Python int >= 1")


# ---------------------------------------------------------------------------- accumulate_bf16

@st.composite
def accumulate_inputs(draw, max_len=40):
    """(w, updates): a BF16 start and float32 updates of any size relative to it."""
    w = F32(draw(st.one_of(bf16_values(-10, 10), st.sampled_from([0.0, 1.0, 256.0]))))
    e = int(np.frexp(float(w))[1]) if w else 0
    kind = draw(st.sampled_from(["small", "near half ulp", "any", "bf16"]))
    n = draw(st.integers(0, max_len))
    if kind == "small":           # far below w's ulp: lost one by one
        terms = st.floats(2.0 ** (e - 30), 2.0 ** (e - 9), width=32)
    elif kind == "near half ulp":  # around half an ulp of w (2**(e-9)): ties and near-ties
        terms = st.builds(lambda m, s: s * m * 2.0 ** (e - 9 - 23),
                          st.integers(2 ** 23 - 4, 2 ** 23 + 4) | st.integers(2 ** 23, 2 ** 24),
                          st.sampled_from([1.0, -1.0]))
    elif kind == "any":
        terms = st.floats(-2.0 ** (e + 2), 2.0 ** (e + 2), width=32)
    else:
        terms = bf16_values(e - 12, e)
    updates = np.array(draw(st.lists(terms, min_size=n, max_size=n)), dtype=np.float32)
    return w, updates


def with_accumulate_examples(test):
    for case in reversed(list(HARD_ACCUMULATE)):
        test = example(wu=accumulate_case(case))(test)
    return test


def check_accumulate(sub, w, updates, check_type=False):
    got = sub.accumulate_bf16(w, updates)
    if check_type and type(got) is not np.float32:
        raise AssertionError(f"accumulate_bf16 returned a {type(got).__name__} ({got!r}); it "
                             f"must return a numpy.float32 (also for no updates)")
    value = as_number("accumulate_bf16", got)
    want = oracle_accumulate(w, updates)
    if not same(value, want):
        raise AssertionError(
            f"accumulate_bf16(w = {show(w)}, updates = {show_array(updates, 20)}) returned "
            f"{show(F32(value))}, expected {show(want)}\n  The contract: for each t, "
            f"w = bf16(float32(w + t)), in order." + diagnose_accumulate(w, updates, F32(value)))


@points(2)
@with_accumulate_examples
@given(wu=accumulate_inputs())
def test_accumulate_bf16_exact(sub, wu):
    """accumulate_bf16 equals w = bf16(float32(w + t)) for each update in order, bit for bit (NaN as any NaN, ±0 alike)."""
    check_accumulate(sub, *wu)


@points(1)
@settings(max_examples=5)
@example(wu=accumulate_case("no updates"))
@example(wu=accumulate_case("the notes' example"))
@example(wu=accumulate_case("double rounding"))
@example(wu=accumulate_case("tie odd"))
@example(wu=accumulate_case("lost then kept"))
@given(wu=accumulate_inputs(3))
def test_accumulate_bf16_returns_float32(sub, wu):
    """accumulate_bf16 returns a numpy.float32 holding the exact result, also for no updates."""
    check_accumulate(sub, *wu, check_type=True)


@points(1)
def test_accumulate_bf16_rejects_bad_input(sub):
    """accumulate_bf16 raises TypeError unless updates is a 1-D float32 ndarray, ValueError when w is not a BF16 value."""
    w, ok = F32(1.0), _arr([1.0, 2.0])
    for updates, what in [(np.array([1.0], dtype=np.float64), "updates a float64 array"),
                          ([1.0, 2.0], "updates a list"),
                          (np.ones((2, 2), dtype=np.float32), "updates a 2-D array")]:
        expect_raises(sub, "accumulate_bf16", (w, updates), what, TypeError,
                      "updates must be a 1-D float32 ndarray")
    for bad_w, what in [(F32(1 + 2.0 ** -10), "w = 1 + 2**-10, not a BF16 value"),
                        (F32(0.1), "w = float32(0.1), not a BF16 value")]:
        expect_raises(sub, "accumulate_bf16", (bad_w, ok), what, ValueError,
                      "w must be a BF16 value")


# -------------------------------------------------------------------------------- stall_point

def _stall_value(sub, t, acc):
    got = sub.stall_point(t, acc)
    if type(got) is not np.float32:
        raise AssertionError(f"stall_point({show(t)}, {acc!r}) returned a "
                             f"{type(got).__name__} ({got!r}); it must return a numpy.float32")
    return got


@points(1)
@given(t=bf16_values(-127, 100).filter(lambda v: abs(v) <= 2.0 ** 100))
@example(t=1.0)
@example(t=3.0)
@example(t=-0.375)
@example(t=2.0 ** -133)
@example(t=2.0 ** 100)
@example(t=1.9921875)
@example(t=0.0)
def test_stall_point_bf16(sub, t):
    """stall_point(t, 'bf16') is where S = bf16(S + t), from S = 0, stops changing (the grader runs that loop)."""
    t = F32(t)
    got = _stall_value(sub, t, "bf16")
    want = simulate_stall_bf16(t)
    if not same(got, want):
        hint = ""
        if t and float(got) == 256 * float(t):
            hint = ("\n  Hint: 256·t is right only when t is a power of two; otherwise the sum "
                    "goes on to the next power of two")
        raise AssertionError(f"stall_point({show(t)}, 'bf16') returned {show(got)}; running "
                             f"S = bf16(S + t) from 0 stops at {show(want)}" + hint)


def _stalls(P, t):
    return F32(P + t) == P


@points(1)
@given(t=st.floats(-2.0 ** 100, 2.0 ** 100, width=32, allow_subnormal=True)
       | st.builds(lambda e, s: s * 2.0 ** e, st.integers(-149, 100), st.sampled_from([1, -1])))
@example(t=1.0)
@example(t=0.1)
@example(t=3.0)
@example(t=-7.0)
@example(t=2.0 ** -149)
@example(t=2.0 ** 100)
@example(t=0.0)
def test_stall_point_fp32(sub, t):
    """stall_point(t, 'fp32') is where S = float32(S + t), from S = 0, stops changing: the grader checks it is a power of two (or 0) with t's sign, that S + t rounds back to it, and that half of it does not stall."""
    t = F32(t)
    got = _stall_value(sub, t, "fp32")
    P = float(got)
    with np.errstate(all="ignore"):
        if t == 0:
            ok = P == 0
        else:
            m, _ = math.frexp(abs(P)) if math.isfinite(P) and P else (0, 0)
            ok = (m == 0.5 and math.copysign(1.0, P) == math.copysign(1.0, float(t))
                  and _stalls(got, t) and not _stalls(F32(P / 2), t))
    if not ok:
        raise AssertionError(
            f"stall_point({show(t)}, 'fp32') returned {show(got)}: the running sum "
            f"S = float32(S + t) from 0 stops at the first power of two P (with t's sign) "
            f"where P + t rounds back to P; here "
            + ("P + t does not round back to P" if math.isfinite(P) and P and not _stalls(got, t)
               else "a smaller power of two already stalls, or this is not one"))


@points(1)
def test_stall_point_rejects_bad_input(sub):
    """stall_point raises ValueError for an accumulator other than 'bf16'/'fp32', a t that is inf, NaN or beyond 2**100, and (for 'bf16') a t that is not BF16."""
    cases = [
        (F32(1.0), "fp16", "accumulator 'fp16'"),
        (F32(1.0), "BF16", "accumulator 'BF16' (the names are lower case)"),
        (F32(math.inf), "bf16", "t = inf"),
        (F32(math.nan), "fp32", "t = NaN"),
        (F32(2.0 ** 100 * 1.0078125), "bf16", "t just above 2**100"),
        (F32(-2.0 ** 100 * 1.0078125), "fp32", "t just below -2**100"),
        (F32(0.1), "bf16", "t = float32(0.1), not a BF16 value"),
    ]
    for t, acc, what in cases:
        expect_raises(sub, "stall_point", (t, acc), what, ValueError,
                      "t must be finite, |t| <= 2**100, BF16 for 'bf16'; the accumulator "
                      "'bf16' or 'fp32'")


# ------------------------------------------------------------------------------ hand part

def _hand_value(sub, name):
    value = getattr(sub, name)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise AssertionError(f"{name} must be a number (a Python float such as 12.5), got "
                             f"{type(value).__name__} {value!r}: work it out for your values "
                             f"and write it in")
    return float(value)


@points(1)
def test_hand_step(sub, variant, answer_digest):
    """HAND_STEP is bf16(S + t) for your S and t (compared as a digest: the answer is not shown)."""
    got = _hand_value(sub, "HAND_STEP")
    want = float(bf16(F32(variant["S"]) + F32(variant["t"])))
    assert answer_digest(got) == answer_digest(want), (
        f"HAND_STEP = {got!r} is not bf16(S + t) for S = {variant['S_text']} and "
        f"t = {variant['t_text']}: find ulp(S), compare t with half of it (a tie goes to the "
        f"neighbour whose last fraction bit is 0). When you submit, S and t are your own "
        f"statement's; a local `ulp check` uses the class's defaults.")


@points(1)
def test_hand_stall(sub, variant, answer_digest):
    """HAND_STALL is the BF16 stall point of your t2 (compared as a digest)."""
    got = _hand_value(sub, "HAND_STALL")
    want = float(simulate_stall_bf16(F32(variant["t2"])))
    assert answer_digest(got) == answer_digest(want), (
        f"HAND_STALL = {got!r} is not the value where S = bf16(S + t2) stops growing for "
        f"t2 = {variant['t2_text']}: it is the first S whose ulp is at least 2·t2 (see the "
        f"statement). When you submit, t2 is your own statement's; a local `ulp check` uses "
        f"the class's defaults.")


def bf16(v):
    return bf16_array(_arr([v]))[0]
