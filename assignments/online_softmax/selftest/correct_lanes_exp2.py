"""Correct: NumPy with masks and np.where; Triton with lane-wise running statistics and exp2."""
import numpy as np
import torch
import triton
import triton.language as tl




def _check(state):
    if not isinstance(state, tuple) or len(state) != 2:
        raise ValueError("state must be (m, l)")
    m, l = state
    if not isinstance(m, np.ndarray) or not isinstance(l, np.ndarray) or m.ndim != 1 \
            or m.shape != l.shape or m.dtype != l.dtype:
        raise ValueError("bad state")
    return m, l


def init(rows, dtype="float32"):
    if type(rows) is not int or rows < 1:
        raise ValueError("rows")
    if dtype == "float32":
        dt = np.float32
    elif dtype == "float64":
        dt = np.float64
    else:
        raise ValueError("dtype")
    return np.full(rows, -np.inf, dt), np.zeros(rows, dt)


def _combine(ma, la, mb, lb):
    m = np.maximum(ma, mb)
    finite = np.isfinite(m)
    s = np.where(finite, m, 0).astype(m.dtype)
    return m, la * np.exp(ma - s) + lb * np.exp(mb - s)


def update(state, block):
    m, l = _check(state)
    if not isinstance(block, np.ndarray) or block.ndim != 2 or block.shape[0] != m.shape[0] \
            or block.dtype != m.dtype:
        raise ValueError("block")
    if block.shape[1] == 0:
        return m, l
    bm = np.max(block, axis=1)
    s = np.where(np.isfinite(bm), bm, 0).astype(m.dtype)
    bl = np.sum(np.exp(block - s[:, None]), axis=1)
    return _combine(m, l, bm, bl)


def merge(a, b):
    ma, la = _check(a)
    mb, lb = _check(b)
    if ma.shape != mb.shape or ma.dtype != mb.dtype:
        raise ValueError("states differ")
    return _combine(mb, lb, ma, la)


def finalize_lse(state):
    m, l = _check(state)
    out = np.full_like(m, -np.inf)
    ok = l > 0
    out[ok] = m[ok] + np.log(l[ok])
    return out


def finalize_softmax(state, x):
    m, l = _check(state)
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[0] != m.shape[0] or x.dtype != m.dtype:
        raise ValueError("x")
    out = np.zeros_like(x)
    ok = l > 0
    inv = (np.ones_like(l[ok]) / l[ok])[:, None]
    out[ok] = np.exp(x[ok] - m[ok][:, None]) * inv
    return out


@triton.jit
def _kernel(X, Y, n, sx, sy, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    base = X + row.to(tl.int64) * sx
    m_lane = tl.full([BLOCK], float("-inf"), tl.float32)
    l_lane = tl.zeros([BLOCK], tl.float32)
    for start in range(0, n, BLOCK):
        cols = start + offs
        v = tl.load(base + cols, mask=cols < n, other=float("-inf")).to(tl.float32)
        m_new = tl.maximum(m_lane, v)
        s = tl.where(m_new == float("-inf"), 0.0, m_new)
        l_lane = l_lane * tl.math.exp2((m_lane - s) * 1.4426950408889634) + tl.math.exp2((v - s) * 1.4426950408889634)
        m_lane = m_new
    m = tl.max(m_lane, 0)
    s = tl.where(m == float("-inf"), 0.0, m)
    l = tl.sum(l_lane * tl.math.exp2((m_lane - s) * 1.4426950408889634), 0)
    inv = tl.where(l > 0.0, 1.0 / l, 0.0)
    out = Y + row.to(tl.int64) * sy
    for start in range(0, n, BLOCK):
        cols = start + offs
        v = tl.load(base + cols, mask=cols < n, other=float("-inf")).to(tl.float32)
        tl.store(out + cols, (tl.math.exp2((v - s) * 1.4426950408889634) * inv).to(Y.dtype.element_ty), mask=cols < n)


def softmax_rows(x, block=1024):
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.dtype not in (torch.float32, torch.float16):
        raise ValueError("x")
    if not isinstance(block, int) or isinstance(block, bool) or not 16 <= block <= 16384 \
            or (block & (block - 1)) != 0:
        raise ValueError("block")
    if x.numel() == 0:
        raise ValueError("empty")
    y = torch.empty_like(x)
    _kernel[(x.shape[0],)](x, y, x.shape[1], x.stride(0), y.stride(0), BLOCK=block)
    return y
