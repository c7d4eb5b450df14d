"""Buggy: the forward finds row r at r · n, as if x were contiguous; a view whose rows are
further apart (x = big[..., :n]) is read from the wrong place. The backward is right."""
from __future__ import annotations

import math
import os

import torch
import triton
import triton.language as tl

# Part 1, by hand, for the default row x = (3, -4), eps = 3.5 (mean(x²) + eps = 16, rstd = 1/4),
# w = (2, -1), dy = (1, 3): x̂ = (0.75, -1), g = dy·w = (2, -3), mean(g·x̂) = 2.25.
HAND_Y = (1.5, 1.0)
HAND_DX = (0.078125, -0.1875)
HAND_DW = (0.75, -3.0)

MAX_BLOCK = 1024          # the contract: no tile of a kernel holds more than 1024 elements
DTYPES = (torch.float32, torch.float16, torch.bfloat16)


@triton.jit
def _fwd_kernel(X, W, Y, RSTD, stride_x, stride_y, N, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    x_row = X + row * stride_x
    y_row = Y + row * stride_y
    # pass 1: sum of squares, in float32, block by block
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < N, other=0.0).to(tl.float32)
        acc += x * x
    mean_sq = tl.sum(acc, axis=0) / N
    rstd = 1.0 / tl.sqrt(mean_sq + eps)
    tl.store(RSTD + row, rstd)
    # pass 2: y = x * rstd * w, rounded once to Y's dtype
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        mask = cols < N
        x = tl.load(x_row + cols, mask=mask, other=0.0).to(tl.float32)
        w = tl.load(W + cols, mask=mask, other=0.0).to(tl.float32)
        y = x * rstd * w
        tl.store(y_row + cols, y.to(Y.dtype.element_ty), mask=mask)


@triton.jit
def _bwd_kernel(DY, X, W, RSTD, DX, PART, stride_dy, stride_x, stride_dx,
                R, N, G, BLOCK: tl.constexpr):
    p = tl.program_id(0)
    first = p * G
    last = tl.minimum(first + G, R)
    part_row = PART + p.to(tl.int64) * N
    for row in range(first, last):
        row64 = tl.cast(row, tl.int64)
        r = tl.load(RSTD + row64)
        # pass 1: c = mean(g * xhat) over the row
        acc = tl.zeros([BLOCK], dtype=tl.float32)
        for start in range(0, N, BLOCK):
            cols = start + tl.arange(0, BLOCK)
            mask = cols < N
            x = tl.load(X + row64 * stride_x + cols, mask=mask, other=0.0).to(tl.float32)
            dy = tl.load(DY + row64 * stride_dy + cols, mask=mask, other=0.0).to(tl.float32)
            w = tl.load(W + cols, mask=mask, other=0.0).to(tl.float32)
            acc += (dy * w) * (x * r)
        c = tl.sum(acc, axis=0) / N
        # pass 2: dx, and this row's dy * xhat added to the program's partial dw row
        for start in range(0, N, BLOCK):
            cols = start + tl.arange(0, BLOCK)
            mask = cols < N
            x = tl.load(X + row64 * stride_x + cols, mask=mask, other=0.0).to(tl.float32)
            dy = tl.load(DY + row64 * stride_dy + cols, mask=mask, other=0.0).to(tl.float32)
            w = tl.load(W + cols, mask=mask, other=0.0).to(tl.float32)
            xhat = x * r
            dx = (dy * w - xhat * c) * r
            tl.store(DX + row64 * stride_dx + cols, dx.to(DX.dtype.element_ty), mask=mask)
            part = tl.load(part_row + cols, mask=mask, other=0.0)
            tl.store(part_row + cols, part + dy * xhat, mask=mask)


@triton.jit
def _dw_kernel(PART, DW, P, N, BLOCK_P: tl.constexpr, BLOCK_N: tl.constexpr):
    pid = tl.program_id(0)
    cols = pid * BLOCK_N + tl.arange(0, BLOCK_N)
    acc = tl.zeros([BLOCK_P, BLOCK_N], dtype=tl.float32)
    for start in range(0, P, BLOCK_P):
        rows = start + tl.arange(0, BLOCK_P)
        mask = (rows < P)[:, None] & (cols < N)[None, :]
        acc += tl.load(PART + rows[:, None].to(tl.int64) * N + cols[None, :], mask=mask, other=0.0)
    tl.store(DW + cols, tl.sum(acc, axis=0), mask=cols < N)


def _interpreting() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


def _block(n: int) -> int:
    return min(MAX_BLOCK, triton.next_power_of_2(n))


def _check_x_w(x, w, who):
    for name, t in (("x", x), ("w", w)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{who}: {name} must be a torch.Tensor, got {type(t).__name__}")
    if x.dim() < 1:
        raise ValueError(f"{who}: x must have at least one axis")
    if x.dtype not in DTYPES:
        raise ValueError(f"{who}: x's dtype {x.dtype} is not float32, float16 or bfloat16")
    if w.dim() != 1 or w.shape[0] != x.shape[-1]:
        raise ValueError(f"{who}: w must have shape ({x.shape[-1]},), got {tuple(w.shape)}")
    if w.dtype != x.dtype:
        raise ValueError(f"{who}: w's dtype {w.dtype} differs from x's {x.dtype}")
    if x.shape[-1] == 0:
        raise ValueError(f"{who}: rows of length 0 have no root mean square")
    return x.shape[-1], math.prod(x.shape[:-1])


def rmsnorm_forward(x, w, eps=1e-6):
    """y = x / sqrt(mean(x², last axis) + eps) * w, and rstd = 1 / sqrt(mean(x²) + eps).

    x: a tensor of shape (..., n), float32/float16/bfloat16; w: shape (n,), x's dtype; eps > 0.
    Returns (y, rstd): y of x's shape and dtype, rstd float32 of shape x.shape[:-1].
    """
    n, rows = _check_x_w(x, w, "rmsnorm_forward")
    eps = float(eps)
    if not (eps > 0.0 and math.isfinite(eps)):
        raise ValueError(f"rmsnorm_forward: eps must be a positive finite number, got {eps!r}")
    x2 = x.reshape(rows, n)  # BUG: a view of wider rows stays one, and its rows are not n apart
    w = w.contiguous()
    y = torch.empty((rows, n), dtype=x.dtype, device=x.device)
    rstd = torch.empty((rows,), dtype=torch.float32, device=x.device)
    if rows:
        _fwd_kernel[(rows,)](x2, w, y, rstd, n, y.stride(0), n, eps, BLOCK=_block(n))
    return y.view(x.shape), rstd.view(x.shape[:-1])


def _check_backward(dy, x, w, rstd, who):
    n, rows = _check_x_w(x, w, who)
    for name, t in (("dy", dy), ("rstd", rstd)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{who}: {name} must be a torch.Tensor, got {type(t).__name__}")
    if dy.shape != x.shape or dy.dtype != x.dtype:
        raise ValueError(f"{who}: dy must have x's shape and dtype")
    if rstd.shape != x.shape[:-1] or rstd.dtype != torch.float32:
        raise ValueError(f"{who}: rstd must be float32 of shape {tuple(x.shape[:-1])}")
    return n, rows


def _stage_one(dy, x, w, rstd, n, rows, group):
    x2 = x.reshape(rows, n).contiguous()
    dy2 = dy.reshape(rows, n).contiguous()
    r = rstd.reshape(rows).contiguous()
    w = w.contiguous()
    programs = triton.cdiv(rows, group)
    dx = torch.empty((rows, n), dtype=x.dtype, device=x.device)
    part = torch.zeros((programs, n), dtype=torch.float32, device=x.device)
    if rows:
        _bwd_kernel[(programs,)](dy2, x2, w, r, dx, part, dy2.stride(0), x2.stride(0),
                                 dx.stride(0), rows, n, group, BLOCK=_block(n))
    return dx.view(x.shape), part


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    """Stage one: (dx, partial), partial[p] = Σ over rows p·G .. min((p+1)·G, R) − 1 of dy · x̂."""
    n, rows = _check_backward(dy, x, w, rstd, "rmsnorm_backward_partials")
    if isinstance(rows_per_program, bool) or not isinstance(rows_per_program, int):
        raise TypeError("rmsnorm_backward_partials: rows_per_program must be an int")
    if rows_per_program < 1:
        raise ValueError(f"rmsnorm_backward_partials: rows_per_program must be >= 1, got "
                         f"{rows_per_program}")
    return _stage_one(dy, x, w, rstd, n, rows, rows_per_program)


def rmsnorm_backward(dy, x, w, rstd):
    """(dx, dw): dx in x's dtype and shape, dw float32 of shape (n,), in two stages."""
    n, rows = _check_backward(dy, x, w, rstd, "rmsnorm_backward")
    if x.is_cuda and not _interpreting():
        programs = 4 * torch.cuda.get_device_properties(x.device).multi_processor_count
    else:
        programs = 4
    group = max(1, triton.cdiv(rows, programs))
    dx, part = _stage_one(dy, x, w, rstd, n, rows, group)
    dw = torch.empty((n,), dtype=torch.float32, device=x.device)
    P = part.shape[0]
    BLOCK_N = min(128, triton.next_power_of_2(n))
    _dw_kernel[(triton.cdiv(n, BLOCK_N),)](part, dw, P, n, BLOCK_P=8, BLOCK_N=BLOCK_N)
    return dx, dw
