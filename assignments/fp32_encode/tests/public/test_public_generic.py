"""Public tests of encode_float and decode_float: any format (exp_bits, man_bits).

FP16 answers come from NumPy (float64 -> float16 is a correctly rounded conversion); every other
format is checked against the exact rational oracle in fp32_strategies, which finds the two
neighbours of x with fractions.Fraction and rounds to nearest even by comparison.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

from autograder.testing import points
from fp32_strategies import (describe, doubles_for, explain, fmt_name, formats,
                             is_nan_pattern, oracle_decode, oracle_encode, patterns_for,
                             same_float, show)


def check_encode(x, fmt, got, want=None):
    e, m = fmt
    call = f"encode_float({describe(x)}, {e}, {m})"
    assert type(got) is int, f"{call} returned {type(got).__name__} {got!r}: it must return an int"
    if math.isnan(x):
        assert is_nan_pattern(got, e, m), (
            f"{call} = {show(got, e, m)}: NaN must encode to a NaN pattern of {fmt_name(e, m)} "
            "(exponent all ones, fraction not zero)")
        return
    if want is None:
        want = oracle_encode(x, e, m)
    assert got == want, (f"{call} = {show(got, e, m)}, expected {show(want, e, m)} in "
                         f"{fmt_name(e, m)}." + explain(x, e, m))


def check_decode(bits, fmt, got, want=None):
    e, m = fmt
    call = f"decode_float({bits:#x}, {e}, {m})"
    assert type(got) is float, f"{call} returned {type(got).__name__} {got!r}: it must return a float"
    if want is None:
        want = oracle_decode(bits, e, m)
    assert same_float(got, want), (
        f"decode_float({show(bits, e, m)}, {e}, {m}) = {describe(got)}, expected "
        f"{'a NaN' if math.isnan(want) else describe(want)} in {fmt_name(e, m)}"
        + (" (the sign of zero matters)" if want == 0 else ""))


def np_encode16(x):
    with np.errstate(all="ignore"):
        return int(np.array([x], dtype=np.float64).astype(np.float16).view(np.uint16)[0])


def np_decode16(bits):
    return float(np.array([bits], dtype=np.uint16).view(np.float16)[0])


# --------------------------------------------------------------------------------- encode_float

FP16_EXAMPLES = [1.0, -13.625, 65504.0, 65520.0, 65519.99, 2.0 ** -24, 2.0 ** -25,
                 3 * 2.0 ** -25, 2.0 ** -14 - 2.0 ** -25, 1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11,
                 0.1, -0.0, 1e-8, 1e5, math.inf, -math.inf, math.nan]


def with_examples(name, values):
    """Decorate a hypothesis test with one explicit example per value (argument `name`)."""
    def deco(f):
        for v in reversed(values):
            f = example(**{name: v})(f)
        return f
    return deco


@points(2)
@given(x=doubles_for(5, 10))
@with_examples("x", FP16_EXAMPLES)
def test_encode_float_fp16(sub, x):
    """encode_float(x, 5, 10) is IEEE FP16 (half) rounding: nearest even, subnormals, overflow to inf, signed zero."""
    want = None if math.isnan(x) else np_encode16(x)
    check_encode(x, (5, 10), sub.encode_float(x, 5, 10), want)


FORMAT_EXAMPLES = [
    ((8, 7), 1.0 + 2.0 ** -8),               # BF16 tie -> 1.0
    ((8, 7), 1.0 + 3 * 2.0 ** -8),           # BF16 tie -> up
    ((8, 7), (2 - 2.0 ** -7) * 2.0 ** 127),  # BF16 largest finite
    ((8, 7), (2 - 2.0 ** -8) * 2.0 ** 127),  # BF16 largest + half ulp: tie -> inf
    ((8, 7), math.nextafter((2 - 2.0 ** -8) * 2.0 ** 127, 0)),   # just below: finite
    ((8, 7), 2.0 ** -134),                   # BF16 smallest subnormal
    ((8, 7), 2.0 ** -135),                   # half of it: tie -> 0
    ((5, 2), 57344.0), ((5, 2), 61440.0), ((5, 2), 61439.99), ((5, 2), -2.0 ** -17),
    ((5, 2), 2.0 ** -16), ((5, 2), 1.125), ((5, 2), 1.375), ((5, 2), -0.0),
    ((3, 2), 0.125), ((3, 2), 0.0625), ((3, 2), 15.0), ((3, 2), 14.5), ((3, 2), 0.1),
    ((2, 1), 0.25), ((2, 1), 0.5), ((2, 1), 1.5), ((2, 1), 2.0), ((2, 1), 3.0), ((2, 1), 1.25),
    ((2, 1), 0.75), ((2, 1), -0.0), ((4, 3), 240.0), ((4, 3), 248.0), ((4, 3), 2.0 ** -9),
    ((7, 9), 1.0 + 2.0 ** -10), ((7, 9), 2.0 ** -71), ((7, 9), 1e19),
    ((11, 52), 0.1), ((11, 52), 5e-324), ((11, 52), 1.7976931348623157e308), ((11, 52), -0.0),
    ((11, 51), 1.0 + 2.0 ** -52), ((11, 51), 5e-324), ((11, 1), 3.0), ((2, 52), 1.0 + 2.0 ** -52),
    ((8, 23), -13.625), ((8, 23), 1.0 + 2.0 ** -24), ((8, 23), 2.0 ** -150),
]


@st.composite
def format_and_double(draw):
    fmt = draw(formats)
    return fmt, draw(st.one_of(doubles_for(*fmt), st.sampled_from([math.inf, -math.inf, math.nan])))


@points(3)
@given(case=format_and_double())
@with_examples("case", FORMAT_EXAMPLES)
def test_encode_float_formats(sub, case):
    """encode_float is correct in BF16, E5M2, FP32, (11, 52) and odd formats: ties to even, subnormals, overflow, signs, NaN."""
    fmt, x = case
    check_encode(x, fmt, sub.encode_float(x, *fmt))


bad_widths = st.one_of(
    st.tuples(st.integers(-3, 1), st.integers(1, 52)),
    st.tuples(st.integers(12, 64), st.integers(1, 52)),
    st.tuples(st.integers(2, 11), st.integers(-3, 0)),
    st.tuples(st.integers(2, 11), st.integers(53, 100)),
)


@points(1)
@given(fmt=bad_widths, x=st.sampled_from([1.0, 0.0, -2.5]))
@example(fmt=(1, 10), x=1.0)
@example(fmt=(12, 10), x=1.0)
@example(fmt=(8, 0), x=1.0)
@example(fmt=(8, 53), x=1.0)
@example(fmt=(0, 0), x=1.0)
def test_encode_float_rejects_bad_format(sub, fmt, x):
    """encode_float raises ValueError unless 2 <= exp_bits <= 11 and 1 <= man_bits <= 52."""
    with pytest.raises(ValueError):
        got = sub.encode_float(x, *fmt)
        pytest.fail(f"encode_float({x!r}, {fmt[0]}, {fmt[1]}) returned {got!r}: it must raise "
                    "ValueError (valid widths: 2 <= exp_bits <= 11, 1 <= man_bits <= 52)")


# --------------------------------------------------------------------------------- decode_float

@points(1)
@given(bits=patterns_for(5, 10))
@example(0x3C00)
@example(0x7BFF)
@example(0x0001)
@example(0x03FF)
@example(0x8000)
@example(0xFC00)
@example(0x7E00)
@example(0x0400)
@example(0xC9D0)
def test_decode_float_fp16(sub, bits):
    """decode_float(bits, 5, 10) is the exact value of an FP16 pattern (zeros, subnormals, normals, ±inf, NaN)."""
    check_decode(bits, (5, 10), sub.decode_float(bits, 5, 10), np_decode16(bits))


@st.composite
def format_and_pattern(draw):
    fmt = draw(formats)
    return fmt, draw(patterns_for(*fmt))


DECODE_EXAMPLES = [((5, 2), 0x7B), ((5, 2), 0x01), ((5, 2), 0x80), ((5, 2), 0x7C), ((5, 2), 0x7D),
                   ((8, 7), 0x3F80), ((8, 7), 0x0001), ((8, 7), 0x7F7F), ((2, 1), 0b0001),
                   ((2, 1), 0b0010), ((2, 1), 0b0101), ((2, 1), 0b0110), ((2, 1), 0b1111),
                   ((3, 2), 0b0_011_01), ((11, 52), 1), ((11, 52), 0x7FEFFFFFFFFFFFFF),
                   ((11, 52), 0x8000000000000000), ((7, 9), 0x1), ((11, 1), 1), ((2, 52), 1)]


@points(2)
@given(case=format_and_pattern())
@with_examples("case", DECODE_EXAMPLES)
def test_decode_float_formats(sub, case):
    """decode_float is exact in BF16, E5M2, (11, 52) and odd formats: zeros with their sign, subnormals, normals, ±inf, NaN."""
    fmt, bits = case
    check_decode(bits, fmt, sub.decode_float(bits, *fmt))


@st.composite
def bad_decode_args(draw):
    if draw(st.booleans()):                        # a valid format, a pattern that does not fit
        e, m = draw(formats)
        width = 1 + e + m
        bits = draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=2 ** width,
                                                                      max_value=2 ** (width + 8))))
        return bits, e, m
    e, m = draw(bad_widths)                        # a bad format, a small pattern
    return draw(st.integers(0, 15)), e, m


@points(1)
@given(args=bad_decode_args())
@example(args=(2 ** 16, 5, 10))
@example(args=(-1, 5, 10))
@example(args=(2 ** 8, 5, 2))
@example(args=(0, 1, 10))
@example(args=(0, 12, 10))
@example(args=(0, 8, 0))
@example(args=(0, 8, 53))
def test_decode_float_rejects_bad_input(sub, args):
    """decode_float raises ValueError for a bad format or a pattern outside [0, 2**(1 + exp_bits + man_bits))."""
    with pytest.raises(ValueError):
        got = sub.decode_float(*args)
        pytest.fail(f"decode_float{args} returned {got!r}: it must raise ValueError")
