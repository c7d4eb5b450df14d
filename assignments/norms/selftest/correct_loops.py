"""Correct, written with plain Python loops over np.float32 scalars: the sums of the variances
one addition at a time, Welford's update in Knuth's form, the merge with Python-int count
products, and LayerNorm / RMSNorm as loops over the columns, vectorised across rows: Welford
for LayerNorm (one update per column), a running sum of squares for RMSNorm."""
import numpy as np
import torch

HAND_COUNT = 8
HAND_MEAN = 3.875
HAND_M2 = 36.875
HAND_VARIANCE = 4.609375

F = np.float32


def _check(x):
    if type(x) is not np.ndarray:
        raise TypeError(f"not an ndarray: {type(x).__name__}")
    if x.dtype != np.float32:
        raise TypeError(f"dtype {x.dtype}")
    if len(x.shape) != 1:
        raise TypeError("not 1-D")
    if x.shape[0] == 0:
        raise ValueError("no values")


def naive_variance(x):
    _check(x)
    s1 = F(0)
    s2 = F(0)
    for v in x:
        s1 = s1 + v
        s2 = s2 + v * v
    n = F(len(x))
    m = s1 / n
    return s2 / n - m * m


def two_pass_variance(x):
    _check(x)
    s = F(0)
    for v in x:
        s = s + v
    m = s / F(len(x))
    q = F(0)
    for v in x:
        q = q + (v - m) * (v - m)
    return q / F(len(x))


def welford_update(state, x):
    count, mean, m2 = state
    count = count + 1
    delta = x - mean
    mean = mean + delta / count
    m2 = m2 + delta * (x - mean)
    return (count, F(mean), F(m2))


def welford_merge(a, b):
    if a[0] + b[0] == 0:
        return (0, F(0.0), F(0.0))
    n = a[0] + b[0]
    delta = F(b[1]) - F(a[1])
    mean = a[1] + delta * F(b[0] / n)
    m2 = a[2] + b[2] + delta * delta * F(a[0] * b[0] / n)
    return (n, F(mean), F(m2))


def welford_variance(x):
    _check(x)
    count, mean, m2 = 0, F(0), F(0)
    for v in x:
        count, mean, m2 = welford_update((count, mean, m2), v)
    return F(m2 / count)


def _check_t(x, weight, bias=None):
    if not isinstance(x, torch.Tensor):
        raise TypeError("x is not a tensor")
    if x.dtype not in (torch.float32, torch.float16, torch.bfloat16):
        raise TypeError(f"bad dtype {x.dtype}")
    if x.ndim == 0 or 0 in x.shape:
        raise ValueError("empty or 0-d x")
    for p in (weight, bias):
        if p is not None and (p.ndim != 1 or p.shape[0] != x.shape[-1]):
            raise ValueError("weight or bias of the wrong shape")


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    _check_t(x, weight, bias)
    xf = x.to(torch.float32)
    n = xf.shape[-1]
    mean = torch.zeros(xf.shape[:-1])
    m2 = torch.zeros(xf.shape[:-1])
    for k in range(n):
        v = xf[..., k]
        delta = v - mean
        mean = mean + delta / (k + 1)
        m2 = m2 + delta * (v - mean)
    rstd = 1.0 / torch.sqrt(m2 / n + eps)
    y = (xf - mean.unsqueeze(-1)) * rstd.unsqueeze(-1)
    if weight is not None:
        y = y * weight.to(torch.float32)
    if bias is not None:
        y = y + bias.to(torch.float32)
    return y.to(x.dtype)


def rms_norm(x, weight=None, eps=1e-5):
    _check_t(x, weight)
    xf = x.to(torch.float32)
    n = xf.shape[-1]
    ss = torch.zeros(xf.shape[:-1])
    for k in range(n):
        ss = ss + xf[..., k] * xf[..., k]
    y = xf / torch.sqrt(ss / n + eps).unsqueeze(-1)
    if weight is not None:
        y = y * weight.to(torch.float32)
    return y.to(x.dtype)
