"""online_softmax: the running (m, l) state of a softmax, and a two-pass Triton row softmax.

Read the statement (ulp statement online_softmax) for the full contract: types, dtypes, the
rules for -inf, the error bounds, and what is forbidden. Every function below raises
NotImplementedError until you write it; keep the names and signatures.
"""
from __future__ import annotations

import numpy as np  # noqa: F401 - you will need them
import torch  # noqa: F401
import triton
import triton.language as tl


# ----------------------------------------------------------------------------- NumPy part

def init(rows: int, dtype: str = "float32"):
    """The empty state of `rows` rows: a tuple (m, l) of two 1-D NumPy arrays of shape (rows,)
    and dtype float32 or float64 (as `dtype` says), m all -inf, l all 0.
    ValueError if rows is not an int >= 1 or dtype is not "float32" or "float64"."""
    raise NotImplementedError


def update(state, block):
    """Fold `block` (a 2-D NumPy array of shape (rows, k), k >= 0, in the state's dtype) into the
    state; returns the new tuple (m, l). m: the largest value seen; l: the sum of exp(x - m)
    over every value seen. A row that has seen only -inf stays (-inf, 0) (never NaN).
    ValueError for a block that is not 2-D, has another row count or another dtype."""
    raise NotImplementedError


def merge(a, b):
    """Combine the states of two disjoint parts of the same rows into one state (m, l).
    ValueError when the two states differ in row count or dtype."""
    raise NotImplementedError


def finalize_lse(state):
    """log(sum(exp(x))) per row from the state: m + log(l), shape (rows,), the state's dtype;
    -inf for a row that saw nothing finite."""
    raise NotImplementedError


def finalize_softmax(state, x):
    """The softmax of the rows of x (rows, n), the values the state was built from: exp(x - m) / l,
    shape (rows, n), the state's dtype; a row that saw nothing finite gives zeros.
    ValueError for an x that is not 2-D, has another row count or another dtype."""
    raise NotImplementedError


# ----------------------------------------------------------------------------- Triton part

@triton.jit
def _softmax_kernel(X, Y, n_cols, stride_x, stride_y, BLOCK: tl.constexpr):
    """One program per row: one loop over the row's blocks for (m, l), one loop to write."""
    pass


def softmax_rows(x, block: int = 1024):
    """Row softmax of a 2-D float32/float16 torch tensor by your Triton kernel, walking each row
    in blocks of `block` columns (a power of two, 16 <= block <= 16384). Returns a new tensor of
    x's shape and dtype; an all -inf row gives zeros.
    ValueError for a tensor that is not 2-D, another dtype, an empty x or a bad block."""
    raise NotImplementedError
