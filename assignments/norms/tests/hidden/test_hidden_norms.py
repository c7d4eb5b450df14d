"""Hidden tests of norms: long arrays and rows (up to 4096), batches of Welford updates and merges
with extreme counts, LayerNorm on |mean|/std = 1e4, RMSNorm over float16's whole range. The same
bounds and tolerances as the public tests (norms_oracle.py); one function per test."""

import sys
from pathlib import Path

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from norms_oracle import (
    NormExpected,
    check_merge,
    check_norm,
    check_update,
    check_variance,
)
from norms_strategies import (
    LONG,
    ArrayCase,
    NormCase,
    array_cases,
    explicit_norm,
    merge_batch,
    norm_cases,
    update_batch,
)

f32 = np.float32

LONG_KINDS = ("gauss", "offset", "large_mean", "sorted", "drift", "two_values", "outlier", "binades")


def long_arrays():
    return array_cases(min_len=500, max_len=4096, kinds=LONG_KINDS)


@points(2)
@settings(max_examples=6)
@given(case=long_arrays())
@example(case=LONG)
def test_hidden_naive_variance_long_arrays(sub, case):
    """naive_variance within its bound on arrays of 500 to 4096 values."""
    check_variance("naive_variance", case.x, sub.naive_variance(case.x))


@points(3)
@settings(max_examples=6)
@given(case=long_arrays())
@example(case=LONG)
@example(case=ArrayCase(4096, "large_mean", 3))
@example(case=ArrayCase(4096, "constant", 8, 0, 2))
@example(case=ArrayCase(4096, "gauss", 9, 0, 0))
def test_hidden_two_pass_variance_long_arrays(sub, case):
    """two_pass_variance within its bound on arrays of 500 to 4096 values."""
    check_variance("two_pass_variance", case.x, sub.two_pass_variance(case.x))


@points(3)
@settings(max_examples=6)
@given(case=long_arrays())
@example(case=LONG)
@example(case=ArrayCase(4096, "drift", 4, 0, 3))
@example(case=ArrayCase(512, "gauss", 2, 0, 0))
@example(case=ArrayCase(4096, "large_mean", 3))
def test_hidden_welford_variance_long_arrays(sub, case):
    """welford_variance within its bound on arrays of 500 to 4096 values."""
    check_variance("welford_variance", case.x, sub.welford_variance(case.x))


@points(3)
@settings(max_examples=2)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_hidden_welford_update_batch(sub, seed):
    """welford_update on 150 states and values per example, counts up to 10**9."""
    cases = update_batch(seed, 150)
    answers = sub.many("welford_update", [(s, x) for s, x in cases])
    for (s, x), got in zip(cases, answers):
        check_update(s, x, got)


EXTREME = [
    ((1, f32(1e4), f32(0.0)), (10 ** 9, f32(-1e4), f32(1e9))),
    ((10 ** 9, f32(3.0), f32(2e9)), (10 ** 9, f32(3.0000002), f32(2e9))),
    ((2 ** 24 + 1, f32(0.5), f32(1.0)), (2 ** 24 + 3, f32(-0.5), f32(1.0))),
    ((1, f32(-2.0), f32(0.0)), (1, f32(2.0), f32(0.0))),
    ((0, f32(0.0), f32(0.0)), (1, f32(7.0), f32(0.0))),
    ((0, f32(0.0), f32(0.0)), (0, f32(0.0), f32(0.0))),
]


@points(3)
@settings(max_examples=2)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_hidden_welford_merge_batch(sub, seed):
    """welford_merge on 150 pairs of states per example and on extreme counts (1 with 10**9, 2**24 + 1...)."""
    cases = EXTREME + merge_batch(seed, 150)
    answers = sub.many("welford_merge", cases)
    for (a, b), got in zip(cases, answers):
        check_merge(a, b, got)


def _norm(sub, kind, case):
    kwargs = {}
    if case.weight is not None:
        kwargs["weight"] = case.weight
    if kind == "layer_norm" and case.bias is not None:
        kwargs["bias"] = case.bias
    if case.eps is not None:
        kwargs["eps"] = case.eps
    got = getattr(sub, kind)(case.x, **kwargs)
    exp = NormExpected(kind, case.x, case.weight, case.bias if kind == "layer_norm" else None,
                       case.eps)
    check_norm(f"{kind}(x) with x of shape {list(case.x.shape)} and dtype {case.dtype}", got, exp,
               label=f"{kind}: hidden")


@points(4)
@settings(max_examples=5)
@given(case=norm_cases(min_n=1024, max_n=4096, max_rows=3))
@example(case=NormCase((2, 4096), "float32", "offset", 1, 0, 1, True, True, None))
@example(case=NormCase((2, 4096), "bfloat16", "tiny_var", 2, 0, 0, True, True, None))
@example(case=NormCase((3, 4096), "float16", "constant_rows", 3, 0, 0, False, True, None))
@example(case=NormCase((2, 1024), "float32", "offset", 4, 0, 3, False, False, None))
@example(case=explicit_norm([[777.7] * 1024]))      # mean(x*x) - mean(x)**2 < 0 here
@example(case=NormCase((2, 4096), "float32", "gauss", 0, -10, 0, True, True, None))
def test_hidden_layer_norm_long_rows(sub, case):
    """layer_norm on rows of 1024 to 4096 elements, every dtype."""
    _norm(sub, "layer_norm", case)


@points(2)
@settings(max_examples=6)
@given(case=norm_cases(dtypes=("float32", "bfloat16"), kinds=("large_mean",), min_n=4, max_n=48,
                       min_log2_scale=0))
@example(case=NormCase((3, 32), "float32", "large_mean", 5, 2, 0, True, True, None))
@example(case=NormCase((2, 16), "bfloat16", "large_mean", 6, 0, 0, False, True, None))
def test_hidden_layer_norm_large_mean(sub, case):
    """layer_norm on rows whose |mean| is about 1e4 times their standard deviation."""
    _norm(sub, "layer_norm", case)


@points(3)
@settings(max_examples=5)
@given(case=norm_cases(min_n=1024, max_n=4096, max_rows=3, bias=False))
@example(case=NormCase((2, 4096), "float32", "offset", 1, 0, 1, True, False, None))
@example(case=NormCase((2, 4096), "bfloat16", "gauss", 2, 4, 0, True, False, 1e-6))
@example(case=NormCase((2, 2048), "float32", "gauss", 5, -10, 0, False, False, None))
@example(case=NormCase((2, 1024), "float16", "offset", 7, 6, 1, True, False, None))
def test_hidden_rms_norm_long_rows(sub, case):
    """rms_norm on rows of 1024 to 4096 elements, every dtype."""
    _norm(sub, "rms_norm", case)


@points(2)
@settings(max_examples=6)
@given(case=norm_cases(dtypes=("float16",), kinds=("offset", "gauss", "outlier", "uniform"),
                       bias=False, min_log2_scale=4))
@example(case=NormCase((4, 256), "float16", "uniform", 6, 6, 2, True, False, None))
@example(case=NormCase((2, 16), "float16", "gauss", 1, -8, 0, False, False, None))
def test_hidden_rms_norm_float16_range(sub, case):
    """rms_norm on float16 rows over float16's range: tiny values, and values up to 60000 (whose squares overflow float16)."""
    _norm(sub, "rms_norm", case)
