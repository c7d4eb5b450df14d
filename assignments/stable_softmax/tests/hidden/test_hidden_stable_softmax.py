"""Hidden tests of stable_softmax: other axes (negative ones and axis 0 of 3-D arrays),
single-element slices, and subnormal probabilities. One function per test, like the public ones.
"""

import sys
from pathlib import Path

import numpy as np
from hypothesis import example, given, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "public"))

from autograder.testing import hidden, points  # noqa: E402
from softmax_oracle import check_log_softmax, check_logsumexp, check_softmax  # noqa: E402
from softmax_strategies import ALL, WIDTH, axis_logits, underflow_logits  # noqa: E402

f16, f32, f64 = np.float16, np.float32, np.float64


def a(values, dtype):
    return np.array(values, dtype=dtype)


# one column per classic bug: no max shift (exp(12) overflows float16), log(softmax) and a
# global max (exp(-30) underflows), z - logsumexp(z) (1000 + log 2 rounds to 1000.5)
Z16 = np.array([[12.0, 0.0, 1000.0], [0.0, -30.0, 1000.0], [1.0, -31.0, 3.0]], dtype=np.float16)
Z3 = np.arange(24, dtype=np.float32).reshape(2, 3, 4) % 5 - 2.0      # distinct dims, not symmetric


@st.composite
def single_slices(draw):
    """(z, axis) where the slice along axis has one element: the answer is 1, 0 and z itself."""
    dtype = draw(st.sampled_from(ALL))
    ndim = draw(st.integers(1, 3))
    axis = draw(st.integers(-ndim, ndim - 1))
    shape = [draw(st.integers(1, 4)) for _ in range(ndim)]
    shape[axis] = 1
    el = st.floats(width=WIDTH[dtype], allow_nan=False, allow_infinity=False)
    flat = draw(st.lists(el, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return np.array(flat, dtype=dtype).reshape(shape), axis


# ------------------------------------------------------------------------------------ softmax

@hidden
@points(2)
@given(case=axis_logits())
@example(case=(Z3, 0))
@example(case=(Z3, -2))
@example(case=(a([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]], f64), 0))
@example(case=(Z16, 0))
def test_softmax_other_axes(sub, case):
    """softmax along any axis of a 2-D or 3-D array, negative axes and axis=0 included."""
    z, axis = case
    check_softmax(z, axis, sub.softmax(z, axis=axis))


@hidden
@points(1)
@given(case=single_slices())
@example(case=(a([3.0], f32), -1))
@example(case=(a([[65504.0, -65504.0]], f16), 0))
def test_softmax_single_element(sub, case):
    """softmax of a one-element slice is 1, whatever the value."""
    z, axis = case
    check_softmax(z, axis, sub.softmax(z, axis=axis))


@hidden
@points(1)
@given(z=underflow_logits())
@example(z=a([0.0, -100.0, -103.0], f32))
@example(z=a([0.0, -10.0, -16.0], f16))
@example(z=a([0.0, -740.0], f64))
def test_softmax_tiny_probabilities(sub, z):
    """softmax where exp(z - m) is subnormal or underflows: tiny probabilities stay accurate."""
    check_softmax(z, -1, sub.softmax(z, axis=-1))


# -------------------------------------------------------------------------------- log_softmax

@hidden
@points(2)
@given(case=axis_logits(far=True))
@example(case=(Z3, 0))
@example(case=(Z3, -2))
@example(case=(a([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]], f64), 0))
@example(case=(Z16, 0))
def test_log_softmax_other_axes(sub, case):
    """log_softmax along any axis of a 2-D or 3-D array, negative axes and axis=0 included."""
    z, axis = case
    check_log_softmax(z, axis, sub.log_softmax(z, axis=axis))


@hidden
@points(1)
@given(case=single_slices())
@example(case=(a([3.0], f32), -1))
@example(case=(a([[65504.0, -65504.0]], f16), 0))
def test_log_softmax_single_element(sub, case):
    """log_softmax of a one-element slice is 0, whatever the value."""
    z, axis = case
    check_log_softmax(z, axis, sub.log_softmax(z, axis=axis))


# ---------------------------------------------------------------------------------- logsumexp

@hidden
@points(2)
@given(case=axis_logits())
@example(case=(Z3, 0))
@example(case=(Z3, -2))
@example(case=(a([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]], f64), 0))
@example(case=(Z16, 0))
def test_logsumexp_other_axes(sub, case):
    """logsumexp along any axis of a 2-D or 3-D array (that axis reduced away), negative axes included."""
    z, axis = case
    check_logsumexp(z, axis, sub.logsumexp(z, axis=axis))


@hidden
@points(1)
@given(case=single_slices())
@example(case=(a([3.0], f32), -1))
@example(case=(a([[65504.0, -65504.0]], f16), 0))
def test_logsumexp_single_element(sub, case):
    """logsumexp of a one-element slice is that element."""
    z, axis = case
    check_logsumexp(z, axis, sub.logsumexp(z, axis=axis))
