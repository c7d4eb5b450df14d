"""Wrong everywhere, in the right form: the right types, shapes and dtypes, wrong values, and a
two-pass kernel that forgets the max and the sum; no ValueError anywhere."""
import numpy as np
import torch
import triton
import triton.language as tl


def init(rows, dtype="float32"):
    return np.zeros(rows, dtype=dtype), np.ones(rows, dtype=dtype)


def update(state, block):
    m, l = state
    return np.maximum(m, block.mean(axis=1) if block.shape[1] else m).astype(m.dtype), l + block.shape[1]


def merge(a, b):
    return np.minimum(a[0], b[0]), a[1] + b[1] + 1


def finalize_lse(state):
    return state[0] + state[1]


def finalize_softmax(state, x):
    return np.full_like(x, 1.0) / (x.shape[1] + 1)


@triton.jit
def _k(X, Y, n, sx, sy, BLOCK: tl.constexpr):
    r = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    acc = tl.sum(tl.zeros([BLOCK], tl.float32), 0)
    for s in range(0, n, BLOCK):
        v = tl.load(X + r * sx + s + offs, mask=s + offs < n, other=0.0).to(tl.float32)
        acc += tl.sum(tl.exp(v * 0.0), 0)
    for s in range(0, n, BLOCK):
        v = tl.load(X + r * sx + s + offs, mask=s + offs < n, other=0.0).to(tl.float32)
        tl.store(Y + r * sy + s + offs, (tl.exp(v) / (acc + 1.0)).to(Y.dtype.element_ty), mask=s + offs < n)


def softmax_rows(x, block=1024):
    y = torch.empty_like(x)
    _k[(x.shape[0],)](x, y, x.shape[1], x.stride(0), y.stride(0), BLOCK=max(16, int(block)))
    return y
