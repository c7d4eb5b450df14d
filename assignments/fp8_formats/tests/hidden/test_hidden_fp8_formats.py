"""Hidden tests of fp8_formats: exhaustive and strided sweeps against the grader's oracles (exact
rational rounding, cross-checked with ml_dtypes / NumPy), every layout of format_info, and the
hand answers for the student's own v and w. Each test calls one function."""

import math
import random
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from fp8_formats_strategies import (
    BF16,
    E4M3FN,
    E5M2,
    FORMATS,
    FP16,
    expected_encode,
    expected_holds,
    f32,
    grid_sweep,
    ml_encode_many,
    ml_values,
    next_f32,
)


def strided_f32(step, offset):
    """Every step-th float32 bit pattern (from offset), both signs, NaN patterns included."""
    bits = np.arange(offset % step, 2 ** 32, step, dtype=np.uint64).astype(np.uint32)
    return bits.view(np.float32).astype(np.float64).tolist()


def check_sweep(sub, fn, fmt, xs, modes):
    """The answers for every x, in each mode, against the vectorised ml_dtypes / NumPy oracle;
    every 16th one is also checked against the exact rational oracle."""
    a = np.array(xs, dtype=np.float64)
    with np.errstate(all="ignore"):
        assert np.array_equal(a.astype(np.float32).astype(np.float64), a, equal_nan=True)
    for saturate in modes:
        args = [(x,) if saturate is None else (x, saturate) for x in xs]
        got = sub.many(fn, args)
        want = ml_encode_many(xs, fmt, bool(saturate))
        for i in range(0, len(xs), 16):
            assert want[i] == expected_encode(xs[i], fmt, bool(saturate))  # never fires
        assert all(type(g) is int for g in got), (fn, "types")
        bad = [(x, g, w) for x, g, w in zip(xs, got, want) if g != w]
        assert not bad, (fn, saturate, bad[:3])


def fp8_inputs(fmt):
    grid = grid_sweep(fmt)
    return [v for x in grid for v in (x, -x)] + [math.nan, -math.nan] + strided_f32(2 ** 20, 0x5A5A5)


@points(5)
def test_hidden_encode_e4m3fn_sweep(sub):
    """encode_e4m3fn at every E4M3FN value, midpoint and neighbour of a midpoint, and at every 2**20-th float32, in both modes."""
    check_sweep(sub, "encode_e4m3fn", E4M3FN, fp8_inputs(E4M3FN), (False, True))


@points(5)
def test_hidden_encode_e5m2_sweep(sub):
    """encode_e5m2 at every E5M2 value, midpoint and neighbour of a midpoint, and at every 2**20-th float32, in both modes."""
    check_sweep(sub, "encode_e5m2", E5M2, fp8_inputs(E5M2), (False, True))


def sixteen_bit_inputs(fmt, count):
    """count random codes' values, midpoints and midpoint neighbours, the edges, and a strided
    float32 sweep."""
    rng = random.Random(fmt.name)
    out = [math.nan, -math.nan, math.inf, -math.inf, 0.0, -0.0]
    edges = [0, 1, 2 ** fmt.m - 1, 2 ** fmt.m, fmt.max_code - 1, fmt.max_code]
    for b in edges + [rng.randrange(fmt.max_code + 1) for _ in range(count)]:
        lo = fmt.value(b)[1]
        mid = float(lo + fmt.ulp_of_code(b) / 2)
        for x in (float(lo), mid, next_f32(mid, -1), next_f32(mid, 1)):
            out += [x, -x]
    return out + strided_f32(2 ** 21, 0x2B4C3)


@points(2)
def test_hidden_encode_fp16_sweep(sub):
    """encode_fp16 at many FP16 values, midpoints and their neighbours, and every 2**21-th float32."""
    check_sweep(sub, "encode_fp16", FP16, sixteen_bit_inputs(FP16, 600), (None,))


@points(2)
def test_hidden_encode_bf16_sweep(sub):
    """encode_bf16 at many BF16 values, midpoints and their neighbours, and every 2**21-th float32."""
    check_sweep(sub, "encode_bf16", BF16, sixteen_bit_inputs(BF16, 600), (None,))


def check_decode_many(sub, fn, fmt):
    """Every 16th code (from an odd offset), all the subnormals and zeros of both signs, and the
    codes around max finite, inf and the NaNs."""
    half = fmt.sign_bit
    codes = set(range(5, fmt.ncodes, 16)) | set(range(2 ** fmt.m + 2))
    codes |= set(range(fmt.max_code - 3, half)) | set(range(half, half + 2 ** fmt.m + 2))
    codes |= set(range(half + fmt.max_code - 3, fmt.ncodes))
    codes = sorted(codes)
    got = sub.many(fn, [(c,) for c in codes])
    assert all(type(g) is float for g in got), (fn, "types")
    g, w = np.array(got, dtype=np.float64), ml_values(fmt)[codes]
    same = (g == w) & (np.signbit(g) == np.signbit(w)) | (np.isnan(g) & np.isnan(w))
    assert same.all(), (fn, np.flatnonzero(~same)[:3])


@points(2)
def test_hidden_decode_fp16_sweep(sub):
    """decode_fp16 is exact on every 16th code, every subnormal and the codes around max, inf and NaN."""
    check_decode_many(sub, "decode_fp16", FP16)


@points(2)
def test_hidden_decode_bf16_sweep(sub):
    """decode_bf16 is exact on every 16th code, every subnormal and the codes around max, inf and NaN."""
    check_decode_many(sub, "decode_bf16", BF16)


def formula_info(e, m, style):
    """The constants by their formulas, in exact arithmetic."""
    bias = 2 ** (e - 1) - 1
    if style == "ieee":
        max_finite, nans = (2 - Fraction(1, 2 ** m)) * Fraction(2) ** bias, 2 * (2 ** m - 1)
    else:
        max_finite, nans = (2 - Fraction(2, 2 ** m)) * Fraction(2) ** (bias + 1), 2
    digits = max(d for d in range(10) if 10 ** d <= 2 ** (m + 1))
    return {"bias": bias, "max_finite": float(max_finite),
            "min_normal": float(Fraction(2) ** (1 - bias)),
            "min_subnormal": float(Fraction(2) ** (1 - bias - m)),
            "epsilon": float(Fraction(1, 2 ** m)), "unit_roundoff": float(Fraction(1, 2 ** (m + 1))),
            "decimal_digits": digits, "has_infinity": style == "ieee", "nan_codes": nans}


@points(3)
def test_hidden_format_info_all_layouts(sub):
    """format_info is right for every layout: 2 <= exp_bits <= 8, 1 <= man_bits <= 23, both styles."""
    layouts = [(e, m, s) for e in range(2, 9) for m in range(1, 24) for s in ("ieee", "fn")]
    for layout, got in zip(layouts, sub.many("format_info", layouts)):
        want = formula_info(*layout)
        assert type(got) is dict and set(got) == set(want), (layout, got)
        for key, value in want.items():
            assert type(got[key]) is type(value) and got[key] == value, (layout, key, got[key])


@points(3)
def test_hidden_which_formats_hold_sweep(sub):
    """which_formats_hold at every format's overflow and underflow edges and across the float32 range."""
    xs = [0.0, -0.0]
    for fmt in FORMATS.values():
        if fmt.name == "fp32":
            continue
        for edge in (fmt.max_finite, fmt.threshold, fmt.next_after_max, fmt.tiny / 2, fmt.tiny):
            x = float(edge)
            xs += [x, next_f32(x, 1), next_f32(x, -1)]
    xs += [x for x in strided_f32(2 ** 22, 0x1D2E3) if math.isfinite(x)]
    xs = [v for x in xs if math.isfinite(f32(x)) and f32(x) == x for v in (x, -x)]   # float32s
    a = np.array(xs, dtype=np.float64)
    held = {"fp32": np.ones(len(xs), dtype=bool)}
    for name, fmt in FORMATS.items():
        if name != "fp32":
            v = ml_values(fmt)[np.array(ml_encode_many(xs, fmt))]
            held[name] = np.isfinite(v) & ((v != 0) | (a == 0))
    got = sub.many("which_formats_hold", [(x,) for x in xs])
    for i, (x, g) in enumerate(zip(xs, got)):
        want = [name for name in FORMATS if held[name][i]]
        if i % 16 == 0:
            assert want == expected_holds(x)    # never fires
        assert type(g) is list and g == want, (x, g, want)


def hand_code(value):
    return format(expected_encode(f32(value), E4M3FN), "08b")


@points(1)
def test_hidden_hand_v(sub, variant):
    """HAND_V is the E4M3FN code of your v."""
    got = sub.HAND_V
    assert type(got) is str and got == hand_code(variant["v"])


@points(2)
def test_hidden_hand_w(sub, variant):
    """HAND_W is the E4M3FN code of your w (rounded to nearest, ties to even)."""
    got = sub.HAND_W
    assert type(got) is str and got == hand_code(variant["w"])
