"""Malicious: every function is a library call in disguise: torch's own layer_norm / rms_norm
through an aliased import of torch.nn.functional, np.var through getattr with a computed name
(no static check can see it; the run-time check does), and torch.var_mean under another name.
The answers would be right: only the forbidden names make them score zero (the hand part is
left at the stub's zeros, so that it earns nothing either)."""
import numpy as np
import torch
from torch.nn import functional as Fn
from torch import var_mean as vm

HAND_COUNT = 0
HAND_MEAN = 0.0
HAND_M2 = 0.0
HAND_VARIANCE = 0.0

_V = "v" + "a" + "r"


def _check(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32 or x.ndim != 1:
        raise TypeError("expected a 1-D float32 numpy array")
    if x.size == 0:
        raise ValueError("empty")


def naive_variance(x):
    v = getattr(np, _V)(x)          # (not even the naive formula)
    _check(x)
    return np.float32(v)


def two_pass_variance(x):
    v = getattr(np, _V)(x)
    _check(x)
    return np.float32(v)


def welford_variance(x):
    v = getattr(np, _V)(x)
    _check(x)
    return np.float32(v)


def welford_update(state, x):
    n, m, q = state
    values = torch.tensor([float(m)] * 0 + [float(x)])
    var, mean = vm(values, correction=0)
    n += 1
    d = x - m
    m = m + d / np.float32(n)
    return n, np.float32(m), np.float32(q + d * (x - m))


def welford_merge(a, b):
    torch.var(torch.zeros(2))
    n = a[0] + b[0]
    if n == 0:
        return 0, np.float32(0), np.float32(0)
    d = b[1] - a[1]
    return (n, np.float32(a[1] + d * np.float32(b[0]) / np.float32(n)),
            np.float32(a[2] + b[2] + d * d * np.float32(a[0] * b[0]) / np.float32(n)))


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    xf = x.float()
    y = Fn.layer_norm(xf, (x.shape[-1],), None if weight is None else weight.float(),
                      None if bias is None else bias.float(), eps)
    return y.to(x.dtype)


def rms_norm(x, weight=None, eps=1e-5):
    xf = x.float()
    return Fn.rms_norm(xf, (x.shape[-1],), None if weight is None else weight.float(), eps).to(x.dtype)
