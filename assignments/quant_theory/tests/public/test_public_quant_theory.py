"""Public tests of quant_theory: what `ulp check` runs for students.

Oracles and inputs are in quant_theory_oracle.py (shipped with these tests); none of them uses
a solution. Every tolerance is the one the statement derives.
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.testing import observe, points
from quant_theory_oracle import (
    LLOYD_LEVEL_TOL, CrestCase, FwhtCase, MatrixCase, NetCase, SampleCase, SqnrCase,
    accepted_layers, check_crest, check_fwht, check_lloyd_analytic, check_lloyd_sample,
    check_rotated, crest_cases, expected_layer_errors, fwht_cases, matrix_cases, net_cases,
    require_float, show, sqnr_cases, sqnr_exact, sqnr_tolerance, theoretical_exact,
)


def check_rejects(fn, cases):
    """Each (args, exception, what) must raise that exception."""
    for args, exc, what in cases:
        try:
            fn(*args)
        except exc:
            continue
        except Exception as e:   # noqa: BLE001 - a wrong exception is the student's to see
            raise AssertionError(f"{what}: must raise {exc.__name__}, raised "
                                 f"{type(e).__name__}: {e}") from None
        raise AssertionError(f"{what}: must raise {exc.__name__}, returned normally")


# ------------------------------------------------------------------------------------ sqnr_db

def check_sqnr(sub, case):
    got = sub.sqnr_db(case.x, case.x_hat)
    call = f"sqnr_db(x, x_hat) for x = {show(case.x)}, x_hat = {show(case.x_hat)}"
    value = require_float(call, got)
    want, S, N = sqnr_exact(case.x, case.x_hat)
    if want == math.inf:
        assert value == math.inf, f"{call} = {value!r}: x_hat == x, so the error is zero and " \
                                  f"the SQNR is +inf (math.inf)"
        return
    tol = sqnr_tolerance(case.x.size, S, N, want)
    err = float(abs(mpmath.mpf(value) - want))
    observe(err, tol, label="sqnr_db: |error| vs 4.35(2n+8)u + 8u(|10log S|+|10log N|+|SQNR|)")
    assert err <= tol, (
        f"{call} = {value!r}, expected 10·log10(Σx²/Σ(x − x_hat)²) = {float(want)!r} "
        f"(error {err:.3g} > tolerance {tol:.3g}): convert to float64 before squaring and "
        f"summing (float32 sums lose ~1e-7 relative)")


@points(2)
@given(case=sqnr_cases())
@example(case=SqnrCase((64,), "float32", "gauss", 1, -8))
@example(case=SqnrCase((300,), "float32", "wide", 2, -12))
@example(case=SqnrCase((4, 8), "float64", "quantized", 3, -3))
@example(case=SqnrCase((1,), "float64", "onehot", 4, -1))
@example(case=SqnrCase((50,), "float64", "sparse", 5, -20))
def test_sqnr_db(sub, case):
    """sqnr_db matches 10·log10(Σx²/Σ(x − x̂)²), computed exactly, within the stated float64 tolerance."""
    check_sqnr(sub, case)


@points(1)
def test_sqnr_db_conventions(sub):
    """sqnr_db: +inf for zero error, 0 dB for x_hat = 0; ValueError for an empty or all-zero x or different shapes; TypeError for a non-array or an integer array."""
    x = np.array([1.0, -2.0, 0.5])
    got = sub.sqnr_db(x, x.copy())
    assert isinstance(got, float) and got == math.inf, \
        f"sqnr_db(x, x) must be +inf (zero error), got {got!r}"
    got = sub.sqnr_db(x.astype(np.float32), np.zeros(3, dtype=np.float32))
    assert isinstance(got, float) and abs(got) <= 1e-12, \
        f"sqnr_db(x, zeros) must be 0 dB (the error is the signal itself), got {got!r}"
    check_rejects(sub.sqnr_db, [
        ((np.zeros(0), np.zeros(0)), ValueError, "sqnr_db of empty arrays"),
        ((np.zeros(3), np.ones(3)), ValueError, "sqnr_db with an all-zero x (no signal)"),
        ((np.zeros(4), np.zeros(4)), ValueError, "sqnr_db with x = x_hat = 0"),
        ((x, np.ones(4)), ValueError, "sqnr_db of shapes (3,) and (4,)"),
        ((x, x.reshape(1, 3)), ValueError, "sqnr_db of shapes (3,) and (1, 3)"),
        (([1.0, 2.0], [1.0, 2.5]), TypeError, "sqnr_db of Python lists"),
        ((np.array([1, 2]), np.array([1, 3])), TypeError, "sqnr_db of int64 arrays"),
    ])


# ------------------------------------------------------------------------ theoretical_sqnr_db

@points(2)
@given(bits=st.integers(1, 64))
@example(bits=1)
@example(bits=8)
@example(bits=16)
@example(bits=64)
def test_theoretical_sqnr_db(sub, bits):
    """theoretical_sqnr_db(b) = 20·log10(2)·b + 10·log10(3/2) within 1e-9 dB (6.02·b + 1.76 is not precise enough)."""
    got = require_float(f"theoretical_sqnr_db({bits})", sub.theoretical_sqnr_db(bits))
    want = theoretical_exact(bits)
    err = float(abs(mpmath.mpf(got) - want))
    assert err <= 1e-9, (
        f"theoretical_sqnr_db({bits}) = {got!r}, expected 20·log10(2)·{bits} + 10·log10(3/2) = "
        f"{float(want)!r} (error {err:.3g} > 1e-9): use the exact constants, not 6.02 and 1.76")


@points(1)
def test_theoretical_sqnr_db_rejects(sub):
    """theoretical_sqnr_db raises TypeError for a non-int (float, bool) and ValueError for bits < 1."""
    check_rejects(sub.theoretical_sqnr_db, [
        ((0,), ValueError, "theoretical_sqnr_db(0)"),
        ((-3,), ValueError, "theoretical_sqnr_db(-3)"),
        ((8.0,), TypeError, "theoretical_sqnr_db(8.0)"),
        ((True,), TypeError, "theoretical_sqnr_db(True)"),
    ])


@points(2)
def test_hand_sqnr(sub, variant, answer_digest):
    """HAND_SQNR_DB is the theoretical SQNR of your b-bit quantizer for a full-scale sine, rounded to 2 decimals (checked by digest)."""
    value = sub.HAND_SQNR_DB
    assert type(value) is float, f"HAND_SQNR_DB must be a float, got {type(value).__name__} {value!r}"
    want = round(float(theoretical_exact(variant["bits"])), 2)
    assert answer_digest(value) == answer_digest(want), (
        "HAND_SQNR_DB is not the SQNR of your number of bits for a full-scale sine, rounded to "
        "2 decimals: use 20·log10(2) = 6.0206 and 10·log10(1.5) = 1.7609 to 4 decimals at least "
        "(6.02 and 1.76 are too coarse), and the bits your own statement names")


# ------------------------------------------------------------------------------- lloyd_max

@points(2)
@given(levels=st.integers(1, 8))
@example(levels=1)
@example(levels=2)
@example(levels=4)
@example(levels=7)
def test_lloyd_max_gaussian(sub, levels):
    """lloyd_max(L, 'gaussian'): thresholds are midpoints, levels the N(0,1) conditional means of their cells (within 1e-9); L=2 gives ±sqrt(2/π), L=4 the published ±0.4528, ±1.510."""
    call = f"lloyd_max({levels}, 'gaussian')"
    got = sub.lloyd_max(levels, "gaussian")
    worst = check_lloyd_analytic(call, got, levels, "gaussian")
    observe(worst, LLOYD_LEVEL_TOL, label="lloyd_max gaussian: max |level − centroid| vs 1e-9")
    r = got[1]
    if levels == 1:
        assert abs(r[0]) <= 1e-12, f"{call}: one level is the mean, 0.0, got {r[0]!r}"
    if levels == 2:
        want = math.sqrt(2 / math.pi)
        assert np.allclose(r, [-want, want], rtol=0, atol=1e-9), \
            f"{call}: levels {r.tolist()}, expected ±sqrt(2/π) = ±{want!r}"
    if levels == 4:
        assert np.allclose(r, [-1.510, -0.4528, 0.4528, 1.510], rtol=0, atol=1e-3), \
            f"{call}: levels {r.tolist()}, expected the published ±0.4528, ±1.510 (Max 1960)"


@points(2)
@settings(max_examples=5)
@given(levels=st.integers(1, 8))
@example(levels=2)
@example(levels=3)
@example(levels=5)
def test_lloyd_max_laplacian(sub, levels):
    """lloyd_max(L, 'laplacian'), unit variance: midpoint thresholds, levels the conditional means (closed forms in mpmath, within 1e-9); L=2 gives ±1/√2, L=3 gives 0, ±√2."""
    call = f"lloyd_max({levels}, 'laplacian')"
    got = sub.lloyd_max(levels, "laplacian")
    worst = check_lloyd_analytic(call, got, levels, "laplacian")
    observe(worst, LLOYD_LEVEL_TOL, label="lloyd_max laplacian: max |level − centroid| vs 1e-9")
    r = got[1]
    if levels == 2:
        assert np.allclose(r, [-0.5 ** 0.5, 0.5 ** 0.5], rtol=0, atol=1e-9), \
            f"{call}: levels {r.tolist()}, expected ±1/√2 (E|X| of the unit-variance Laplacian)"
    if levels == 3:
        assert np.allclose(r, [-2 ** 0.5, 0.0, 2 ** 0.5], rtol=0, atol=1e-9), \
            f"{call}: levels {r.tolist()}, expected 0, ±√2"


@st.composite
def sample_cases(draw, max_n=200):
    kind = draw(st.sampled_from(["gauss", "rounded", "ints", "outlier", "bimodal"]))
    case = SampleCase(draw(st.integers(1, max_n)), kind, draw(st.integers(0, 2 ** 32 - 1)))
    levels = draw(st.integers(1, min(8, case.distinct)))
    return case, levels


@points(3)
@given(args=sample_cases())
@example(args=(SampleCase(40, "ints", 1), 7))
@example(args=(SampleCase(100, "bimodal", 2), 2))
@example(args=(SampleCase(60, "outlier", 3), 3))
@example(args=(SampleCase(1, "gauss", 4), 1))
@example(args=(SampleCase(150, "rounded", 5), 8))
def test_lloyd_max_sample(sub, args):
    """lloyd_max(L, sample): 1-D k-means from the stated initial levels: midpoint thresholds, each non-empty cell's level its sample mean, squared error no worse than the initial levels'."""
    case, levels = args
    call = f"lloyd_max({levels}, sample) for sample = {show(case.x)}"
    check_lloyd_sample(call, sub.lloyd_max(levels, case.x), levels, case.x)


@points(1)
def test_lloyd_max_rejects(sub):
    """lloyd_max raises ValueError for levels < 1, an unknown density name, an empty sample or fewer distinct sample values than levels; TypeError for a non-int levels or a density that is neither a str nor an array."""
    check_rejects(sub.lloyd_max, [
        ((0, "gaussian"), ValueError, "lloyd_max(0, 'gaussian')"),
        ((2, "uniform"), ValueError, "lloyd_max(2, 'uniform')"),
        ((2, np.zeros(0)), ValueError, "lloyd_max(2, empty sample)"),
        ((3, np.array([1.0, 2.0, 1.0, 2.0])), ValueError,
         "lloyd_max(3, sample with 2 distinct values)"),
        ((2.0, "gaussian"), TypeError, "lloyd_max(2.0, 'gaussian')"),
        ((2, [0.5, 1.5, 2.5]), TypeError, "lloyd_max(2, a Python list)"),
        ((True, "gaussian"), TypeError, "lloyd_max(True, 'gaussian')"),
        ((0, np.array([1.0, 2.0])), ValueError, "lloyd_max(0, sample)"),
        ((2, np.array([1, 2, 3])), TypeError, "lloyd_max(2, an int64 sample)"),
        ((2, np.arange(6.0).reshape(2, 3)), ValueError, "lloyd_max(2, a 2-D sample)"),
        ((2, np.array([1.0, np.nan, 3.0])), ValueError, "lloyd_max(2, a sample with a NaN)"),
    ])


# ----------------------------------------------------------------------------------- fwht

@points(2)
@given(case=fwht_cases())
@example(case=FwhtCase((1,), "gauss", 1))
@example(case=FwhtCase((3, 1), "wide", 2))
@example(case=FwhtCase((8,), "zero", 3))
@example(case=FwhtCase((2, 16), "onehot", 4))
@example(case=FwhtCase((32,), "outlier", 5))
@example(case=FwhtCase((2, 2, 8), "gauss", 6, -3))
@example(case=FwhtCase((4, 1024), "dyadic", 7, -10))
def test_fwht_matches_sylvester(sub, case):
    """fwht(x) = H·x/√n row by row (Sylvester order), within (3k + 8)·u·‖x‖₂ per row, x's shape kept."""
    check_fwht(f"fwht(x) for x of shape {list(case.x.shape)}", case, sub.fwht(case.x),
               observe=observe, label="fwht: ‖y − Hx/√n‖ vs (3k+8)·u·‖x‖")


@points(1)
@given(case=fwht_cases(max_k=5, kinds=("gauss", "wide", "dyadic")))
@example(case=FwhtCase((4,), "gauss", 9))
def test_fwht_self_inverse(sub, case):
    """fwht(fwht(x)) gives back x within 2·(3k + 8)·u·‖x‖₂ per row (H/√n is its own inverse)."""
    back = sub.fwht(sub.fwht(case.x))
    n = case.x.shape[-1]
    k = n.bit_length() - 1
    assert isinstance(back, np.ndarray) and back.shape == case.x.shape, \
        f"fwht must return an array of x's shape {list(case.x.shape)}"
    err = np.sqrt(np.sum((back - case.x).reshape(-1, n) ** 2, axis=-1))
    norm = np.sqrt(np.sum(case.x.reshape(-1, n) ** 2, axis=-1))
    bound = 2 * (3 * k + 8) * 2.0 ** -53 * norm * (1 + 2.0 ** -20)
    assert np.all(err <= bound), (
        f"fwht(fwht(x)) differs from x by {err.max():.3g} for x = {show(case.x)} (bound "
        f"{bound.max():.3g}): with the 1/√n scaling the transform is its own inverse")


@points(1)
def test_fwht_rejects(sub):
    """fwht raises ValueError for a last axis that is not a power of two (0, 3, 6, 12) or a 0-d array, TypeError for a non-array or a non-float64 array."""
    check_rejects(sub.fwht, [
        ((np.zeros(3),), ValueError, "fwht of length 3"),
        ((np.zeros((2, 6)),), ValueError, "fwht of shape (2, 6)"),
        ((np.zeros(12),), ValueError, "fwht of length 12"),
        ((np.zeros((4, 0)),), ValueError, "fwht of shape (4, 0)"),
        ((np.array(2.0),), ValueError, "fwht of a 0-d array"),
        (([1.0, 2.0],), TypeError, "fwht of a Python list"),
        ((np.zeros(4, dtype=np.float32),), TypeError, "fwht of a float32 array"),
        ((np.arange(4),), TypeError, "fwht of an int64 array"),
    ])


# ---------------------------------------------------------------------------- crest_factor

@points(2)
@given(case=crest_cases())
@example(case=CrestCase((16,), "float64", "onehot", 1))
@example(case=CrestCase((1,), "float32", "gauss", 2))
@example(case=CrestCase((7,), "float64", "constant", 3))
@example(case=CrestCase((256,), "float32", "outlier", 4))
@example(case=CrestCase((3, 40), "float32", "wide", 5))
def test_crest_factor(sub, case):
    """crest_factor(x) = max|x| / sqrt(mean(x²)) over all elements, within (n/2 + 4)·u·c of the exact value (float64 arithmetic)."""
    check_crest(f"crest_factor(x) for x of shape {list(case.x.shape)}", case.x,
                sub.crest_factor(case.x))


@points(1)
def test_crest_factor_rejects(sub):
    """crest_factor raises ValueError for an empty or all-zero array, TypeError for a non-array or an integer array."""
    check_rejects(sub.crest_factor, [
        ((np.zeros(0),), ValueError, "crest_factor of an empty array"),
        ((np.zeros(5),), ValueError, "crest_factor of an all-zero array"),
        ((np.zeros((2, 3), dtype=np.float32),), ValueError, "crest_factor of a float32 zero array"),
        (([1.0, 2.0],), TypeError, "crest_factor of a Python list"),
        ((np.array([1, 2, 3]),), TypeError, "crest_factor of an int64 array"),
    ])


# ------------------------------------------------------------------------- rotated_quantize

@points(3)
@given(case=matrix_cases())
@example(case=MatrixCase(1, 1, "gauss", 1, 4))
@example(case=MatrixCase(4, 16, "zero_rows", 2, 3))
@example(case=MatrixCase(3, 32, "onehot", 3, 2))
@example(case=MatrixCase(2, 64, "outlier_cols", 4, 4))
@example(case=MatrixCase(5, 8, "ints", 5, 8))
def test_rotated_quantize(sub, case):
    """rotated_quantize(W, bits): each row rotated by H/√n, quantized per row (symmetric absmax, round to nearest), rotated back; checked element by element in the rotated domain."""
    check_rotated(f"rotated_quantize(W, {case.bits}) for W of shape {list(case.W.shape)}",
                  case.W, case.bits, sub.rotated_quantize(case.W, case.bits))


@points(1)
def test_rotated_quantize_rejects(sub):
    """rotated_quantize raises ValueError for bits outside 2..8, a column count that is not a power of two, or W not 2-D; TypeError for a non-int bits or a non-float64 W."""
    w = np.ones((2, 4))
    check_rejects(sub.rotated_quantize, [
        ((w, 1), ValueError, "rotated_quantize(W, 1)"),
        ((w, 9), ValueError, "rotated_quantize(W, 9)"),
        ((np.ones((2, 6)), 4), ValueError, "rotated_quantize of W with 6 columns"),
        ((np.ones(4), 4), ValueError, "rotated_quantize of a 1-D W"),
        ((w, 4.0), TypeError, "rotated_quantize(W, 4.0)"),
        ((w.astype(np.float32), 4), TypeError, "rotated_quantize of a float32 W"),
    ])


# ---------------------------------------------------------------- layer_errors, most_sensitive

def check_layer_errors(sub, case):
    got = sub.layer_errors(case.weights, case.x, case.bits)
    L = len(case.weights)
    call = (f"layer_errors(weights, x, {case.bits}) for {L} layers of shapes "
            f"{[list(w.shape) for w in case.weights]}")
    assert isinstance(got, list) and len(got) == L, \
        f"{call} must return a list of {L} floats, got {type(got).__name__} {got!r}"
    for i, (g, (e, tol)) in enumerate(zip(got, expected_layer_errors(case.weights, case.x, case.bits))):
        value = require_float(f"{call}[{i}]", g)
        observe(abs(value - e), tol, label="layer_errors: |e − e*| vs 4(1+e)(R + R̂)")
        assert abs(value - e) <= tol, (
            f"{call}: error after layer {i} is {value!r}, expected ‖ŷ − y‖/‖y‖ = {e!r} "
            f"(|difference| {abs(value - e):.3g} > tolerance {tol:.3g}); all errors: {got!r}")


@points(3)
@given(case=net_cases())
@example(case=NetCase((8, 8), "gauss", 1, 4))
@example(case=NetCase((1, 1), "gauss", 2, 2))
@example(case=NetCase((6, 5, 4, 3), "ongrid", 3, 3))
@example(case=NetCase((16, 12, 8), "outlier", 4, 4, 1))
@example(case=NetCase((5, 9, 5, 9), "onehot", 5, 8))
def test_layer_errors(sub, case):
    """layer_errors: the relative error ‖ŷ_l − y_l‖/‖y_l‖ after each layer (weights quantized per row, absmax), within the stated float64 tolerance."""
    check_layer_errors(sub, case)


def network_bad_inputs(name):
    w = np.ones((2, 3))
    x = np.ones(3)
    return [(args, exc, what.replace("layer_errors", name)) for args, exc, what in [
        (([], x, 4), ValueError, "layer_errors with no layers"),
        (([w, w], x, 4), ValueError, "layer_errors with shapes (2, 3) then (2, 3)"),
        (([w], np.ones(2), 4), ValueError, "layer_errors with W of shape (2, 3) and x of shape (2,)"),
        (([w], x, 1), ValueError, "layer_errors with bits = 1"),
        (([w], x, 9), ValueError, "layer_errors with bits = 9"),
        (([w], np.zeros(3), 4), ValueError, "layer_errors with x = 0"),
        (([np.array([[1.0, -1.0]])], np.array([2.0, 2.0]), 4), ValueError,
         "layer_errors where W·x = 0"),
        (([w], x, 4.0), TypeError, "layer_errors with bits = 4.0"),
        (([np.ones(3)], x, 4), ValueError, "layer_errors with a 1-D weight"),
        (([w], np.ones((3, 1)), 4), ValueError, "layer_errors with x of shape (3, 1)"),
        (([w.astype(np.float32)], x, 4), TypeError, "layer_errors with a float32 weight"),
        (([w], x.astype(np.float32), 4), TypeError, "layer_errors with a float32 x"),
    ]]


@points(1)
def test_layer_errors_rejects(sub):
    """layer_errors raises ValueError for no layers, a weight not 2-D, mismatched shapes, x not 1-D, bits outside 2..8, or a layer output that is exactly zero (x = 0, say); TypeError for a non-int bits or a weight or x that is not a float64 array."""
    check_rejects(sub.layer_errors, network_bad_inputs("layer_errors"))


def check_most_sensitive(sub, case):
    got = sub.most_sensitive_layer(case.weights, case.x, case.bits)
    call = (f"most_sensitive_layer(weights, x, {case.bits}) for layers of shapes "
            f"{[list(w.shape) for w in case.weights]}")
    assert type(got) is int, f"{call} must return a Python int, got {type(got).__name__} {got!r}"
    ok, sens = accepted_layers(case.weights, case.x, case.bits)
    errs = [e for e, _, _ in sens]
    assert got in ok, (
        f"{call} = {got}, expected {ok[0] if len(ok) == 1 else ok}: the final-output relative "
        f"errors when quantizing one layer alone are {errs} (ties: the smallest index)")


@points(2)
@given(case=net_cases(kinds=("gauss", "outlier", "mixed", "ongrid")))
@example(case=NetCase((6, 5, 4, 3), "ongrid", 3, 3))
@example(case=NetCase((8, 8, 8, 8), "mixed", 6, 4, 2))
@example(case=NetCase((8, 8, 8), "outlier", 7, 4, 1))
@example(case=NetCase((4, 4), "gauss", 8, 2))
def test_most_sensitive_layer(sub, case):
    """most_sensitive_layer: the layer whose quantization alone increases the final error most (exact ties, e.g. all errors 0: smallest index)."""
    check_most_sensitive(sub, case)


@points(1)
def test_most_sensitive_layer_rejects(sub):
    """most_sensitive_layer raises the same errors as layer_errors for the same bad inputs."""
    check_rejects(sub.most_sensitive_layer, network_bad_inputs("most_sensitive_layer"))
