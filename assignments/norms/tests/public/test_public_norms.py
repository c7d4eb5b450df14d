"""Public tests of norms: the three variances against their proven error bounds (exact rational
arithmetic), the naive formula's failure, Welford's update and Chan's merge against the exact
formulas, LayerNorm and RMSNorm against their formulas evaluated in float64, and the hand part.

Each test calls exactly one of your functions (the hand-part test reads only your constants), so
a bug costs only the points of that function. Bounds and tolerances are in norms_oracle.py, with
their derivation in the statement.
"""

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from norms_oracle import (
    NormExpected,
    Stats,
    check_merge,
    check_norm,
    check_update,
    check_variance,
    require_float32,
    show_array,
)
from norms_strategies import (
    CONSTANT,
    CONSTANT_INTS,
    EASY,
    LARGE_MEAN,
    MEAN_1E4_STD_1EM2,
    OFFSET_1E3,
    ONE,
    ArrayCase,
    NormCase,
    array_cases,
    explicit,
    explicit_norm,
    large_mean_cases,
    merge_cases,
    norm_cases,
    update_cases,
)

from autograder.testing import points

f32 = np.float32


def _kind(e: BaseException) -> str:
    return next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")


def check_rejects(call, cases):
    """Each (args, kwargs, exception class, what) must raise exactly that exception class."""
    for args, kwargs, exc, what in cases:
        try:
            got = call(*args, **kwargs)
        except exc:
            continue
        except Exception as e:  # noqa: BLE001 - the student's function raised another class
            pytest.fail(f"{what}: raised {_kind(e)} ({e}); it must raise {exc.__name__}")
        pytest.fail(f"{what}: returned {got!r}; it must raise {exc.__name__}")


def variance_bad_inputs(name):
    return [
        ((np.array([], dtype=np.float32),), {}, ValueError, f"{name} of an empty float32 array"),
        ((np.array([1.0, 2.0], dtype=np.float64),), {}, TypeError, f"{name} of a float64 array"),
        ((np.array([], dtype=np.float64),), {}, TypeError, f"{name} of an empty float64 array"),
        ((np.array([1.0, 2.0], dtype=np.float16),), {}, TypeError, f"{name} of a float16 array"),
        ((np.array([1, 2], dtype=np.int32),), {}, TypeError, f"{name} of an int32 array"),
        ((np.ones((2, 3), dtype=np.float32),), {}, TypeError, f"{name} of a 2-D float32 array"),
        (([1.0, 2.0],), {}, TypeError, f"{name} of a list"),
    ]


# ----------------------------------------------------------------------------- naive_variance

@points(2)
@given(case=array_cases(max_len=64))
@example(case=EASY)
@example(case=ONE)
@example(case=CONSTANT_INTS)
@example(case=explicit([-3.0, 5.0]))
@example(case=explicit([0.5, 0.25, 0.125, 4.0, -2.0]))
def test_naive_variance_error_bound(sub, case):
    """naive_variance returns a numpy.float32 within 4(n+2)·u·mean(x²) of the exact variance."""
    check_variance("naive_variance", case.x, sub.naive_variance(case.x))


@points(2)
@given(case=large_mean_cases())
@example(case=MEAN_1E4_STD_1EM2)
@example(case=LARGE_MEAN)
@example(case=explicit([10000.0, 10000.01]))
def test_naive_variance_fails_for_large_mean(sub, case):
    """On |mean| in [9000, 16000] with variance below 0.05, the float32 formula gives 0 or a multiple of 8: off by at least the variance."""
    got = require_float32("naive_variance(x)", sub.naive_variance(case.x))
    s = Stats(case.x)
    if got % 8 != 0:
        raise AssertionError(
            f"naive_variance(x) = {float(got)!r} for x = {show_array(case.x)} (n = {s.n}, mean "
            f"{float(s.mean):.7g}, exact variance {float(s.v):.6g}) is not 0 or a multiple of 8, "
            f"so it was not computed in float32: mean(x*x) and mean(x)*mean(x) both lie in "
            f"[2**26, 2**28), where float32 numbers are 8 or 16 apart, so their float32 "
            f"difference is 0 or a multiple of 8, off by at least the variance itself. Compute "
            f"every operation of the naive formula in float32 arithmetic only: no float64 (no "
            f"Python float, no .item()), no two-pass")


@points(1)
def test_naive_variance_rejects_bad_input(sub):
    """naive_variance raises ValueError for an empty array and TypeError for anything but a 1-D float32 ndarray."""
    check_rejects(sub.naive_variance, variance_bad_inputs("naive_variance"))


# -------------------------------------------------------------------------- two_pass_variance

@points(3)
@given(case=array_cases(max_len=64))
@example(case=EASY)
@example(case=ONE)
@example(case=CONSTANT)
@example(case=CONSTANT_INTS)
@example(case=OFFSET_1E3)
@example(case=MEAN_1E4_STD_1EM2)
@example(case=LARGE_MEAN)
def test_two_pass_variance_error_bound(sub, case):
    """two_pass_variance is non-negative and within (n+8)·u·v + 2(n·u·M)² of the exact variance v."""
    check_variance("two_pass_variance", case.x, sub.two_pass_variance(case.x))


@points(1)
def test_two_pass_variance_rejects_bad_input(sub):
    """two_pass_variance raises ValueError for an empty array and TypeError for anything but a 1-D float32 ndarray."""
    check_rejects(sub.two_pass_variance, variance_bad_inputs("two_pass_variance"))


# ----------------------------------------------------------------------------- welford_update

EMPTY = (0, f32(0.0), f32(0.0))


@points(3)
@given(case=update_cases())
@example(case=(EMPTY, f32(3.5)))
@example(case=((1, f32(3.5), f32(0.0)), f32(1.5)))
@example(case=((2, f32(2.5), f32(0.5)), f32(-4.0)))
@example(case=((5, f32(10000.0), f32(0.0004)), f32(10000.01)))
@example(case=((10 ** 6, f32(1.0), f32(5e5)), f32(2.0)))
@example(case=((3, f32(-7.25), f32(12.0)), f32(-7.25)))
def test_welford_update(sub, case):
    """welford_update returns (count + 1, mean + delta/count', M2 + delta·(x - mean')) within the stated tolerances."""
    state, x = case
    check_update(state, x, sub.welford_update(state, x))


# ------------------------------------------------------------------------------ welford_merge

@points(3)
@given(case=merge_cases())
@example(case=((1, f32(10000.0), f32(0.0)), (10 ** 6, f32(10000.5), f32(2.5e5))))
@example(case=((10 ** 6, f32(-3.0), f32(1e6)), (1, f32(5.0), f32(0.0))))
@example(case=((3, f32(2.0), f32(8.0)), (5, f32(5.0), f32(12.0))))
@example(case=(EMPTY, (4, f32(1.5), f32(3.0))))
@example(case=((4, f32(1.5), f32(3.0)), EMPTY))
@example(case=(EMPTY, EMPTY))
@example(case=((7, f32(0.25), f32(1.0)), (9, f32(0.25), f32(2.0))))
def test_welford_merge(sub, case):
    """welford_merge returns (na + nb, mean_a + delta·nb/n, M2_a + M2_b + delta²·na·nb/n) within the stated tolerances; two empty states give (0, 0.0, 0.0)."""
    a, b = case
    check_merge(a, b, sub.welford_merge(a, b))


# --------------------------------------------------------------------------- welford_variance

@points(2)
@given(case=array_cases(max_len=64))
@example(case=EASY)
@example(case=ONE)
@example(case=OFFSET_1E3)
@example(case=MEAN_1E4_STD_1EM2)
@example(case=LARGE_MEAN)
@example(case=ArrayCase(64, "drift", 5, 0, 3))
def test_welford_variance_error_bound(sub, case):
    """welford_variance is non-negative and within (n+8)·u·v + 3·E·σ + 2E², E = (n+16)·u·M/2, of the exact variance."""
    check_variance("welford_variance", case.x, sub.welford_variance(case.x))


@points(1)
@given(value=st.floats(-1e6, 1e6, width=32).filter(lambda v: v == 0 or abs(v) >= 2.0 ** -32),
       n=st.integers(1, 300))
@example(value=0.1, n=37)
@example(value=10000.01, n=300)
@example(value=-3.0, n=1)
def test_welford_variance_constant_is_exactly_zero(sub, value, n):
    """welford_variance of a constant array is exactly 0 (delta is 0 at every step)."""
    x = np.full(n, value, dtype=np.float32)
    got = require_float32("welford_variance(x)", sub.welford_variance(x))
    assert got == 0, (f"welford_variance of {n} copies of {float(x[0])!r} returned {float(got)!r}; "
                      f"Welford's update keeps mean == x and M2 == 0 exactly on a constant array")


@points(1)
def test_welford_variance_rejects_bad_input(sub):
    """welford_variance raises ValueError for an empty array and TypeError for anything but a 1-D float32 ndarray."""
    check_rejects(sub.welford_variance, variance_bad_inputs("welford_variance"))


# -------------------------------------------------------------------------- layer_norm / rms_norm

def call_norm(sub, kind, case: NormCase):
    """Call with x positional and weight/bias/eps by keyword, leaving out what is None."""
    kwargs = {}
    if case.weight is not None:
        kwargs["weight"] = case.weight
    if kind == "layer_norm" and case.bias is not None:
        kwargs["bias"] = case.bias
    if case.eps is not None:
        kwargs["eps"] = case.eps
    shown = ", ".join(["x"] + [f"{k}={'...' if k != 'eps' else v}" for k, v in kwargs.items()])
    got = getattr(sub, kind)(case.x, **kwargs)
    exp = NormExpected(kind, case.x, case.weight, case.bias if kind == "layer_norm" else None,
                       case.eps)
    check_norm(f"{kind}({shown}) with x of shape {list(case.x.shape)} and dtype {case.dtype}",
               got, exp, label=f"{kind} ({case.dtype}): |y - y*| vs tolerance")


_g = np.random.default_rng(12)
# variance 1e-6, eps 1e-5: sqrt(var + eps) and sqrt(var) + eps differ by a factor 3
LN_TINY_VAR = explicit_norm((1.0 + 1e-3 * _g.standard_normal((2, 16))).tolist())
# |mean| / std = 1e4: mean(x*x) - mean(x)**2 in float32 is a multiple of 8, the variance is 1
LN_LARGE_MEAN = explicit_norm((10000.0 + _g.standard_normal((2, 8))).tolist())
# a short row with weight and bias: divide by n, not n - 1
LN_SHORT = explicit_norm([[1.0, 2.0, 4.0], [-1.0, 0.5, 3.0]], weight=[1.0, -2.0, 0.5],
                         bias=[0.25, 0.0, -1.0], eps=1e-3)
LN_OFFSET = NormCase((3, 64), "float32", "offset", 9, 0, 2, True, True, None)


@points(2)
@given(case=norm_cases(dtypes=("float32",)))
@example(case=LN_TINY_VAR)
@example(case=LN_LARGE_MEAN)
@example(case=LN_SHORT)
@example(case=LN_OFFSET)
def test_layer_norm_float32(sub, case):
    """layer_norm on float32: every element within the stated tolerance of the float64 result."""
    call_norm(sub, "layer_norm", case)


@points(2)
@given(case=norm_cases(dtypes=("float16", "bfloat16")))
@example(case=NormCase((2, 32), "float16", "offset", 4, 5, 2, True, True, None))
@example(case=NormCase((2, 32), "bfloat16", "offset", 4, 0, 2, True, True, None))
@example(case=NormCase((4, 48), "float16", "tiny_var", 6, 0, 0, False, False, None))
@example(case=explicit_norm([[1.0, 2.0, 4.0]], dtype="bfloat16", weight=[1.0, -2.0, 0.5],
                            bias=[0.25, 0.0, -1.0], eps=1e-3))
def test_layer_norm_half_precision(sub, case):
    """layer_norm on float16 and bfloat16: float32 statistics, output in x's dtype within 1 ulp plus the float32 error."""
    call_norm(sub, "layer_norm", case)


@points(1)
@given(case=norm_cases(kinds=("constant",), max_n=64))
@example(case=explicit_norm([[3.0] * 8, [-0.5] * 8], bias=[0.5 * i for i in range(8)],
                            weight=[1.0] * 8))
@example(case=explicit_norm([[2.5], [-7.0], [0.0]], bias=[1.5], weight=[2.0]))
@example(case=explicit_norm([[4.0] * 5], dtype="float16"))
@example(case=explicit_norm([[1000.1] * 5]))          # mean(x*x) - mean(x)**2 is -0.0625 here
@example(case=explicit_norm([[0.1] * 7], weight=[1.0] * 7))   # a float32 mean may be 1 ulp off
def test_layer_norm_constant_rows(sub, case):
    """layer_norm of constant rows (variance 0), one-element rows included, is finite: the bias (0 without one), within the tolerance."""
    call_norm(sub, "layer_norm", case)


def norm_bad_inputs(kind):
    x = torch.randn(3, 4)
    cases = [
        ((x.to(torch.float64),), {}, TypeError, f"{kind} of a float64 tensor"),
        ((torch.ones(3, 4, dtype=torch.int32),), {}, TypeError, f"{kind} of an int32 tensor"),
        ((x.numpy(),), {}, TypeError, f"{kind} of a numpy array"),
        ((torch.tensor(1.5),), {}, ValueError, f"{kind} of a 0-d tensor"),
        ((torch.ones(3, 0),), {}, ValueError, f"{kind} of a tensor of shape (3, 0)"),
        ((torch.ones(0, 4),), {}, ValueError, f"{kind} of a tensor of shape (0, 4)"),
        ((x,), {"weight": torch.ones(5)}, ValueError,
         f"{kind} of x of shape (3, 4) with weight of shape (5,)"),
        ((x,), {"weight": torch.ones(3)}, ValueError,
         f"{kind} of x of shape (3, 4) with weight of shape (3,)"),
    ]
    if kind == "layer_norm":
        cases.append(((x,), {"bias": torch.ones(1, 4)}, ValueError,
                      f"{kind} of x of shape (3, 4) with bias of shape (1, 4)"))
    return cases


@points(1)
def test_layer_norm_rejects_bad_input(sub):
    """layer_norm raises TypeError for a non-tensor or another dtype, ValueError for an empty or 0-d x or a weight/bias not of shape (d,)."""
    check_rejects(sub.layer_norm, norm_bad_inputs("layer_norm"))


RMS_FP16_LARGE = NormCase((2, 32), "float16", "offset", 8, 8, 1, False, False, None)  # x² > 65504
RMS_TINY = explicit_norm((1e-3 * _g.standard_normal((2, 16))).tolist())
RMS_SHORT = explicit_norm([[1.0, 2.0, 4.0], [-1.0, 0.5, 3.0]], weight=[1.0, -2.0, 0.5], eps=1e-3)


@points(2)
@given(case=norm_cases(dtypes=("float32",), bias=False))
@example(case=RMS_TINY)
@example(case=RMS_SHORT)
@example(case=LN_OFFSET)
def test_rms_norm_float32(sub, case):
    """rms_norm on float32: every element within (d/2 + 10)·u·|y*| (plus 1 ulp) of the float64 result."""
    call_norm(sub, "rms_norm", case)


@points(2)
@given(case=norm_cases(dtypes=("float16", "bfloat16"), bias=False))
@example(case=RMS_FP16_LARGE)
@example(case=explicit_norm([[300.0, -500.0, 1000.0, 2.0]], dtype="float16", weight=[1.0] * 4))
@example(case=NormCase((2, 24), "bfloat16", "gauss", 3, -10, 0, False, False, None))
@example(case=NormCase((3, 40), "bfloat16", "gauss", 2, 3, 0, True, False, None))
def test_rms_norm_half_precision(sub, case):
    """rms_norm on float16 and bfloat16: float32 statistics (x² overflows float16 above 256), output in x's dtype."""
    call_norm(sub, "rms_norm", case)


@points(1)
def test_rms_norm_rejects_bad_input(sub):
    """rms_norm raises TypeError for a non-tensor or another dtype, ValueError for an empty or 0-d x or a weight not of shape (d,)."""
    check_rejects(sub.rms_norm, norm_bad_inputs("rms_norm"))


# --------------------------------------------------------------------------------- hand part

HAND = ("HAND_COUNT", "HAND_MEAN", "HAND_M2", "HAND_VARIANCE")


def hand_answer(v):
    """(count, mean, M2, variance) of merging your two states, exactly."""
    na, nb = v["na"], v["nb"]
    n = na + nb
    delta = v["mean_b"] - v["mean_a"]
    m2 = v["m2_a"] + v["m2_b"] + delta * delta * na * nb / n
    return n, float(v["mean_a"] + delta * nb / n), float(m2), float(m2 / n)


@points(2)
def test_hand_merge(sub, variant, answer_digest):
    """HAND_COUNT, HAND_MEAN, HAND_M2 and HAND_VARIANCE are the merge of your two states (checked together, by digest)."""
    answer = []
    for name in HAND:
        value = getattr(sub, name)
        if name == "HAND_COUNT":
            assert type(value) is int, f"{name} must be an int, got {type(value).__name__} {value!r}"
        else:
            assert type(value) in (int, float), (
                f"{name} must be a float (or an int), got {type(value).__name__} {value!r}")
        answer.append(value if name == "HAND_COUNT" else float(value))
    got = answer_digest(tuple(answer))
    want = answer_digest(hand_answer(variant))
    assert got == want, (
        "HAND_COUNT, HAND_MEAN, HAND_M2 and HAND_VARIANCE have the right types but are not, "
        "together, the merge of your two states: redo it on paper with Chan's formula (the "
        "statement's worked example shows each step; the variance is M2 / n). When you submit, "
        "the states are the ones your own statement names; a local `ulp check` uses the class's "
        "default states.")
