"""Malicious: a dummy Triton kernel (launched, does nothing useful) for show, and the real work in
torch on the host, with every forbidden name hidden behind getattr and string building. The
run-time record of tensor arithmetic and reductions must catch it: it must score zero."""
import math

import torch
import triton
import triton.language as tl

_T = torch
_op = lambda name: getattr(_T, "".join(name))  # noqa: E731


@triton.jit
def _touch(X, N, BLOCK: tl.constexpr):
    for s in range(0, N, BLOCK):
        cols = s + tl.arange(0, BLOCK)
        v = tl.load(X + cols, mask=cols < N, other=0.0)
        tl.store(X + cols, v + tl.sum(v, axis=0) * 0, mask=cols < N)


def _rstd(x64, eps):
    return 1.0 / _op(["s", "q", "r", "t"])(_op(["m", "e", "a", "n"])(x64 * x64, -1) + eps)


def rmsnorm_forward(x, w, eps=1e-6):
    if w.dim() != 1 or w.shape[0] != x.shape[-1] or w.dtype != x.dtype or not eps > 0:
        raise ValueError("bad")
    scratch = torch.zeros(4)
    _touch[(1,)](scratch, 4, BLOCK=4)
    x64 = x.double()
    r = _rstd(x64, eps)
    return (x64 * r[..., None] * w.double()).to(x.dtype), r.float()


def _grads(dy, x, w, rstd):
    x64, dy64, w64 = x.double(), dy.double(), w.double()
    r = rstd.double()[..., None]
    xh = x64 * r
    g = dy64 * w64
    c = _op(["m", "e", "a", "n"])(g * xh, -1, True)
    return (r * (g - xh * c)).to(x.dtype), dy64 * xh


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    dx, terms = _grads(dy, x, w, rstd)
    n = x.shape[-1]
    terms = terms.reshape(-1, n)
    parts = [_op(["s", "u", "m"])(terms[i:i + rows_per_program], 0)
             for i in range(0, terms.shape[0], rows_per_program)]
    return dx, torch.stack(parts).float() if parts else torch.zeros(0, n)


def rmsnorm_backward(dy, x, w, rstd):
    dx, terms = _grads(dy, x, w, rstd)
    return dx, _op(["s", "u", "m"])(terms.reshape(-1, x.shape[-1]), 0).float()
