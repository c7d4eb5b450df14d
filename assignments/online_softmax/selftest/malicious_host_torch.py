"""Malicious: a dummy Triton kernel, with the real work done by torch on the host (softmax under
an alias, exp/max/sum on tensors), and the NumPy part done through torch as well."""
import numpy as np
import torch
import triton
import triton.language as tl
from torch.nn.functional import softmax as _sm


@triton.jit
def _dummy(X, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    for start in range(0, n, BLOCK):
        v = tl.load(X + start + offs, mask=start + offs < n, other=0.0)
        v = tl.exp(v)


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def init(rows, dtype="float32"):
    return np.full(rows, -np.inf, dtype=dtype), np.zeros(rows, dtype=dtype)


def update(state, block):
    m, l = state
    if block.shape[1] == 0:
        return m, l
    allv = _t(block)
    bm = torch.amax(allv, dim=1).numpy()
    mn = np.maximum(m, bm)
    s = np.where(np.isneginf(mn), 0, mn).astype(m.dtype)
    return mn, (l * torch.exp(_t(m - s)).numpy() + torch.exp(allv - _t(s)[:, None]).sum(1).numpy())


def merge(a, b):
    m = np.maximum(a[0], b[0])
    s = np.where(np.isneginf(m), 0, m).astype(m.dtype)
    return m, a[1] * torch.exp(_t(a[0] - s)).numpy() + b[1] * torch.exp(_t(b[0] - s)).numpy()


def finalize_lse(state):
    return torch.logsumexp(_t(state[0])[:, None], 1).numpy() + np.log(state[1])


def finalize_softmax(state, x):
    return _sm(_t(x), dim=1).nan_to_num(0).numpy()


def softmax_rows(x, block=1024):
    _dummy[(1,)](x, x.shape[1], BLOCK=block)
    return _sm(x.float(), dim=1).nan_to_num(0).to(x.dtype)
