"""Hidden tests of fp32_encode: the hand answer for the student's own v, and sweeps against the
reference (random doubles for FP32, every pattern and every tie of the small formats)."""

import math
import struct
import sys
from pathlib import Path

from hypothesis import example, given, strategies as st

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from fp32_strategies import (Format, doubles_for, is_nan_pattern, near_grid,  # noqa: E402
                             oracle_decode, oracle_encode, pattern_value, patterns_for,
                             same_float)

SMALL_FORMATS = [(2, 1), (3, 2), (4, 3), (5, 2)]


@points(3)
def test_hidden_hand_answer(sub, variant):
    """HAND_SIGN, HAND_EXPONENT, HAND_MANTISSA are the FP32 encoding of your value v."""
    v = variant["v"]
    (bits,) = struct.unpack(">I", struct.pack(">f", v))
    assert struct.unpack(">f", struct.pack(">I", bits))[0] == v, "v must be exact in FP32"
    want = f"{bits:032b}"
    got = (sub.HAND_SIGN, sub.HAND_EXPONENT, sub.HAND_MANTISSA)
    assert all(type(g) is str for g in got), "the hand answers must be strings"
    assert got == (want[0], want[1:9], want[9:]), f"the encoding of v={v!r} is not {got}"


@points(1)
@given(x=st.one_of(doubles_for(8, 23), near_grid(8, 23, ties="only"), st.floats(),
                   st.sampled_from([-0.0, 0.0, math.inf, -math.inf])))  # the signed specials
@example(-0.0)
@example(1.0 + 2.0 ** -24)
@example(1.0 + 3 * 2.0 ** -24)
@example(2.0 ** -150)
@example(1.5 * 2.0 ** -149)
@example(2.5 * 2.0 ** -149)
@example(1e-40)
@example(1e-45)
@example((2 - 2.0 ** -24) * 2.0 ** 127)
@example(1e39)
@example(0.1)
@example(math.nan)
def test_hidden_encode_fp32_any_double(sub, ref, x):
    """encode_fp32 agrees with IEEE on every kind of double."""
    got = sub.encode_fp32(x)
    assert type(got) is int
    if math.isnan(x):
        assert is_nan_pattern(got, 8, 23)
    else:
        assert got == ref.encode_fp32(x) == oracle_encode(x, 8, 23)


@points(1)
@given(bits=st.one_of(patterns_for(8, 23), st.integers(0, 2 ** 32 - 1)))
@example(0x80000000)
@example(0x00000001)
@example(0x807FFFFF)
@example(0x7F800001)
@example(0xC15A0000)
def test_hidden_decode_fp32_any_pattern(sub, ref, bits):
    """decode_fp32 is exact on every kind of pattern."""
    got = sub.decode_fp32(bits)
    assert type(got) is float
    assert same_float(got, ref.decode_fp32(bits))


def grid_points(e, m):
    """Every finite non-negative value of the format, every midpoint between neighbours, one
    double either side of each midpoint, and the specials."""
    f = Format(e, m)
    out = [math.inf, 0.0]
    for b in range(f.max_finite_bits + 1):
        lo = pattern_value(b, e, m)[1]
        hi = f.overflow if b == f.max_finite_bits else pattern_value(b + 1, e, m)[1]
        mid = float((lo + hi) / 2)
        out += [float(lo), mid, math.nextafter(mid, 0.0), math.nextafter(mid, math.inf)]
    return out + [float(f.overflow) * 2, 1e300, 5e-324]


@points(2)
def test_hidden_encode_float_small_formats_exhaustive(sub):
    """encode_float is right at every value, tie and near-tie of E2M1, E3M2, E4M3 and E5M2."""
    for e, m in SMALL_FORMATS:  # sub.many: one round trip per format, not one per value
        values = [v for x in grid_points(e, m) for v in (x, -x)]
        got = sub.many("encode_float", [(v, e, m) for v in values + [math.nan]])
        for v, bits in zip(values, got):
            assert type(bits) is int and bits == oracle_encode(v, e, m), (e, m, v)
        assert is_nan_pattern(got[-1], e, m)


@points(1)
def test_hidden_decode_float_small_formats_exhaustive(sub):
    """decode_float is exact on every pattern of E2M1, E3M2, E4M3 and E5M2."""
    for e, m in SMALL_FORMATS:
        patterns = range(2 ** (1 + e + m))
        for bits, got in zip(patterns, sub.many("decode_float", [(b, e, m) for b in patterns])):
            assert type(got) is float and same_float(got, oracle_decode(bits, e, m)), (e, m, bits)
