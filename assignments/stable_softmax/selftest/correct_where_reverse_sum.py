"""Correct: moves the axis last, exponentiates with np.exp(..., where=...) so that masked
entries are exactly 0 without computing exp(-inf), and sums each slice from the END, one
element at a time in z's dtype (a different summation order from NumPy's pairwise sum)."""
import numpy as np


def _rows(z, axis):
    zl = np.moveaxis(np.asarray(z), axis, -1)
    m = np.max(zl, axis=-1, keepdims=True)              # NaN propagates
    allmasked = np.isneginf(m)
    m = np.where(allmasked, np.zeros_like(m), m)
    with np.errstate(all="ignore"):
        d = zl - m
    live = ~np.isneginf(zl)                              # NaN counts as live, so it propagates
    e = np.zeros_like(zl)
    with np.errstate(all="ignore"):
        np.exp(d, out=e, where=live)
    s = np.zeros(zl.shape[:-1] + (1,), dtype=zl.dtype)
    for j in range(zl.shape[-1] - 1, -1, -1):            # reverse order, sequential
        s = s + e[..., j:j + 1]
    return zl, m, d, e, s


def softmax(z, axis=-1):
    zl, m, d, e, s = _rows(z, axis)
    with np.errstate(all="ignore"):
        return np.moveaxis(e / s, -1, axis)


def log_softmax(z, axis=-1):
    zl, m, d, e, s = _rows(z, axis)
    with np.errstate(all="ignore"):
        return np.moveaxis(d - np.log(s), -1, axis)


def logsumexp(z, axis=-1):
    zl, m, d, e, s = _rows(z, axis)
    with np.errstate(all="ignore"):
        return (m + np.log(s))[..., 0]
