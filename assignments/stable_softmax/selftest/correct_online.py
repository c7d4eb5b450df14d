"""Correct: the single-pass "online softmax" of flash attention, vectorised over slices: walk
the axis once keeping a running max m and a running sum s rescaled whenever the max grows, all
in z's dtype."""
import numpy as np


def _online(z, axis):
    zl = np.moveaxis(np.asarray(z), axis, -1)
    t = zl.dtype
    m = np.full(zl.shape[:-1], -np.inf, dtype=t)
    s = np.zeros(zl.shape[:-1], dtype=t)
    nan = np.zeros(zl.shape[:-1], dtype=bool)
    with np.errstate(all="ignore"):
        for j in range(zl.shape[-1]):
            x = zl[..., j]
            nan |= np.isnan(x)
            new = np.maximum(m, x)
            safe = np.where(np.isneginf(new), np.zeros_like(new), new)
            s = s * np.exp(m - safe) + np.exp(x - safe)
            m = new
        m = np.where(nan, np.full_like(m, np.nan), m)
        s = np.where(nan, np.full_like(s, np.nan), s)
    return zl, m, s


def softmax(z, axis=-1):
    zl, m, s = _online(z, axis)
    with np.errstate(all="ignore"):
        safe = np.where(np.isneginf(m), np.zeros_like(m), m)[..., None]
        return np.moveaxis(np.exp(zl - safe) / s[..., None], -1, axis)


def log_softmax(z, axis=-1):
    zl, m, s = _online(z, axis)
    with np.errstate(all="ignore"):
        safe = np.where(np.isneginf(m), np.zeros_like(m), m)[..., None]
        return np.moveaxis((zl - safe) - np.log(s)[..., None], -1, axis)


def logsumexp(z, axis=-1):
    zl, m, s = _online(z, axis)
    with np.errstate(all="ignore"):
        safe = np.where(np.isneginf(m), np.zeros_like(m), m)
        return safe + np.log(s)
