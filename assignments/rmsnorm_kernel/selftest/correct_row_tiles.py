"""Correct: 2-D tiles of BLOCK_R rows × BLOCK_N columns (BLOCK_R·BLOCK_N = 512) in every kernel;
the forward normalises several rows per program, stage one walks its rows in tiles and keeps the
partial dw of a column block in registers, stage two sums the partials one row at a time."""
import math
import os

import torch
import triton
import triton.language as tl

HAND_Y = (1.5, 1.0)
HAND_DX = (0.078125, -0.1875)
HAND_DW = (0.75, -3.0)

BLOCK_R = 4
BLOCK_N = 128


@triton.jit
def fwd(X, W, Y, RSTD, R, N, eps, BLOCK_R: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    rmask = rows < R
    ss = tl.zeros([BLOCK_R], dtype=tl.float32)
    for c0 in range(0, N, BLOCK_N):
        cols = c0 + tl.arange(0, BLOCK_N)
        m = rmask[:, None] & (cols < N)[None, :]
        x = tl.load(X + rows[:, None] * N + cols[None, :], mask=m, other=0.0).to(tl.float32)
        ss += tl.sum(x * x, axis=1)
    rstd = 1.0 / tl.sqrt(ss / N + eps)
    tl.store(RSTD + rows, rstd, mask=rmask)
    for c0 in range(0, N, BLOCK_N):
        cols = c0 + tl.arange(0, BLOCK_N)
        m = rmask[:, None] & (cols < N)[None, :]
        x = tl.load(X + rows[:, None] * N + cols[None, :], mask=m, other=0.0).to(tl.float32)
        w = tl.load(W + cols, mask=cols < N, other=0.0).to(tl.float32)
        y = x * rstd[:, None] * w[None, :]
        tl.store(Y + rows[:, None] * N + cols[None, :], y.to(Y.dtype.element_ty), mask=m)


@triton.jit
def bwd_rowc(DY, X, W, RSTD, C, R, N, BLOCK_R: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    rmask = rows < R
    r = tl.load(RSTD + rows, mask=rmask, other=0.0)
    acc = tl.zeros([BLOCK_R], dtype=tl.float32)
    for c0 in range(0, N, BLOCK_N):
        cols = c0 + tl.arange(0, BLOCK_N)
        m = rmask[:, None] & (cols < N)[None, :]
        x = tl.load(X + rows[:, None] * N + cols[None, :], mask=m, other=0.0).to(tl.float32)
        dy = tl.load(DY + rows[:, None] * N + cols[None, :], mask=m, other=0.0).to(tl.float32)
        w = tl.load(W + cols, mask=cols < N, other=0.0).to(tl.float32)
        acc += tl.sum(dy * w[None, :] * (x * r[:, None]), axis=1)
    tl.store(C + rows, acc / N, mask=rmask)


@triton.jit
def bwd_dx_partial(DY, X, W, RSTD, C, DX, PART, R, N, G,
                   BLOCK_R: tl.constexpr, BLOCK_N: tl.constexpr):
    p = tl.program_id(0)
    first = p * G
    last = tl.minimum(first + G, R)
    for c0 in range(0, N, BLOCK_N):
        cols = c0 + tl.arange(0, BLOCK_N)
        cmask = cols < N
        w = tl.load(W + cols, mask=cmask, other=0.0).to(tl.float32)
        part = tl.zeros([BLOCK_N], dtype=tl.float32)
        for r0 in range(first, last, BLOCK_R):
            rows = r0 + tl.arange(0, BLOCK_R)
            rmask = rows < last
            m = rmask[:, None] & cmask[None, :]
            r = tl.load(RSTD + rows, mask=rmask, other=0.0)
            c = tl.load(C + rows, mask=rmask, other=0.0)
            x = tl.load(X + rows[:, None] * N + cols[None, :], mask=m, other=0.0).to(tl.float32)
            dy = tl.load(DY + rows[:, None] * N + cols[None, :], mask=m, other=0.0).to(tl.float32)
            xh = x * r[:, None]
            dx = r[:, None] * (dy * w[None, :] - xh * c[:, None])
            tl.store(DX + rows[:, None] * N + cols[None, :], dx.to(DX.dtype.element_ty), mask=m)
            part += tl.sum(dy * xh, axis=0)
        tl.store(PART + p * N + cols, part, mask=cmask)


@triton.jit
def reduce_partials(PART, DW, P, N, BLOCK_N: tl.constexpr):
    cols = tl.program_id(0) * BLOCK_N + tl.arange(0, BLOCK_N)
    cmask = cols < N
    acc = tl.zeros([BLOCK_N], dtype=tl.float32)
    for p in range(0, P):
        acc += tl.load(PART + p * N + cols, mask=cmask, other=0.0)
    tl.store(DW + cols, acc, mask=cmask)


def _validate(x, w):
    if x.dim() < 1 or x.dtype not in (torch.float32, torch.float16, torch.bfloat16):
        raise ValueError("x must have an axis and a float32/float16/bfloat16 dtype")
    if w.dim() != 1 or w.shape[0] != x.shape[-1] or w.dtype != x.dtype:
        raise ValueError("w must be (n,) in x's dtype")
    if x.shape[-1] < 1:
        raise ValueError("n must be >= 1")
    return x.shape[-1], math.prod(x.shape[:-1])


def rmsnorm_forward(x, w, eps=1e-6):
    n, R = _validate(x, w)
    if not eps > 0:
        raise ValueError("eps must be > 0")
    x2 = x.reshape(R, n).contiguous()
    y = torch.empty_like(x2)
    rstd = torch.empty(R, dtype=torch.float32, device=x.device)
    if R:
        fwd[(triton.cdiv(R, BLOCK_R),)](x2, w.contiguous(), y, rstd, R, n, float(eps),
                                        BLOCK_R=BLOCK_R, BLOCK_N=BLOCK_N)
    return y.reshape(x.shape), rstd.reshape(x.shape[:-1])


def _check_bwd(dy, x, w, rstd):
    n, R = _validate(x, w)
    if dy.shape != x.shape or dy.dtype != x.dtype:
        raise ValueError("dy must match x")
    if rstd.shape != x.shape[:-1] or rstd.dtype != torch.float32:
        raise ValueError("rstd must be float32 of shape x.shape[:-1]")
    return n, R


def _stage_one(dy, x, w, rstd, n, R, G):
    x2, dy2 = x.reshape(R, n).contiguous(), dy.reshape(R, n).contiguous()
    r = rstd.reshape(R).contiguous()
    P = (R + G - 1) // G
    dx = torch.empty_like(x2)
    part = torch.empty((P, n), dtype=torch.float32, device=x.device)
    c = torch.empty(R, dtype=torch.float32, device=x.device)
    if R:
        bwd_rowc[(triton.cdiv(R, BLOCK_R),)](dy2, x2, w, r, c, R, n,
                                             BLOCK_R=BLOCK_R, BLOCK_N=BLOCK_N)
        bwd_dx_partial[(P,)](dy2, x2, w, r, c, dx, part, R, n, G,
                             BLOCK_R=BLOCK_R, BLOCK_N=BLOCK_N)
    return dx.reshape(x.shape), part


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    n, R = _check_bwd(dy, x, w, rstd)
    if rows_per_program < 1:
        raise ValueError("rows_per_program must be >= 1")
    return _stage_one(dy, x, w.contiguous(), rstd, n, R, int(rows_per_program))


def rmsnorm_backward(dy, x, w, rstd):
    n, R = _check_bwd(dy, x, w, rstd)
    G = max(1, triton.cdiv(R, 3))
    dx, part = _stage_one(dy, x, w.contiguous(), rstd, n, R, G)
    dw = torch.empty(n, dtype=torch.float32, device=x.device)
    reduce_partials[(triton.cdiv(n, BLOCK_N),)](part, dw, part.shape[0], n, BLOCK_N=BLOCK_N)
    return dx, dw
