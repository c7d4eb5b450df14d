"""Public tests of stable_softmax: accuracy, huge logits, masks and NaN, underflow.

Every test calls ONE of the three functions, so a bug in one function costs only that
function's points. Values are judged against an exact oracle (softmax_oracle.py) with the
tolerances stated in the assignment: K·u·(1 + |z_i - m|) + C·n·u, K = 32, C = 2.
"""

import numpy as np
from hypothesis import example, given

from autograder.testing import points
from softmax_oracle import check_log_softmax, check_logsumexp, check_softmax
from softmax_strategies import large_logits, masked_logits, moderate_logits, underflow_logits

f16, f32, f64 = np.float16, np.float32, np.float64
NAN, INF = np.nan, np.inf


def a(values, dtype):
    return np.array(values, dtype=dtype)


# ------------------------------------------------------------------------------------ softmax

@points(3)
@given(z=moderate_logits())
@example(z=a([1.0, 2.0, 3.0], f32))
@example(z=a([[0.0, 0.0], [1.0, -1.0]], f16))
@example(z=a([0.0, -20.0, 5.0], f64))
@example(z=a([12.0, 0.0], f16))
@example(z=a([0.0, -20.0], f16))
@example(z=a([1000.0, 1000.0], f16))
@example(z=a([[0.0, 1.0], [-30.0, -31.0]], f16))
def test_softmax_accuracy(sub, z):
    """softmax(z) along the last axis (the default) matches the exact result, with z's dtype and shape."""
    check_softmax(z, -1, sub.softmax(z))


@points(2)
@given(z=large_logits())
@example(z=a([[1e4, 1e4], [-1e4, -1e4]], f32))
@example(z=a([1e4, 0.0], f32))
@example(z=a([1e4, 1e4], f32))
@example(z=a([1e20, 1e20], f32))
@example(z=a([65504.0, 65504.0], f16))
@example(z=a([-65504.0, 65504.0, 6e4], f16))
@example(z=a([1e308, -1e308, 1e308], f64))
def test_softmax_large_logits(sub, z):
    """softmax stays finite and accurate for logits of ±1e4 up to the largest finite value."""
    check_softmax(z, -1, sub.softmax(z, axis=-1))


@points(2)
@given(z=masked_logits())
@example(z=a([[0.0, -INF, 1.0], [-INF, -INF, -INF]], f32))
@example(z=a([[NAN, 1.0, 2.0], [1.0, 2.0, 3.0]], f32))
@example(z=a([[1.0, NAN], [-INF, -INF]], f16))
@example(z=a([[-INF, 2.0], [3.0, -INF]], f64))
@example(z=a([[1e4, 1e4, -INF], [-INF, 0.0, -1e4]], f32))
def test_softmax_masked_and_nan(sub, z):
    """softmax: -inf entries get 0, an all -inf slice gives NaN, NaN in a slice makes that slice NaN."""
    check_softmax(z, -1, sub.softmax(z, axis=-1))


# -------------------------------------------------------------------------------- log_softmax

@points(3)
@given(z=moderate_logits(far=True))
@example(z=a([1.0, 2.0, 3.0], f32))
@example(z=a([[0.0, 0.0], [1.0, -1.0]], f16))
@example(z=a([0.0, -20.0, 5.0], f64))
@example(z=a([12.0, 0.0], f16))
@example(z=a([0.0, -20.0], f16))
@example(z=a([1000.0, 1000.0], f16))
@example(z=a([[0.0, 1.0], [-30.0, -31.0]], f16))
def test_log_softmax_accuracy(sub, z):
    """log_softmax(z) along the last axis (the default) matches the exact result, with z's dtype and shape."""
    check_log_softmax(z, -1, sub.log_softmax(z))


@points(2)
@given(z=large_logits())
@example(z=a([[1e4, 1e4], [-1e4, -1e4]], f32))
@example(z=a([1e4, 0.0], f32))
@example(z=a([1e20, 1e20], f32))
@example(z=a([1e20, 1e20], f64))
@example(z=a([1e4, 1e4], f32))
@example(z=a([6e4, 6e4], f16))
@example(z=a([-65504.0, 65504.0], f16))
def test_log_softmax_large_logits(sub, z):
    """log_softmax of huge logits: [1e20, 1e20] gives -0.693 each, not z - logsumexp(z) = 0."""
    check_log_softmax(z, -1, sub.log_softmax(z, axis=-1))


@points(2)
@given(z=underflow_logits())
@example(z=a([0.0, -200.0], f32))
@example(z=a([0.0, -30.0], f16))
@example(z=a([0.0, -1000.0], f64))
def test_log_softmax_underflowing_probability(sub, z):
    """log_softmax stays finite and accurate where the probability underflows (never log(softmax(z)))."""
    check_log_softmax(z, -1, sub.log_softmax(z, axis=-1))


@points(2)
@given(z=masked_logits(far=True))
@example(z=a([[0.0, -INF, 1.0], [-INF, -INF, -INF]], f32))
@example(z=a([[NAN, 1.0, 2.0], [1.0, 2.0, 3.0]], f32))
@example(z=a([[1.0, NAN], [-INF, -INF]], f16))
@example(z=a([[-INF, 2.0], [3.0, -INF]], f64))
@example(z=a([[1e4, 1e4, -INF], [-INF, 0.0, -1e4]], f32))
def test_log_softmax_masked_and_nan(sub, z):
    """log_softmax: -inf entries give -inf, an all -inf slice gives NaN, NaN in a slice makes that slice NaN."""
    check_log_softmax(z, -1, sub.log_softmax(z, axis=-1))


# ---------------------------------------------------------------------------------- logsumexp

@points(3)
@given(z=moderate_logits())
@example(z=a([1.0, 2.0, 3.0], f32))
@example(z=a([[0.0, 0.0], [1.0, -1.0]], f16))
@example(z=a([0.0, -20.0, 5.0], f64))
@example(z=a([12.0, 0.0], f16))
@example(z=a([0.0, -20.0], f16))
@example(z=a([1000.0, 1000.0], f16))
@example(z=a([[0.0, 1.0], [-30.0, -31.0]], f16))
def test_logsumexp_accuracy(sub, z):
    """logsumexp(z) over the last axis (the default) matches the exact result; the axis is reduced away."""
    check_logsumexp(z, -1, sub.logsumexp(z))


@points(2)
@given(z=large_logits())
@example(z=a([[1e4, 1e4], [-1e4, -1e4]], f32))
@example(z=a([1e4, 0.0], f32))
@example(z=a([1e4, 1e4], f32))
@example(z=a([1e20, 1e20], f32))
@example(z=a([65504.0, 65504.0], f16))
@example(z=a([1e308, -1e308, 1e308], f64))
@example(z=a([-1e4, -1e4], f32))
def test_logsumexp_large_logits(sub, z):
    """logsumexp stays finite and accurate for logits of ±1e4 up to the largest finite value."""
    check_logsumexp(z, -1, sub.logsumexp(z, axis=-1))


@points(2)
@given(z=masked_logits())
@example(z=a([[0.0, -INF, 1.0], [-INF, -INF, -INF]], f32))
@example(z=a([[NAN, 1.0, 2.0], [1.0, 2.0, 3.0]], f32))
@example(z=a([[1.0, NAN], [-INF, -INF]], f16))
@example(z=a([[-INF, 2.0], [3.0, -INF]], f64))
@example(z=a([[1e4, 1e4, -INF], [-INF, 0.0, -1e4]], f32))
def test_logsumexp_masked_and_nan(sub, z):
    """logsumexp: -inf entries add nothing, an all -inf slice gives -inf, NaN in a slice gives NaN."""
    check_logsumexp(z, -1, sub.logsumexp(z, axis=-1))
