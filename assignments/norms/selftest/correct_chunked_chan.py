"""Correct, in the style of a GPU kernel: LayerNorm's statistics by Chan merges of chunks of
32 columns (each chunk by two-pass), RMSNorm by chunked sums of squares; the variances with
torch on float32 tensors; the merge with the product of the counts as a Python int."""
import numpy as np
import torch

HAND_COUNT = 8
HAND_MEAN = 3.875
HAND_M2 = 36.875
HAND_VARIANCE = 4.609375

CHUNK = 32


def _t(x):
    if not isinstance(x, np.ndarray):
        raise TypeError("numpy array expected")
    if x.dtype != np.float32 or x.ndim != 1:
        raise TypeError("1-D float32 expected")
    if x.shape[0] < 1:
        raise ValueError("at least one value")
    return torch.from_numpy(x.copy())


def naive_variance(x):
    t = _t(x)
    n = t.shape[0]
    m = t.sum() / n
    return np.float32((torch.sum(t * t) / n - m * m).item())


def two_pass_variance(x):
    t = _t(x)
    d = t - t.sum() / t.shape[0]
    return np.float32(((d * d).sum() / t.shape[0]).item())


def welford_update(state, x):
    k = state[0] + 1
    delta = np.float32(x) - state[1]
    mean = state[1] + delta * (np.float32(1) / np.float32(k))
    return k, np.float32(mean), np.float32(state[2] + (x - mean) * delta)


def welford_merge(a, b):
    (na, ma, qa), (nb, mb, qb) = a, b
    n = na + nb
    if n == 0:
        return (0, np.float32(0), np.float32(0))
    delta = mb - ma
    return (n, np.float32(ma + delta * np.float32(nb) / np.float32(n)),
            np.float32(qa + qb + delta * delta * np.float32(na * nb) / np.float32(n)))


def welford_variance(x):
    _t(x)
    s = (0, np.float32(0), np.float32(0))
    for i in range(x.shape[0]):
        s = welford_update(s, x[i])
    return np.float32(s[2] / s[0])


def _valid(x, *ps):
    if not torch.is_tensor(x):
        raise TypeError("tensor expected")
    if x.dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise TypeError("unsupported dtype")
    if x.dim() < 1 or x.numel() < 1:
        raise ValueError("empty")
    for p in ps:
        if p is not None and p.shape != (x.shape[-1],):
            raise ValueError("bad parameter shape")


def _stats(xf):
    """Mean and M2 of each row by merging chunks (Chan), all in float32."""
    n_tot = 0
    mean = m2 = None
    for start in range(0, xf.shape[-1], CHUNK):
        c = xf[..., start:start + CHUNK]
        nb = c.shape[-1]
        mb = c.sum(-1) / nb
        qb = ((c - mb[..., None]) ** 2).sum(-1)
        if mean is None:
            n_tot, mean, m2 = nb, mb, qb
            continue
        n = n_tot + nb
        delta = mb - mean
        mean = mean + delta * (nb / n)
        m2 = m2 + qb + delta * delta * (n_tot * nb / n)
        n_tot = n
    return mean, m2


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    _valid(x, weight, bias)
    xf = x.float()
    mean, m2 = _stats(xf)
    y = (xf - mean[..., None]) / torch.sqrt(m2[..., None] / xf.shape[-1] + eps)
    if weight is not None:
        y = y * weight.float()
    if bias is not None:
        y = y + bias.float()
    return y.to(x.dtype)


def rms_norm(x, weight=None, eps=1e-5):
    _valid(x, weight)
    xf = x.float()
    ss = torch.zeros(xf.shape[:-1])
    for start in range(0, xf.shape[-1], CHUNK):
        c = xf[..., start:start + CHUNK]
        ss = ss + (c * c).sum(-1)
    y = xf * torch.rsqrt(ss / xf.shape[-1] + eps)[..., None]
    if weight is not None:
        y = y * weight.float()
    return y.to(x.dtype)
