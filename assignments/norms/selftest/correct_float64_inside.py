"""Correct, computing inside in float64 wherever the statement allows it (two-pass, Welford,
the merge, LayerNorm and RMSNorm with NumPy in float64) and rounding once at the end; only the
naive formula stays in float32, as it must. Errors are collected in one helper per kind."""
import numpy as np
import torch

HAND_COUNT = 8
HAND_MEAN = 3.875
HAND_M2 = 36.875
HAND_VARIANCE = 4.609375

_OK = {torch.float32, torch.float16, torch.bfloat16}


def _array(x):
    if not (isinstance(x, np.ndarray) and x.ndim == 1 and x.dtype == np.dtype("float32")):
        raise TypeError("x must be a 1-D float32 numpy array")
    if not x.size:
        raise ValueError("x is empty")
    return x


def naive_variance(x):
    x = _array(x)
    n = np.float32(x.size)
    m = x.sum(dtype=np.float32) / n
    return np.float32((x * x).sum(dtype=np.float32) / n - m * m)


def two_pass_variance(x):
    w = _array(x).astype(np.float64)
    d = w - w.sum() / w.size
    return np.float32(np.dot(d, d) / w.size)


def welford_update(state, x):
    n, m, q = int(state[0]) + 1, float(state[1]), float(state[2])
    delta = float(x) - m
    m += delta / n
    q += delta * (float(x) - m)
    return n, np.float32(m), np.float32(q)


def welford_merge(a, b):
    n = a[0] + b[0]
    if not n:
        return 0, np.float32(0.0), np.float32(0.0)
    delta = float(b[1]) - float(a[1])
    return (n, np.float32(float(a[1]) + delta * b[0] / n),
            np.float32(float(a[2]) + float(b[2]) + delta * delta * a[0] * b[0] / n))


def welford_variance(x):
    x = _array(x)
    n, m, q = 0, 0.0, 0.0
    for v in x.tolist():
        n += 1
        d = v - m
        m += d / n
        q += d * (v - m)
    return np.float32(q / n)


def _rows(x, *params):
    if not isinstance(x, torch.Tensor) or x.dtype not in _OK:
        raise TypeError("x must be a float32, float16 or bfloat16 torch.Tensor")
    if x.dim() == 0 or x.numel() == 0:
        raise ValueError("x must have at least one element and one dimension")
    d = x.shape[-1]
    if any(p is not None and tuple(p.shape) != (d,) for p in params):
        raise ValueError("weight and bias must have shape (d,)")
    return x.detach().to(torch.float64).numpy()


def _back(y, x):
    return torch.from_numpy(np.ascontiguousarray(y)).to(torch.float32).to(x.dtype) \
        if x.dtype != torch.float32 else torch.from_numpy(y.astype(np.float32))


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    a = _rows(x, weight, bias)
    mu = a.mean(axis=-1, keepdims=True)
    var = ((a - mu) ** 2).mean(axis=-1, keepdims=True)
    y = (a - mu) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight.to(torch.float64).numpy()
    if bias is not None:
        y = y + bias.to(torch.float64).numpy()
    return _back(y, x)


def rms_norm(x, weight=None, eps=1e-5):
    a = _rows(x, weight)
    y = a / np.sqrt((a * a).mean(axis=-1, keepdims=True) + eps)
    if weight is not None:
        y = y * weight.to(torch.float64).numpy()
    return _back(y, x)
