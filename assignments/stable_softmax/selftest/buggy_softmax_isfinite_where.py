"""Buggy (softmax only): softmax masks with where=np.isfinite(z), which also drops NaN entries: a NaN slice is not NaN."""
import numpy as np


def _shift(z, axis):
    w = np.asarray(z, dtype=np.float64)
    m = np.max(w, axis=axis, keepdims=True)
    m = np.where(np.isneginf(m), 0.0, m)
    return w, m


def softmax(z, axis=-1):
    w = np.asarray(z, dtype=np.float64)
    keep = np.isfinite(w)
    m = np.max(w, axis=axis, keepdims=True, where=keep, initial=-np.inf)
    m = np.where(np.isneginf(m), 0.0, m)
    e = np.zeros_like(w)
    with np.errstate(all="ignore"):
        np.exp(w - m, out=e, where=keep)
        return (e / e.sum(axis=axis, keepdims=True)).astype(z.dtype)


def log_softmax(z, axis=-1):
    w, m = _shift(z, axis)
    with np.errstate(all="ignore"):
        d = w - m
        return (d - np.log(np.exp(d).sum(axis=axis, keepdims=True))).astype(z.dtype)


def logsumexp(z, axis=-1):
    w, m = _shift(z, axis)
    with np.errstate(all="ignore"):
        s = np.exp(w - m).sum(axis=axis, keepdims=True)
        return np.squeeze(m + np.log(s), axis=axis).astype(z.dtype)
