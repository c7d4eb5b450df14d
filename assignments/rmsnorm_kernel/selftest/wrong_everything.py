"""Wrong everywhere, right in form: Triton kernels that loop over column blocks and reduce with
tl.sum, tensors of the right shapes and dtypes, no ValueError anywhere; but rstd ignores eps and
the mean (1/sqrt(sum of squares)), y forgets w, dx forgets rstd's dependence on x AND w, the
partials sum dy, and the hand values are y = x·w, dx = dy, dw = dy."""
import math

import torch
import triton
import triton.language as tl

HAND_Y = (6.0, 4.0)
HAND_DX = (1.0, 3.0)
HAND_DW = (1.0, 3.0)


@triton.jit
def _fwd(X, Y, RSTD, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for s in range(0, N, BLOCK):
        cols = s + tl.arange(0, BLOCK)
        x = tl.load(X + row * N + cols, mask=cols < N, other=0.0).to(tl.float32)
        acc += x * x
    r = 1.0 / tl.sqrt(tl.sum(acc, axis=0) + 1e-30)
    tl.store(RSTD + row, r)
    for s in range(0, N, BLOCK):
        cols = s + tl.arange(0, BLOCK)
        x = tl.load(X + row * N + cols, mask=cols < N, other=0.0).to(tl.float32)
        tl.store(Y + row * N + cols, (x * r).to(Y.dtype.element_ty), mask=cols < N)


@triton.jit
def _bwd(DY, RSTD, DX, PART, R, N, G, BLOCK: tl.constexpr):
    p = tl.program_id(0)
    for s in range(0, N, BLOCK):
        cols = s + tl.arange(0, BLOCK)
        part = tl.zeros([BLOCK], dtype=tl.float32)
        for row in range(p * G, tl.minimum(p * G + G, R)):
            r = tl.load(RSTD + row)
            dy = tl.load(DY + row * N + cols, mask=cols < N, other=0.0).to(tl.float32)
            tl.store(DX + row * N + cols, (dy * r).to(DX.dtype.element_ty), mask=cols < N)
            part += dy
        tl.store(PART + p * N + cols, part, mask=cols < N)


def rmsnorm_forward(x, w, eps=1e-6):
    n = x.shape[-1] if x.dim() else 1
    R = math.prod(x.shape[:-1]) if x.dim() else 1
    xc = x.reshape(R, n).contiguous()
    y = torch.empty((R, n), dtype=x.dtype)
    r = torch.empty(R, dtype=torch.float32)
    if R and n:
        _fwd[(R,)](xc, y, r, n, BLOCK=64)
    return y.reshape(x.shape), r.reshape(x.shape[:-1])


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    n = x.shape[-1]
    R = math.prod(x.shape[:-1])
    G = max(1, int(rows_per_program))
    P = -(-R // G)
    dx = torch.empty((R, n), dtype=x.dtype)
    part = torch.zeros((P, n), dtype=torch.float32)
    if R:
        _bwd[(P,)](dy.reshape(R, n).contiguous(), rstd.reshape(R).contiguous().float(), dx, part,
                   R, n, G, BLOCK=64)
    return dx.reshape(x.shape), part


def rmsnorm_backward(dy, x, w, rstd):
    dx, part = rmsnorm_backward_partials(dy, x, w, rstd, 1 << 30)
    return dx, part.reshape(-1)[: x.shape[-1]].clone() if part.numel() else torch.zeros(x.shape[-1])
