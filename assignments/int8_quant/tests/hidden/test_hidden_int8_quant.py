"""Hidden tests of int8_quant: more of the hard cases (exact ties everywhere, extreme magnitudes,
one-sided and constant blocks), dequantize on the reference's quantizations, and larger metric
and percentile inputs. Each calls one function of the submission."""

import math

import numpy as np
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points
from int8_strategies import (F32, MAX_ABS_TOL, MSE_TOL, PCT_TOL, SQNR_TOL_DB, check_array,
                             check_asymmetric, check_symmetric, call_text, dequantized64,
                             exact_metrics, exact_percentile, exact_sqnr, explicit, quantize,
                             weight_cases, WeightCase)

# fixed hard cases, so that each realistic bug fails these tests at every seed
SYM_HARD = WeightCase(4, 64, "channel", None, "near_ties", 11, specials=((2, 0, "zero"),))
SYM_EXACT = WeightCase(3, 32, "group", 8, "exact_ties", 5, specials=((1, 0, "neg_zero"),))
SYM_TIE_ROW = explicit([[3.96875, 1.265625, -0.078125, 0.0], [0.0, -0.0, 0.0, 0.0]], "channel")
ASYM_HARD = explicit([[-1.5859375, 2.3984375, 0.5, -0.0078125],
                      [-1.5703125, 2.4140625, 0.015625, -0.5],
                      [1.0, 2.0, 3.0, 4.0], [-3.125, 4.84375, 0.078125, -0.109375]], "channel")
ASYM_NEAR = WeightCase(4, 64, "channel", None, "near_ties", 11, symmetric=False)


def _scaled(case, k):
    return explicit(case.w * F32(2.0 ** k), case.granularity, case.group_size)


@points(3)
@given(case=weight_cases(kinds=("exact_ties", "near_ties")))
@example(case=SYM_HARD)
@example(case=SYM_EXACT)
@example(case=SYM_TIE_ROW)
def test_hidden_symmetric_ties(sub, case):
    check_symmetric(call_text("quantize_symmetric", case),
                    quantize(sub, "quantize_symmetric", case), case.w, case.granularity,
                    case.group_size)


@points(2.5)
@given(case=weight_cases(mag=(-58, 56)), extreme=st.sampled_from([-58, 56, -30, 30]))
@example(case=SYM_TIE_ROW, extreme=50)
@example(case=SYM_TIE_ROW, extreme=-50)
@example(case=SYM_HARD, extreme=40)
def test_hidden_symmetric_extreme_magnitudes(sub, case, extreme):
    w = np.where(case.w != 0, case.w * F32(2.0 ** (extreme - case.log2_mag)), case.w)
    w = np.clip(w, -F32(2.0 ** 60), F32(2.0 ** 60)).astype(F32)
    w = np.where(np.abs(w) < F32(2.0 ** -60), F32(0), w).astype(F32)
    c = explicit(w, case.granularity, case.group_size)
    check_symmetric(call_text("quantize_symmetric", c), quantize(sub, "quantize_symmetric", c),
                    w, c.granularity, c.group_size)


@points(3)
@given(case=weight_cases(kinds=("exact_ties", "near_ties"), symmetric=False))
@example(case=ASYM_HARD)
@example(case=ASYM_NEAR)
def test_hidden_asymmetric_ties(sub, case):
    check_asymmetric(call_text("quantize_asymmetric", case),
                     quantize(sub, "quantize_asymmetric", case), case.w, case.granularity,
                     case.group_size)


@points(2.5)
@given(case=weight_cases(mag=(-58, 56), symmetric=False))
@example(case=_scaled(ASYM_HARD, 55))
@example(case=_scaled(ASYM_HARD, -55))
@example(case=_scaled(ASYM_NEAR, 40))
def test_hidden_asymmetric_extreme_magnitudes(sub, case):
    check_asymmetric(call_text("quantize_asymmetric", case),
                     quantize(sub, "quantize_asymmetric", case), case.w, case.granularity,
                     case.group_size)


@points(1.5)
@given(case=weight_cases(kinds=("positive", "negative", "constant", "sparse"), symmetric=False))
@example(case=explicit([[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0]], "group", 2))
def test_hidden_asymmetric_one_sided_blocks(sub, case):
    check_asymmetric(call_text("quantize_asymmetric", case),
                     quantize(sub, "quantize_asymmetric", case), case.w, case.granularity,
                     case.group_size)


@points(1.5)
@given(case=weight_cases(mag=(-10, 10)), which=st.integers(0, 7))
@example(case=explicit([[100.0, 0.3, -0.2, 0.1], [0.25, -0.5, 0.75, 1.0]]), which=1)
@example(case=SYM_TIE_ROW, which=0)
@example(case=explicit(SYM_HARD.w, "channel"), which=7)
def test_hidden_symmetric_clip_at_an_element(sub, case, which):
    # clip exactly at an element's magnitude, at a 1/3-type value, a tiny one or a huge one
    nz = np.abs(case.w[case.w != 0])
    choices = [float(x) for x in nz[:5]] + [1.0 / 3.0 * 2.0 ** case.log2_mag, 2.0 ** -50,
                                            2.0 ** 60]
    clip = choices[which % len(choices)]
    call = call_text("quantize_symmetric", case, f", clip={clip!r}")
    check_symmetric(call, quantize(sub, "quantize_symmetric", case, clip=clip), case.w,
                    case.granularity, case.group_size, clip=clip)


@points(2.5)
@given(case=weight_cases(), symmetric=st.booleans())
@example(case=ASYM_HARD, symmetric=False)
def test_hidden_dequantize_reference_inputs(sub, ref, case, symmetric):
    w = case.w
    if symmetric:
        codes, scale = quantize(ref, "quantize_symmetric", case)
        zero = None
        got = sub.dequantize(codes, scale)
    else:
        codes, scale, zero = quantize(ref, "quantize_asymmetric", case)
        got = sub.dequantize(codes, scale, zero)
    check_array("dequantize", got, np.float32, w.shape)
    want = dequantized64(codes, scale, zero, case.granularity, case.group_size)
    want = want.reshape(w.shape).astype(F32)
    assert np.array_equal(got, want), "dequantize differs from (code - zero_point) * scale"


@points(1.5)
@settings(max_examples=5)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.sampled_from([1, 2, 3, 1000, 4096]),
       p=st.floats(0, 100))
@example(seed=1, n=1000, p=50.0)
def test_hidden_percentile_clip_many(sub, seed, n, p):
    rng = np.random.default_rng(seed)
    w = (rng.standard_t(3, size=(n // 8 + 1, 8)) * 2.0 ** rng.integers(-20, 20)).astype(F32)
    w[rng.random(w.shape) < 0.1] = 0.0
    got = sub.percentile_clip(w, p)
    exact, b = exact_percentile(w, p)
    assert type(got) is float and abs(got - float(exact)) <= PCT_TOL * b


class _Pair:
    def __init__(self, seed, mag):
        rng = np.random.default_rng(seed)
        self.w = (rng.standard_normal((64, 64)) * 2.0 ** mag).astype(F32)
        self.w_hat = (self.w * (1 + rng.standard_normal((64, 64)) * 2.0 ** -8)).astype(F32)
        self.w_hat[0, :5] = self.w[0, :5]


@points(1)
@settings(max_examples=5)
@given(seed=st.integers(0, 2 ** 32 - 1), mag=st.sampled_from([-60, -20, 0, 30, 60]))
@example(seed=1, mag=60)
@example(seed=1, mag=-60)
def test_hidden_mse_large(sub, seed, mag):
    c = _Pair(seed, mag)
    got = sub.mse(c.w, c.w_hat)
    m = float(exact_metrics(c.w, c.w_hat)[0])
    assert type(got) is float and abs(got - m) <= MSE_TOL * m


@points(1)
@settings(max_examples=5)
@given(seed=st.integers(0, 2 ** 32 - 1), mag=st.sampled_from([-60, -20, 0, 30, 60]))
@example(seed=1, mag=60)
def test_hidden_max_abs_error_large(sub, seed, mag):
    c = _Pair(seed, mag)
    got = sub.max_abs_error(c.w, c.w_hat)
    m = float(exact_metrics(c.w, c.w_hat)[1])
    assert type(got) is float and abs(got - m) <= MAX_ABS_TOL * m


@points(1)
@settings(max_examples=5)
@given(seed=st.integers(0, 2 ** 32 - 1), mag=st.sampled_from([-60, -20, 0, 30, 60]))
@example(seed=1, mag=60)
def test_hidden_sqnr_db_large(sub, seed, mag):
    c = _Pair(seed, mag)
    got = sub.sqnr_db(c.w, c.w_hat)
    _, _, noise, signal = exact_metrics(c.w, c.w_hat)
    assert type(got) is float and abs(got - exact_sqnr(noise, signal)) <= SQNR_TOL_DB
