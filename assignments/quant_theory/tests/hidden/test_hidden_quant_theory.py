"""Hidden tests of quant_theory: the same checks on longer inputs, more levels and deeper stacks,
plus the outlier demonstrations. Students see only each test's name and whether it passed."""

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.testing import points
from quant_theory_oracle import (
    CrestCase, FwhtCase, MatrixCase, NetCase, SampleCase, SqnrCase, absmax_rows,
    check_crest, check_fwht, check_lloyd_analytic, check_lloyd_sample, check_rotated,
    sylvester,
)
from test_public_quant_theory import check_layer_errors, check_most_sensitive, check_sqnr


@points(3)
@settings(max_examples=4)
@given(seed=st.integers(0, 2 ** 32 - 1), kind=st.sampled_from(["gauss", "wide", "quantized"]),
       noise=st.integers(-24, -4))
@example(seed=11, kind="wide", noise=-20)
def test_hidden_sqnr_db_long(sub, seed, kind, noise):
    check_sqnr(sub, SqnrCase((4000,), "float32", kind, seed, noise))
    check_sqnr(sub, SqnrCase((3, 700), "float64", kind, seed + 1, noise))


@points(3)
@settings(max_examples=3)
@given(levels=st.integers(9, 16))
@example(levels=16)
def test_hidden_lloyd_max_many_levels(sub, levels):
    for density in ("gaussian", "laplacian"):
        check_lloyd_analytic(f"lloyd_max({levels}, {density!r})", sub.lloyd_max(levels, density),
                             levels, density)


@points(3)
@settings(max_examples=4)
@given(seed=st.integers(0, 2 ** 32 - 1), kind=st.sampled_from(["rounded", "ints", "bimodal"]))
@example(seed=21, kind="ints")
def test_hidden_lloyd_max_sample_edges(sub, seed, kind):
    case = SampleCase(500, kind, seed)
    levels = min(8, case.distinct)
    check_lloyd_sample(f"lloyd_max({levels}, sample)", sub.lloyd_max(levels, case.x), levels,
                       case.x)
    # every distinct value its own level: the levels are exactly the distinct values
    few = np.array([2.0, -1.0, 2.0, 0.5, 0.5, 2.0])
    t, r = sub.lloyd_max(3, few)
    assert np.array_equal(r, np.array([-1.0, 0.5, 2.0])), r
    for bad in (np.array([1.0, 1.0, 1.0]), np.array([4.0, -4.0, 4.0])):
        try:
            sub.lloyd_max(3, bad)
        except ValueError:
            continue
        raise AssertionError("fewer distinct values than levels must raise ValueError")


@points(3)
@settings(max_examples=2)
@given(seed=st.integers(0, 2 ** 32 - 1))
@example(seed=31)
def test_hidden_fwht_large(sub, seed):
    for shape, kind in (((2, 2048), "dyadic"), ((2 ** 16,), "outlier"), ((3, 1024), "onehot")):
        case = FwhtCase(shape, kind, seed)
        got = sub.fwht(case.x)
        if shape[-1] <= 4096:
            check_fwht("fwht(x)", case, got)
        else:
            # H x for a few outputs, exactly (integer data): y_i = Σ_j (-1)^popcount(i & j) x_j / √n
            n = shape[-1]
            assert isinstance(got, np.ndarray) and got.shape == shape and got.dtype == np.float64
            j = np.arange(n)
            for i in (0, 1, 12345, n - 1):
                bits = np.bitwise_and(i, j)
                sign = 1 - 2 * (np.unpackbits(bits.astype('>u4').view(np.uint8)).reshape(n, 32).astype(np.int64)
                                .sum(axis=1) % 2)
                want = float(np.sum(sign * case.x)) / math.sqrt(n)
                bound = (3 * 16 + 8) * 2.0 ** -53 * float(np.sqrt(np.sum(case.x ** 2)))
                assert abs(got[i] - want) <= bound, (i, got[i], want)
            back = sub.fwht(got)
            assert np.max(np.abs(back - case.x)) <= 2 * bound


@points(2)
@settings(max_examples=3)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_hidden_crest_factor_long_and_rotated(sub, seed):
    for case in (CrestCase((5000,), "float32", "gauss", seed),
                 CrestCase((64, 64), "float64", "outlier", seed)):
        check_crest("crest_factor(x)", case.x, sub.crest_factor(case.x))
    # a row with one outlier: the rotation spreads it, the crest factor drops
    w = np.random.default_rng(seed).standard_normal(256)
    w[7] = 60.0
    rot = sylvester(256) @ w / 16.0
    before, after = sub.crest_factor(w), sub.crest_factor(rot)
    check_crest("crest_factor(w)", w, before)
    check_crest("crest_factor(H w / 16)", rot, after)
    assert after < before / 2


@points(3)
@settings(max_examples=2)
@given(seed=st.integers(0, 2 ** 32 - 1), bits=st.integers(4, 8))
@example(seed=41, bits=4)
def test_hidden_rotated_quantize_outliers(sub, seed, bits):
    case = MatrixCase(32, 128, "outlier_cols", seed, bits)
    got = sub.rotated_quantize(case.W, bits)
    check_rotated(f"rotated_quantize(W, {bits})", case.W, bits, got)
    direct = float(np.sqrt(np.sum((absmax_rows(case.W, bits) - case.W) ** 2)))
    rotated = float(np.sqrt(np.sum((got - case.W) ** 2)))
    assert rotated < 0.5 * direct, (rotated, direct)
    big = MatrixCase(4, 1024, "gauss", seed, bits)
    check_rotated(f"rotated_quantize(W, {bits})", big.W, bits, sub.rotated_quantize(big.W, bits))


@points(3)
@settings(max_examples=3)
@given(seed=st.integers(0, 2 ** 32 - 1), bits=st.integers(2, 8),
       kind=st.sampled_from(["gauss", "outlier", "mixed"]))
@example(seed=51, bits=3, kind="outlier")
def test_hidden_layer_errors_deep(sub, seed, bits, kind):
    check_layer_errors(sub, NetCase((32, 24, 32, 16, 24, 32, 8), kind, seed, bits, seed % 6))


@points(3)
@settings(max_examples=3)
@given(seed=st.integers(0, 2 ** 32 - 1), bits=st.integers(2, 8), hot=st.integers(0, 5))
@example(seed=61, bits=4, hot=5)
@example(seed=62, bits=8, hot=3)
def test_hidden_most_sensitive_layer_deep(sub, seed, bits, hot):
    check_most_sensitive(sub, NetCase((24, 16, 24, 16, 24, 16, 8), "outlier", seed, bits, hot))
    check_most_sensitive(sub, NetCase((12, 12, 12, 12), "mixed", seed, bits, hot))
    check_most_sensitive(sub, NetCase((12, 10, 8), "ongrid", seed, bits))
