"""Hypothesis strategies for stable_softmax: logit arrays biased towards the hard cases.

Small arrays draw every element through hypothesis (so a failure shrinks element by element to
a minimal input); larger ones draw a shape, a scale, an offset and a seed, and fill the array
from NumPy's generator (fast, and the seed shrinks to 0). Either way the values are cast to the
dtype and kept within its finite range: +inf is never generated (the contract does not grade it).
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import strategies as st

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
ALL = (F16, F32, F64)
WIDTH = {F16: 16, F32: 32, F64: 64}
# Longest slice along the reduced axis, and most elements in all: float16 slices stay short so
# that the summation term C·n·u of the tolerance stays small (n·u <= 1/32); float64 inputs are
# checked against mpmath, so they stay small to keep grading fast.
MAX_SLICE = {F16: 64, F32: 200, F64: 24}
MAX_TOTAL = {F16: 400, F32: 400, F64: 48}
SMALL = 12      # arrays up to this many elements draw each element through hypothesis

MODERATE_SPREADS = (0.0, 1.0, 3.0, 10.0, 30.0)
MODERATE_OFFSETS = (0.0, 1.0, -5.0, 20.0, -50.0)
# For log_softmax's tests (far=True): logits around ±1000, where z - logsumexp(z) subtracts two
# nearly equal numbers, and a spread of 1000, where exp(z - max) underflows in every dtype.
FAR_OFFSETS = (1000.0, -1000.0)
FAR_SPREADS = (1000.0,)


def fmax(dtype) -> float:
    return float(np.finfo(dtype).max)


def large_spreads(dtype):
    """Spreads of the logits in one slice, from tiny to the whole range of the dtype."""
    return (0.0, 1.0, 100.0, 1e4, 6e4) if dtype == F16 else (0.0, 1.0, 1e2, 1e4, 1e20, fmax(dtype))


def large_offsets(dtype):
    return ((1e4, -1e4, 3e4, 6e4, -6e4, 65504.0) if dtype == F16 else
            (1e4, -1e4, 1e20, -1e20, 1e30, fmax(dtype), -fmax(dtype)))


@st.composite
def shapes(draw, dtype, max_ndim=3, min_ndim=1, slice_axis=-1):
    """A shape with 1..max_ndim dims; the slice axis gets up to MAX_SLICE[dtype] entries."""
    ndim = draw(st.integers(min_ndim, max_ndim))
    axis = slice_axis % ndim
    budget = MAX_TOTAL[dtype]
    n = draw(st.integers(1, MAX_SLICE[dtype]))
    dims = []
    for k in range(ndim):
        if k == axis:
            dims.append(n)
        else:
            dims.append(draw(st.integers(1, max(1, min(5, budget // (n * 5 ** max(0, ndim - 2)))))))
    return tuple(dims)


def _clip_cast(values: np.ndarray, dtype) -> np.ndarray:
    big = fmax(dtype)
    return np.clip(values, -big, big).astype(dtype)


@functools.lru_cache(maxsize=None)
def _elements(dtype, lo, hi, offset, grid, size):
    """``size`` floats in [lo, hi], built once per distinct argument: hypothesis validates each
    new strategy object, which cost more than drawing from it when built anew per example."""
    el = st.floats(lo, hi, width=WIDTH[dtype], allow_nan=False, allow_infinity=False)
    if grid:       # exact ties and small integers mixed in
        el = st.one_of(el, st.sampled_from([lo, hi, offset]))
    return st.lists(el, min_size=size, max_size=size)


@st.composite
def values(draw, dtype, shape, spreads, offsets, grid=True):
    """Finite logits of the given dtype and shape: offset + spread·(something in [-1, 1])."""
    size = int(np.prod(shape))
    spread = draw(st.sampled_from(spreads))
    offset = draw(st.sampled_from(offsets))
    big = fmax(dtype)
    if size <= SMALL:
        lo, hi = max(-big, offset - spread), min(big, offset + spread)
        lo = float(np.asarray(lo).astype(dtype))
        hi = float(np.asarray(hi).astype(dtype))
        if lo > hi:
            lo, hi = hi, lo
        flat = draw(_elements(dtype, lo, hi, float(np.asarray(offset).astype(dtype)), grid, size))
        return _clip_cast(np.array(flat, dtype=np.float64).reshape(shape), dtype)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["uniform", "normal", "ties"]))
    if kind == "uniform":
        base = rng.uniform(-1, 1, size)
    elif kind == "normal":
        base = np.clip(rng.standard_normal(size) / 3, -1, 1)
    else:
        base = rng.integers(-3, 4, size) / 3
    return _clip_cast((offset + spread * base).reshape(shape), dtype)


def with_specials(draw, z, mask_rate, nan_rate, allow_all_masked=True, axis=-1):
    """Put -inf (masked) and NaN entries into z, sometimes masking whole slices along axis.

    With allow_all_masked=False every slice keeps at least one finite entry.
    """
    z = z.copy()
    original = z.copy()
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if mask_rate:
        rate = draw(st.sampled_from([0.0, 0.3, mask_rate, 1.0] if allow_all_masked else [0.3, mask_rate]))
        z[rng.random(z.shape) < rate] = -np.inf
        if allow_all_masked and z.ndim >= 2 and draw(st.booleans()):
            zl = np.moveaxis(z, axis, -1)
            zl[tuple(rng.integers(0, s) for s in zl.shape[:-1])] = -np.inf   # one whole slice
        if not allow_all_masked:
            zl, ol = np.moveaxis(z, axis, -1), np.moveaxis(original, axis, -1)
            dead = np.all(np.isneginf(zl), axis=-1)
            zl[dead, 0] = ol[dead, 0]                                       # views: writes z
    if nan_rate:
        rate = draw(st.sampled_from([0.0, nan_rate]))
        z[rng.random(z.shape) < rate] = np.nan
    return z


@st.composite
def moderate_logits(draw, dtypes=ALL, max_ndim=3, far=False):
    """Logits of moderate size (|z| <= 80) along the last axis: the everyday case (with
    ``far``, offsets of ±1000 too)."""
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(shapes(dtype, max_ndim))
    return draw(values(dtype, shape, MODERATE_SPREADS, _offsets(far)))


def _offsets(far):
    return MODERATE_OFFSETS + FAR_OFFSETS if far else MODERATE_OFFSETS


def _spreads(far):
    return MODERATE_SPREADS + FAR_SPREADS if far else MODERATE_SPREADS


@st.composite
def large_logits(draw, dtypes=ALL, max_ndim=2):
    """Logits far from 0 and/or far apart: ±1e4 up to the dtype's largest finite value."""
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(shapes(dtype, max_ndim))
    return draw(values(dtype, shape, large_spreads(dtype), large_offsets(dtype) + (0.0,)))


@st.composite
def masked_logits(draw, dtypes=ALL, nan=True, far=False):
    """2-D logits (slices along the last axis) with -inf masks, all-masked slices and NaN."""
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(shapes(dtype, max_ndim=2, min_ndim=2))
    z = draw(values(dtype, shape, MODERATE_SPREADS + (1e4,), _offsets(far)))
    return with_specials(draw, z, 0.6, 0.2 if nan else 0.0)


@st.composite
def underflow_logits(draw, dtypes=ALL):
    """A slice whose max is 0-ish and whose other entries lie so far below that exp(z - m)
    is subnormal or underflows to 0 in the dtype, while log_softmax stays representable."""
    dtype = draw(st.sampled_from(dtypes))
    n = draw(st.integers(2, 12))
    # exp underflows to 0 below about -17.3 (float16), -103.9 (float32), -744.4 (float64)
    lo_sub = {F16: -9.0, F32: -87.0, F64: -708.0}[dtype]
    top = {F16: -30.0, F32: -200.0, F64: -1500.0}[dtype]
    below = st.floats(top, lo_sub, width=WIDTH[dtype])
    m = draw(st.sampled_from([0.0, 1.0, -3.0, 100.0]))
    rest = draw(st.lists(below, min_size=n - 1, max_size=n - 1))
    order = draw(st.permutations(range(n)))
    row = np.array([m] + [m + r for r in rest], dtype=np.float64)[list(order)]
    return _clip_cast(row, dtype)


@st.composite
def axis_logits(draw, dtypes=ALL, far=False):
    """(z, axis): a 2-D or 3-D array and any axis, negative ones included."""
    dtype = draw(st.sampled_from(dtypes))
    ndim = draw(st.integers(2, 3))
    axis = draw(st.integers(-ndim, ndim - 1))
    shape = draw(shapes(dtype, max_ndim=ndim, min_ndim=ndim, slice_axis=axis))
    z = draw(values(dtype, shape, _spreads(far), _offsets(far)))
    if draw(st.booleans()):
        z = with_specials(draw, z, 0.3, 0.0, allow_all_masked=False, axis=axis)
    return z, axis
