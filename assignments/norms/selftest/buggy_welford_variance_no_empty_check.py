"""Buggy: welford_variance forgets the ValueError for an empty array (it returns 0/0 = nan)."""
import numpy as np
import torch

HAND_COUNT = 8
HAND_MEAN = 3.875
HAND_M2 = 36.875
HAND_VARIANCE = 4.609375


def _check(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32 or x.ndim != 1:
        raise TypeError("expected a 1-D float32 numpy array")
    if len(x) == 0:
        raise ValueError("empty")


def naive_variance(x):
    _check(x)
    m = np.mean(x)
    return np.mean(x * x) - m * m


def two_pass_variance(x):
    _check(x)
    d = x - np.mean(x)
    return np.mean(d * d)


def welford_update(state, x):
    n, mean, m2 = state
    n += 1
    delta = x - mean
    mean = mean + delta / np.float32(n)
    m2 = m2 + delta * delta * np.float32(n - 1) / np.float32(n)
    return n, np.float32(mean), np.float32(m2)


def welford_merge(a, b):
    na, ma, qa = a
    nb, mb, qb = b
    n = na + nb
    if n == 0:
        return 0, np.float32(0), np.float32(0)
    delta = mb - ma
    mean = mb - delta * np.float32(na) / np.float32(n)
    m2 = qa + qb + delta * delta * np.float32(na) * np.float32(nb) / np.float32(n)
    return n, np.float32(mean), np.float32(m2)


def welford_variance(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32 or x.ndim != 1:
        raise TypeError("expected a 1-D float32 numpy array")
    state = (0, np.float32(0), np.float32(0))
    for v in x:
        state = welford_update(state, v)
    return np.float32(state[2] / np.float32(state[0]))


def _check_t(x, *params):
    if not isinstance(x, torch.Tensor) or x.dtype not in (torch.float32, torch.float16, torch.bfloat16):
        raise TypeError("x must be a float32/float16/bfloat16 tensor")
    if x.dim() == 0 or x.numel() == 0:
        raise ValueError("x is empty")
    for p in params:
        if p is not None and tuple(p.shape) != (x.shape[-1],):
            raise ValueError("weight/bias must have shape (d,)")


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    _check_t(x, weight, bias)
    xf = x.float()
    mu = xf.mean(-1, keepdim=True)
    d = xf - mu
    var = (d * d).mean(-1, keepdim=True)
    y = d * torch.rsqrt(var + eps)
    if weight is not None:
        y = y * weight.float()
    if bias is not None:
        y = y + bias.float()
    return y.to(x.dtype)


def rms_norm(x, weight=None, eps=1e-5):
    _check_t(x, weight)
    xf = x.float()
    y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    if weight is not None:
        y = weight.float() * y
    return y.to(x.dtype)
