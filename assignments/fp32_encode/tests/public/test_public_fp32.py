"""Public tests of encode_fp32, decode_fp32 and fp32_fields.

Expected answers come from NumPy's float64 -> float32 conversion (IEEE round to nearest even,
overflow to inf) and from bit views, cross-checked by an exact rational oracle
(fp32_strategies.oracle_encode). Each test calls one function of the student's module.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

from autograder.testing import points
from fp32_strategies import (describe, explain, is_nan_pattern, near_grid, oracle_encode,
                             same_float, show)

E, M = 8, 23
MAX_FINITE = float(np.finfo(np.float32).max)          # (2 - 2**-23) * 2**127
HALF_ULP_AT_MAX = 2.0 ** 103
MIN_NORMAL = 2.0 ** -126
TINY = 2.0 ** -149                                     # smallest subnormal


def np_encode(x: float) -> int:
    """IEEE float64 -> float32 (round to nearest even, overflow to inf), as a bit pattern."""
    with np.errstate(all="ignore"):
        bits = int(np.array([x], dtype=np.float64).astype(np.float32).view(np.uint32)[0])
    assert bits == oracle_encode(x, E, M), f"grader oracles disagree on {x!r}"  # never fires
    return bits


def np_decode(bits: int) -> float:
    return float(np.array([bits], dtype=np.uint32).view(np.float32)[0])


def fp32_show(bits):
    return show(bits, E, M)


def check_encode(x: float, got) -> None:
    assert type(got) is int, (
        f"encode_fp32({describe(x)}) returned {type(got).__name__} {got!r}: it must return an int")
    want = np_encode(x)
    assert got == want, (
        f"encode_fp32({describe(x)}) = {fp32_show(got)}, expected {fp32_show(want)}."
        + explain(x, E, M))


def check_decode(bits: int, got) -> None:
    assert type(got) is float, (
        f"decode_fp32({bits:#010x}) returned {type(got).__name__} {got!r}: it must return a float")
    want = np_decode(bits)
    assert same_float(got, want), (
        f"decode_fp32({fp32_show(bits)}) = {describe(got)}, expected {describe(want)}"
        + (" (the sign of zero matters)" if want == 0 else ""))


def signed(xs):
    return [s * x for x in xs for s in (1.0, -1.0)]


def with_examples(values):
    """Decorate a one-argument hypothesis test with explicit examples."""
    def deco(f):
        for v in reversed(values):
            f = example(v)(f)
        return f
    return deco


# ---------------------------------------------------------------------------------- encode_fp32

normal_fp32 = st.floats(width=32, allow_nan=False, allow_infinity=False).filter(
    lambda x: abs(x) >= MIN_NORMAL)


@points(2)
@given(x=normal_fp32)
@with_examples(signed([13.625, 1.0, 2.0, 0.5, 3.0, 0.1875, MAX_FINITE, MIN_NORMAL,
                       1.0 + 2.0 ** -23, 2.0 - 2.0 ** -23]))
def test_encode_fp32_exact_values(sub, x):
    """encode_fp32 of a normal number FP32 holds exactly gives its bit pattern (no rounding)."""
    check_encode(x, sub.encode_fp32(x))


@points(3)
@given(x=near_grid(E, M, region="normal", ties="never").filter(
    lambda x: MIN_NORMAL <= abs(x) <= MAX_FINITE))
@with_examples(signed([0.1, 1 / 3, 2 / 3, math.pi, 1e10, 1e-30, 1.0 + 2.0 ** -30,
                       2.0 - 2.0 ** -30, 1.0 + 3 * 2.0 ** -25, 16777217.5, 3.4e38]))
def test_encode_fp32_rounds_to_nearest(sub, x):
    """encode_fp32 rounds a double in the normal range to the nearer FP32 neighbour (no ties here)."""
    check_encode(x, sub.encode_fp32(x))


@points(2)
@given(x=near_grid(E, M, region="normal", ties="only"))
@with_examples(signed([1.0 + 2.0 ** -24,            # tie, rounds down to 1.0 (even)
                       1.0 + 3 * 2.0 ** -24,        # tie, rounds up to 1 + 2**-22 (even)
                       16777217.0,                  # 2**24 + 1: tie, rounds down to 2**24
                       16777219.0,                  # 2**24 + 3: tie, rounds up to 2**24 + 4
                       2.0 - 2.0 ** -24,            # tie, rounds up into the next binade: 2.0
                       -13.625 - 2.0 ** -21]))      # tie next to -13.625 (even): rounds to it
def test_encode_fp32_ties_to_even(sub, x):
    """encode_fp32 of a double exactly halfway between two FP32 neighbours (a tie) picks the one with an even fraction."""
    check_encode(x, sub.encode_fp32(x))


@points(2)
@given(x=near_grid(E, M, region="subnormal").filter(lambda x: x != 0))
@with_examples(signed([
    2.0 ** -150,                        # half the smallest subnormal: a tie, rounds to 0 (even)
    math.nextafter(2.0 ** -150, 1.0),   # just above it: rounds to 2**-149
    math.nextafter(2.0 ** -150, 0.0),   # just below it: rounds to 0
    TINY,                               # smallest subnormal
    1.5 * TINY,                         # tie between 1 and 2 ulps: rounds to 2 (even)
    2.5 * TINY,                         # tie between 2 and 3 ulps: rounds to 2 (even)
    MIN_NORMAL - TINY,                  # largest subnormal
    MIN_NORMAL - TINY / 2,              # tie between the largest subnormal and 2**-126: up
    math.nextafter(MIN_NORMAL, 0.0),    # just below the smallest normal: rounds up to it
    MIN_NORMAL - 0.75 * TINY,           # not a tie: nearer the largest subnormal
    1e-40, 1e-45, 1e-300, 5e-324,       # subnormal, nearly the smallest, far below
]))
def test_encode_fp32_subnormals(sub, x):
    """encode_fp32 rounds values below 2**-126 on the subnormal grid of 2**-149 (ties to even; 2**-150 gives 0)."""
    check_encode(x, sub.encode_fp32(x))


@points(2)
@given(x=st.one_of(
    near_grid(E, M, region="overflow", ties="never"),
    st.floats(min_value=MAX_FINITE, max_value=1.7e308),
    st.floats(max_value=-MAX_FINITE, min_value=-1.7e308)))
@with_examples(signed([
    MAX_FINITE + HALF_ULP_AT_MAX,                        # tie with 2**128: rounds to inf
    math.nextafter(MAX_FINITE + HALF_ULP_AT_MAX, 0.0),   # just below the tie: stays finite
    math.nextafter(MAX_FINITE + HALF_ULP_AT_MAX, math.inf),
    MAX_FINITE, 2.0 ** 128, 1e39, 1e300, 1.7976931348623157e308,
]))
def test_encode_fp32_overflow(sub, x):
    """encode_fp32 gives ±inf for magnitudes that round above the largest finite FP32 (from max + half an ulp on) and stays finite just below."""
    check_encode(x, sub.encode_fp32(x))


SPECIALS = [0.0, -0.0, math.inf, -math.inf, -1e-300, -1e-46, 1e-300, math.nan, -math.nan]


@points(1)
def test_encode_fp32_signed_zero_and_specials(sub):
    """encode_fp32 keeps the sign of zero (-0.0 -> 0x80000000, also for tiny negatives), encodes ±inf, and NaN to a NaN pattern."""
    for x in SPECIALS:
        got = sub.encode_fp32(x)
        if math.isnan(x):
            assert type(got) is int, f"encode_fp32(nan) returned {type(got).__name__}: it must return an int"
            assert is_nan_pattern(got, E, M), (
                f"encode_fp32({x!r}) = {fp32_show(got)}: a NaN must encode to a NaN pattern "
                "(exponent field 255 and a non-zero fraction, either sign)")
        else:
            check_encode(x, got)


# ---------------------------------------------------------------------------------- decode_fp32

def patterns(exponent, fraction=st.integers(0, 2 ** M - 1)):
    return st.builds(lambda s, e, f: (s << 31) | (e << 23) | f, st.integers(0, 1), exponent, fraction)


@points(2)
@given(bits=patterns(st.integers(1, 254)))
@example(0xC15A0000)
@example(0x3F800000)
@example(0x7F7FFFFF)
@example(0x00800000)
@example(0x80800000)
@example(0x3F800001)
def test_decode_fp32_normals(sub, bits):
    """decode_fp32 of a normal pattern (exponent field 1..254) is (-1)**s * (1 + f/2**23) * 2**(E-127), exactly."""
    check_decode(bits, sub.decode_fp32(bits))


@points(2)
@given(bits=patterns(st.just(0)))
@example(0x00000000)
@example(0x80000000)
@example(0x00000001)
@example(0x007FFFFF)
@example(0x80000001)
@example(0x00400000)
@example(0x807FFFFF)
def test_decode_fp32_subnormals_and_zeros(sub, bits):
    """decode_fp32 of exponent field 0 is ±f * 2**-149 (no hidden 1), including +0.0 and -0.0."""
    check_decode(bits, sub.decode_fp32(bits))


@points(1)
@given(bits=patterns(st.just(255)))
@example(0x7F800000)
@example(0xFF800000)
@example(0x7FC00000)
@example(0x7F800001)
@example(0xFFFFFFFF)
@example(0x7FFFFFFF)
def test_decode_fp32_inf_and_nan(sub, bits):
    """decode_fp32 of exponent field 255 is ±inf (fraction 0) or a NaN (any other fraction)."""
    got = sub.decode_fp32(bits)
    assert type(got) is float, f"decode_fp32({bits:#010x}) returned {type(got).__name__}: it must return a float"
    if bits & 0x7FFFFF:
        assert math.isnan(got), f"decode_fp32({fp32_show(bits)}) = {got!r}, expected a NaN"
    else:
        check_decode(bits, got)


@points(1)
@given(bits=st.one_of(st.integers(max_value=-1), st.integers(min_value=2 ** 32)))
@example(-1)
@example(2 ** 32)
@example(2 ** 32 + 0x3F800000)
@example(2 ** 64)
def test_decode_fp32_rejects_out_of_range(sub, bits):
    """decode_fp32 raises ValueError for a pattern outside [0, 2**32)."""
    with pytest.raises(ValueError):
        got = sub.decode_fp32(bits)
        pytest.fail(f"decode_fp32({bits}) returned {got!r}: it must raise ValueError, "
                    "the pattern does not fit in 32 bits")


# ---------------------------------------------------------------------------------- fp32_fields

@points(2)
@given(x=normal_fp32)
@example(-13.625)
@example(1.0)
@example(MAX_FINITE)
@example(MIN_NORMAL)
@example(-2.5)
@example(1.0 + 2.0 ** -23)
def test_fp32_fields(sub, x):
    """fp32_fields(x) is the (sign, biased exponent, fraction) split of x's FP32 pattern, as a tuple of three ints."""
    got = sub.fp32_fields(x)
    bits = np_encode(x)
    want = (bits >> 31, (bits >> 23) & 0xFF, bits & 0x7FFFFF)
    assert type(got) is tuple and len(got) == 3 and all(type(v) is int for v in got), (
        f"fp32_fields({describe(x)}) returned {got!r}: it must return a tuple of three ints")
    assert got == want, (
        f"fp32_fields({describe(x)}) = {got}, expected {want}: (sign, biased exponent, fraction) "
        f"of {fp32_show(bits)}")
