"""Correct: NumPy that lets -inf - (-inf) happen under errstate and repairs the NaN; Triton with
2-D tiles of ROWS rows per program (statistics per row along axis 1), a reciprocal multiply."""
import numpy as np
import torch
import triton
import triton.language as tl


def _state(s, rows=None, dtype=None):
    try:
        m, l = s
    except Exception:
        raise ValueError("state must be (m, l)") from None
    if not (isinstance(m, np.ndarray) and isinstance(l, np.ndarray)) or m.shape != l.shape \
            or m.ndim != 1 or m.dtype != l.dtype:
        raise ValueError("state")
    return m, l


def init(rows, dtype="float32"):
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
        raise ValueError("rows")
    if dtype not in ("float32", "float64"):
        raise ValueError("dtype")
    m = np.empty(rows, dtype=np.dtype(dtype))
    m.fill(-np.inf)
    return m, np.zeros_like(m)


def _scale(m_old, m_new):
    with np.errstate(invalid="ignore"):
        f = np.exp(m_old - m_new)
    return np.where(np.isnan(f), np.zeros_like(f), f)


def update(state, block):
    m, l = _state(state)
    if type(block) is not np.ndarray or block.ndim != 2 or len(block) != len(m) or block.dtype != m.dtype:
        raise ValueError("block")
    if block.size == 0:
        return m.copy(), l.copy()
    m_new = np.fmax(m, block.max(axis=1))
    with np.errstate(invalid="ignore"):
        terms = np.exp(block - m_new[:, None])
    terms = np.where(np.isnan(terms), np.zeros_like(terms), terms)
    return m_new, l * _scale(m, m_new) + terms.sum(axis=1)


def merge(a, b):
    ma, la = _state(a)
    mb, lb = _state(b)
    if ma.shape != mb.shape or ma.dtype != mb.dtype:
        raise ValueError("mismatch")
    m = np.maximum(ma, mb)
    return m, la * _scale(ma, m) + lb * _scale(mb, m)


def finalize_lse(state):
    m, l = _state(state)
    with np.errstate(divide="ignore"):
        return np.add(m, np.log(l))


def finalize_softmax(state, x):
    m, l = _state(state)
    if type(x) is not np.ndarray or x.ndim != 2 or x.shape[0] != m.shape[0] or x.dtype != m.dtype:
        raise ValueError("x")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.exp(x - m[:, None]) / l[:, None]
    return np.where(np.isnan(p), np.zeros_like(p), p)


@triton.jit
def _tile_kernel(X, Y, R, N, sx, sy, ROWS: tl.constexpr, BLOCK: tl.constexpr):
    rows = tl.program_id(0) * ROWS + tl.arange(0, ROWS)
    cols0 = tl.arange(0, BLOCK)
    rmask = rows < R
    xr = X + rows.to(tl.int64)[:, None] * sx
    yr = Y + rows.to(tl.int64)[:, None] * sy
    m = tl.full([ROWS], float("-inf"), tl.float32)
    l = tl.zeros([ROWS], tl.float32)
    for c in range(0, N, BLOCK):
        cols = c + cols0
        msk = rmask[:, None] & (cols[None, :] < N)
        v = tl.load(xr + cols[None, :], mask=msk, other=float("-inf")).to(tl.float32)
        mn = tl.maximum(m, tl.max(v, axis=1))
        sh = tl.where(mn == float("-inf"), 0.0, mn)
        l = l * tl.exp(m - sh) + tl.sum(tl.exp(v - sh[:, None]), axis=1)
        m = mn
    sh = tl.where(m == float("-inf"), 0.0, m)
    r = tl.where(l > 0.0, 1.0 / l, 0.0)
    for c in range(0, N, BLOCK):
        cols = c + cols0
        msk = rmask[:, None] & (cols[None, :] < N)
        v = tl.load(xr + cols[None, :], mask=msk, other=float("-inf")).to(tl.float32)
        y = tl.exp(v - sh[:, None]) * r[:, None]
        tl.store(yr + cols[None, :], y.to(Y.dtype.element_ty), mask=msk)


def softmax_rows(x, block=1024):
    ok_block = isinstance(block, int) and not isinstance(block, bool) and block in [2 ** k for k in range(4, 15)]
    if not ok_block:
        raise ValueError("block must be a power of two in [16, 16384]")
    if not isinstance(x, torch.Tensor) or len(x.shape) != 2 or x.dtype not in (torch.float16, torch.float32):
        raise ValueError("x must be a 2-D float32/float16 tensor")
    R, N = x.shape
    if R * N == 0:
        raise ValueError("empty")
    rows_per = 2 if block <= 4096 else 1
    y = torch.empty_like(x)
    _tile_kernel[(triton.cdiv(R, rows_per),)](x, y, R, N, x.stride(0), y.stride(0),
                                              ROWS=rows_per, BLOCK=block)
    return y
