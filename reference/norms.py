"""Reference solution for the ``norms`` assignment (never shipped to students).

Variance three ways on 1-D float32 arrays (population variance, divide by n):

* ``naive_variance``     mean(x*x) - mean(x)**2 in float32: fails on purpose for a large mean;
* ``two_pass_variance``  mean first, then the mean of the squared deviations;
* Welford's online update, Chan et al.'s merge of two states, and a Welford pass.

Then LayerNorm and RMSNorm over the last axis of a float32 / float16 / bfloat16 tensor: the
statistics and the arithmetic in float32, the result rounded once to the input's dtype.

Error bounds (u = 2**-24, n terms, v the exact variance, Q = mean(x*x), M = max|x|):

* naive:     |v^ - v| <= 4(n+2) u Q
* two-pass:  |v^ - v| <= (n+8) u v + 2 (n u M)**2
* Welford:   |v^ - v| <= (n+8) u v + 3 E sqrt(v) + 2 E**2,   E = (n+16) u M / 2
"""

import numpy as np
import torch

__all__ = [
    "HAND_COUNT",
    "HAND_M2",
    "HAND_MEAN",
    "HAND_VARIANCE",
    "layer_norm",
    "naive_variance",
    "rms_norm",
    "two_pass_variance",
    "welford_merge",
    "welford_update",
    "welford_variance",
]

# The hand part for the class's default values: (3, 2.0, 8.0) merged with (5, 5.0, 12.0).
# n = 8, delta = 3, mean = 2 + 3*5/8, M2 = 8 + 12 + 9*3*5/8, variance = M2 / 8.
HAND_COUNT = 8
HAND_MEAN = 3.875
HAND_M2 = 36.875
HAND_VARIANCE = 4.609375

_NORM_DTYPES = (torch.float32, torch.float16, torch.bfloat16)


def _check_array(x, name):
    """TypeError unless x is a 1-D float32 ndarray; ValueError when it is empty."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name}: expected a 1-D numpy.ndarray of float32, got {type(x).__name__}")
    if x.dtype != np.float32:
        raise TypeError(f"{name}: expected dtype float32, got {x.dtype}")
    if x.ndim != 1:
        raise TypeError(f"{name}: expected a 1-D array, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name}: the variance of an empty array is undefined")


def naive_variance(x) -> np.float32:
    """mean(x*x) - mean(x)*mean(x), every operation in float32.

    np.sum of a float32 array is a float32 sum, and dividing an np.float32 by a Python int is a
    float32 division (NEP 50: the int is a "weak" scalar), so nothing here widens to float64.
    """
    _check_array(x, "naive_variance")
    n = x.size
    mean = np.sum(x) / n
    mean_sq = np.sum(x * x) / n
    return mean_sq - mean * mean


def two_pass_variance(x) -> np.float32:
    """Pass 1: mean = sum(x) / n. Pass 2: sum((x - mean)**2) / n. All in float32."""
    _check_array(x, "two_pass_variance")
    n = x.size
    d = x - np.sum(x) / n
    return np.sum(d * d) / n


def welford_update(state, x):
    """One step of Welford's algorithm, in float32 (mean, M2 and x are np.float32).

    count' = count + 1; delta = x - mean; mean' = mean + delta / count';
    M2' = M2 + delta * (x - mean').
    """
    count, mean, m2 = state
    count = count + 1
    delta = x - mean
    mean = mean + delta / count
    return count, mean, m2 + delta * (x - mean)


def welford_merge(a, b):
    """Chan, Golub & LeVeque's parallel merge of two Welford states, in float32.

    n = na + nb; delta = mean_b - mean_a; mean = mean_a + delta * nb / n;
    M2 = M2_a + M2_b + delta**2 * na * nb / n. Two empty states merge to (0, 0, 0).
    """
    na, mean_a, m2_a = a
    nb, mean_b, m2_b = b
    n = na + nb
    if n == 0:
        return 0, np.float32(0.0), np.float32(0.0)
    delta = mean_b - mean_a
    return n, mean_a + delta * nb / n, m2_a + m2_b + delta * delta * (na * nb) / n


def welford_variance(x) -> np.float32:
    """Fold welford_update over x from the empty state (0, 0, 0); return M2 / n."""
    _check_array(x, "welford_variance")
    state = (0, np.float32(0.0), np.float32(0.0))
    for v in x:
        state = welford_update(state, v)
    count, _, m2 = state
    return m2 / count


def _check_tensor(x, name, params):
    if not isinstance(x, torch.Tensor) or x.dtype not in _NORM_DTYPES:
        raise TypeError(f"{name}: x must be a float32, float16 or bfloat16 torch.Tensor, "
                        f"got {getattr(x, 'dtype', type(x).__name__)}")
    if x.dim() == 0 or x.numel() == 0:
        raise ValueError(f"{name}: x must have at least one dimension and one element, "
                         f"got shape {tuple(x.shape)}")
    d = x.shape[-1]
    for pname, p in params:
        if p is not None and tuple(p.shape) != (d,):
            raise ValueError(f"{name}: {pname} must have shape ({d},), got {tuple(p.shape)}")


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last axis (biased variance).

    Statistics by two passes in float32; the result is rounded once to x's dtype.
    """
    _check_tensor(x, "layer_norm", [("weight", weight), ("bias", bias)])
    xf = x.float()
    n = xf.shape[-1]
    mean = xf.sum(dim=-1, keepdim=True) / n
    d = xf - mean
    var = (d * d).sum(dim=-1, keepdim=True) / n
    y = d / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight.float()
    if bias is not None:
        y = y + bias.float()
    return y.to(x.dtype)


def rms_norm(x, weight=None, eps=1e-5):
    """x / sqrt(mean(x**2) + eps) * weight over the last axis, in float32, rounded once."""
    _check_tensor(x, "rms_norm", [("weight", weight)])
    xf = x.float()
    n = xf.shape[-1]
    ms = (xf * xf).sum(dim=-1, keepdim=True) / n
    y = xf / torch.sqrt(ms + eps)
    if weight is not None:
        y = y * weight.float()
    return y.to(x.dtype)
