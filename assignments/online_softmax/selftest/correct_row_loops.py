"""Correct: pure per-row Python loops over NumPy scalars (update = merge with the block's own
state); Triton: a jit helper for the statistics pass, scalar state, a while loop to write."""
import numpy as np
import torch
import triton
import triton.language as tl

KINDS = {"float32": np.float32, "float64": np.float64}


def _valid_state(s):
    if type(s) is not tuple or len(s) != 2:
        raise ValueError("state")
    m, l = s
    for a in (m, l):
        if not isinstance(a, np.ndarray) or a.ndim != 1 or a.dtype not in (np.float32, np.float64):
            raise ValueError("state arrays")
    if m.shape != l.shape or m.dtype != l.dtype:
        raise ValueError("state arrays")
    return m, l


def init(rows, dtype="float32"):
    if isinstance(rows, bool) or not isinstance(rows, int) or rows <= 0 or dtype not in KINDS:
        raise ValueError("bad init")
    t = KINDS[dtype]
    return (np.array([-np.inf] * rows, dtype=t), np.array([0.0] * rows, dtype=t))


def _pair(ma, la, mb, lb):
    """One row: merge two scalar states (NumPy scalars of one dtype)."""
    if ma == -np.inf and mb == -np.inf:
        return ma, la + lb
    if ma >= mb:
        return ma, la + lb * np.exp(mb - ma)
    return mb, lb + la * np.exp(ma - mb)


def merge(a, b):
    ma, la = _valid_state(a)
    mb, lb = _valid_state(b)
    if ma.shape != mb.shape or ma.dtype != mb.dtype:
        raise ValueError("mismatch")
    m = np.empty_like(ma)
    l = np.empty_like(la)
    for r in range(ma.shape[0]):
        m[r], l[r] = _pair(ma[r], la[r], mb[r], lb[r])
    return m, l


def update(state, block):
    m, l = _valid_state(state)
    if not isinstance(block, np.ndarray) or block.ndim != 2 or block.shape[0] != m.shape[0] \
            or block.dtype != m.dtype:
        raise ValueError("block")
    bm = np.empty_like(m)
    bl = np.empty_like(l)
    for r in range(m.shape[0]):
        top = block.dtype.type(-np.inf)
        for v in block[r]:
            if v > top:
                top = v
        acc = block.dtype.type(0)
        if top != -np.inf:
            for v in block[r]:
                acc = acc + np.exp(v - top)
        bm[r], bl[r] = top, acc
    return merge((m, l), (bm, bl))


def finalize_lse(state):
    m, l = _valid_state(state)
    out = np.empty_like(m)
    for r in range(m.shape[0]):
        out[r] = -np.inf if l[r] == 0 else m[r] + np.log(l[r])
    return out


def finalize_softmax(state, x):
    m, l = _valid_state(state)
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[0] != m.shape[0] or x.dtype != m.dtype:
        raise ValueError("x")
    out = np.zeros_like(x)
    for r in range(x.shape[0]):
        if l[r] == 0:
            continue
        for j in range(x.shape[1]):
            out[r, j] = np.exp(x[r, j] - m[r]) / l[r]
    return out


@triton.jit
def _row_stats(base, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    m = tl.max(tl.full([BLOCK], float("-inf"), tl.float32), 0)
    l = tl.sum(tl.zeros([BLOCK], tl.float32), 0)
    for start in range(0, n, BLOCK):
        msk = start + offs < n
        v = tl.load(base + start + offs, mask=msk, other=float("-inf")).to(tl.float32)
        bm = tl.max(v, 0)
        bs = tl.where(bm == float("-inf"), 0.0, bm)
        bl = tl.sum(tl.exp(v - bs), 0)
        new = tl.maximum(m, bm)
        s = tl.where(new == float("-inf"), 0.0, new)
        l = l * tl.exp(m - s) + bl * tl.exp(bm - s)
        m = new
    return m, l


@triton.jit
def _softmax(X, Y, n, sx, sy, BLOCK: tl.constexpr):
    r = tl.program_id(0).to(tl.int64)
    m, l = _row_stats(X + r * sx, n, BLOCK)
    offs = tl.arange(0, BLOCK)
    start = 0
    while start < n:
        msk = start + offs < n
        v = tl.load(X + r * sx + start + offs, mask=msk, other=float("-inf")).to(tl.float32)
        p = tl.where(l > 0.0, tl.exp(v - m) / l, 0.0)
        tl.store(Y + r * sy + start + offs, p.to(Y.dtype.element_ty), mask=msk)
        start += BLOCK


def softmax_rows(x, block=1024):
    if not isinstance(x, torch.Tensor) or x.dim() != 2:
        raise ValueError("x must be 2-D")
    if x.dtype != torch.float32 and x.dtype != torch.float16:
        raise ValueError("dtype")
    if type(block) is not int or block < 16 or block > 16384 or bin(block).count("1") != 1:
        raise ValueError("block")
    rows, n = x.shape
    if rows == 0 or n == 0:
        raise ValueError("empty")
    y = torch.empty_like(x)
    _softmax[(rows,)](x, y, n, x.stride(0), y.stride(0), BLOCK=block)
    return y
