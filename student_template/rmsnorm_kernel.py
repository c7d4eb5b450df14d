"""rmsnorm_kernel: a fused RMSNorm in Triton, forward and backward.

Write the three functions so that they launch YOUR @triton.jit kernels; fill in the hand part.

Check your work locally with:   ulp check rmsnorm_kernel rmsnorm_kernel.py
(on a machine without a GPU the kernels run in Triton's interpreter, TRITON_INTERPRET=1).

Host code only checks arguments, reshapes, allocates (torch.empty / torch.zeros) and launches:
no arithmetic on tensors, no torch reductions (sum, mean...), no rsqrt/sqrt/pow, no autograd,
no F.rms_norm / layer_norm, no numpy, no atomics. See the statement for the full list.
"""
from __future__ import annotations

import torch
import triton
import triton.language as tl

MAX_BLOCK = 1024  # no tile of your kernels may hold more than 1024 elements

# ----------------------------------------------------------------------------- Part 1: by hand
HAND_Y = (0.0, 0.0)    # y for your row (a tuple of two floats)
HAND_DX = (0.0, 0.0)   # dx for your row and your dy
HAND_DW = (0.0, 0.0)   # dw for your row and your dy


# ----------------------------------------------------------------------------- Part 2: forward
@triton.jit
def _rmsnorm_fwd(X, W, Y, RSTD, stride_x, stride_y, N, eps, BLOCK: tl.constexpr):
    """One program per row. Skeleton:
      1. row = tl.program_id(0); pointers to the row of X and of Y (stride_x, stride_y).
      2. Pass 1: for start in range(0, N, BLOCK): load x (mask cols < N, other=0.0), convert to
         float32, accumulate x * x in a [BLOCK] float32 accumulator. mean = tl.sum(acc, 0) / N.
      3. rstd = 1 / sqrt(mean + eps); store it at RSTD + row.
      4. Pass 2: for each block: y = x * rstd * w in float32; store y.to(Y.dtype.element_ty).
    """
    pass


def rmsnorm_forward(x, w, eps=1e-6):
    """y = x / sqrt(mean(x², last axis) + eps) * w, and rstd = 1 / sqrt(mean(x²) + eps).

    x: a tensor of shape (..., n), float32 / float16 / bfloat16; w: shape (n,), x's dtype;
    eps: a positive float. Returns (y, rstd): y of x's shape and dtype, rstd float32 of shape
    x.shape[:-1]. ValueError for bad arguments (see the statement).
    """
    raise NotImplementedError


# ----------------------------------------------------------------------------- Part 3: backward
def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    """Stage one of the backward: (dx, partial).

    dx: x's shape and dtype. partial: float32 of shape (ceil(R / G), n) with G = rows_per_program
    and R the number of rows; partial[p] = sum of dy * x̂ (x̂ = x * rstd) over the rows
    p*G .. min((p+1)*G, R) - 1, computed by program p of your kernel.
    """
    raise NotImplementedError


def rmsnorm_backward(dy, x, w, rstd):
    """(dx, dw): dx of x's shape and dtype; dw float32 of shape (n,) = sum over all rows of
    dy * x̂, reduced in two stages (partial rows, then a second kernel that sums them)."""
    raise NotImplementedError
