"""Buggy: finalize_softmax divides by l as torch.softmax would: NaN for a row of only -inf.

Based on a solution of online_softmax: the running (m, l) state of a softmax, and a two-pass
Triton row softmax built on it.

The state of a softmax over a stream of values is a pair per row:

    m   the largest value seen so far (-inf while nothing finite has been seen),
    l   the sum of exp(x - m) over the values seen so far (0 while m is -inf).

Folding in a block, or merging two states, rescales each sum to the common new max:
    m' = max(m_a, m_b),  l' = l_a * exp(m_a - m') + l_b * exp(m_b - m').
When m' is -inf (nothing finite on either side) the subtraction -inf - (-inf) would be NaN, so
the shift used is 0 instead of m': every exp then sees -inf and gives 0, and the state stays
(-inf, 0). The state is vectorised over rows: m and l have shape (rows,).
"""
from __future__ import annotations

import numpy as np
import torch
import triton
import triton.language as tl

_DTYPES = {"float32": np.float32, "float64": np.float64}
MIN_BLOCK, MAX_BLOCK = 16, 16384


# ----------------------------------------------------------------------------- NumPy part

def _state(state, what):
    if not (isinstance(state, tuple) and len(state) == 2):
        raise ValueError(f"{what}: a state is a tuple (m, l)")
    m, l = state
    if not (isinstance(m, np.ndarray) and isinstance(l, np.ndarray)):
        raise ValueError(f"{what}: m and l must be NumPy arrays")
    if m.ndim != 1 or m.shape != l.shape:
        raise ValueError(f"{what}: m and l must be 1-D arrays of one shape")
    if m.dtype != l.dtype or m.dtype not in (np.float32, np.float64):
        raise ValueError(f"{what}: m and l must share the dtype float32 or float64")
    return m, l


def _shift(m_new):
    """The max to subtract: m_new, or 0 where it is -inf (so that -inf - shift is -inf, not NaN)."""
    return np.where(np.isneginf(m_new), m_new.dtype.type(0), m_new)


def init(rows: int, dtype: str = "float32"):
    """The empty state of `rows` rows: (m, l) = (-inf, 0) per row, in float32 or float64."""
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ValueError(f"init: rows must be an int >= 1, got {rows!r}")
    if dtype not in _DTYPES:
        raise ValueError(f"init: dtype must be 'float32' or 'float64', got {dtype!r}")
    dt = _DTYPES[dtype]
    return np.full(rows, -np.inf, dtype=dt), np.zeros(rows, dtype=dt)


def update(state, block):
    """Fold a block of values, shape (rows, k), into the state; returns the new (m, l)."""
    m, l = _state(state, "update")
    if not isinstance(block, np.ndarray) or block.ndim != 2 or block.shape[0] != m.shape[0]:
        raise ValueError(f"update: block must be a 2-D array with {m.shape[0]} rows")
    if block.dtype != m.dtype:
        raise ValueError(f"update: block dtype {block.dtype} differs from the state's {m.dtype}")
    if block.shape[1] == 0:
        return m.copy(), l.copy()
    m_new = np.maximum(m, block.max(axis=1))
    shift = _shift(m_new)
    l_new = l * np.exp(m - shift) + np.exp(block - shift[:, None]).sum(axis=1)
    return m_new, l_new


def merge(a, b):
    """Combine the states of two disjoint parts of the same rows (associative, commutative)."""
    ma, la = _state(a, "merge")
    mb, lb = _state(b, "merge")
    if ma.shape != mb.shape or ma.dtype != mb.dtype:
        raise ValueError("merge: the two states must have the same rows and dtype")
    m_new = np.maximum(ma, mb)
    shift = _shift(m_new)
    return m_new, la * np.exp(ma - shift) + lb * np.exp(mb - shift)


def finalize_lse(state):
    """log(sum(exp(x))) per row: m + log(l); -inf for a row that saw nothing finite."""
    m, l = _state(state, "finalize_lse")
    with np.errstate(divide="ignore"):
        return m + np.log(l)


def finalize_softmax(state, x):
    """exp(x - m) / l per row for the values x (rows, n) the state was built from; a row that saw
    nothing finite gives zeros."""
    m, l = _state(state, "finalize_softmax")
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[0] != m.shape[0]:
        raise ValueError(f"finalize_softmax: x must be a 2-D array with {m.shape[0]} rows")
    if x.dtype != m.dtype:
        raise ValueError(f"finalize_softmax: x dtype {x.dtype} differs from the state's {m.dtype}")
    with np.errstate(invalid="ignore"):
        return np.exp(x - m[:, None]) / l[:, None]


# ----------------------------------------------------------------------------- Triton part

@triton.jit
def _softmax_kernel(X, Y, n_cols, stride_x, stride_y, BLOCK: tl.constexpr):
    """One program per row: pass 1 folds the row's blocks into (m, l), pass 2 writes exp(x-m)/l."""
    row = tl.program_id(0).to(tl.int64)
    x_row = X + row * stride_x
    y_row = Y + row * stride_y
    offs = tl.arange(0, BLOCK)
    m = tl.max(tl.full([BLOCK], float("-inf"), tl.float32), 0)
    l = tl.sum(tl.zeros([BLOCK], tl.float32), 0)
    for start in range(0, n_cols, BLOCK):
        cols = start + offs
        x = tl.load(x_row + cols, mask=cols < n_cols, other=float("-inf")).to(tl.float32)
        m_new = tl.maximum(m, tl.max(x, 0))
        shift = tl.where(m_new == float("-inf"), 0.0, m_new)
        l = l * tl.exp(m - shift) + tl.sum(tl.exp(x - shift), 0)
        m = m_new
    shift = tl.where(m == float("-inf"), 0.0, m)
    inv = tl.where(l > 0.0, 1.0 / l, 0.0)
    for start in range(0, n_cols, BLOCK):
        cols = start + offs
        x = tl.load(x_row + cols, mask=cols < n_cols, other=float("-inf")).to(tl.float32)
        y = tl.exp(x - shift) * inv
        tl.store(y_row + cols, y.to(Y.dtype.element_ty), mask=cols < n_cols)


def softmax_rows(x, block: int = 1024):
    """Row softmax of a 2-D float32/float16 tensor by a two-pass online-softmax Triton kernel."""
    if not isinstance(x, torch.Tensor) or x.dim() != 2:
        raise ValueError("softmax_rows: x must be a 2-D torch.Tensor")
    if x.dtype not in (torch.float32, torch.float16):
        raise ValueError(f"softmax_rows: dtype {x.dtype} is not float32 or float16")
    if (isinstance(block, bool) or not isinstance(block, int) or block < MIN_BLOCK
            or block > MAX_BLOCK or block & (block - 1)):
        raise ValueError(f"softmax_rows: block must be a power of two in [{MIN_BLOCK}, {MAX_BLOCK}]")
    rows, n = x.shape
    if rows == 0 or n == 0:
        raise ValueError("softmax_rows: x must have at least one row and one column")
    x = x.contiguous()
    y = torch.empty_like(x)
    _softmax_kernel[(rows,)](x, y, n, x.stride(0), y.stride(0), BLOCK=block,
                             num_warps=4 if block <= 2048 else 8)
    return y
