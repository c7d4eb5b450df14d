"""Buggy (logsumexp only): logsumexp without the guard for an all -inf slice: m = -inf gives -inf - -inf = NaN, not -inf."""
import numpy as np


def _shift(z, axis):
    w = np.asarray(z, dtype=np.float64)
    m = np.max(w, axis=axis, keepdims=True)
    m = np.where(np.isneginf(m), 0.0, m)
    return w, m


def softmax(z, axis=-1):
    w, m = _shift(z, axis)
    with np.errstate(all="ignore"):
        e = np.exp(w - m)
        return (e / e.sum(axis=axis, keepdims=True)).astype(z.dtype)


def log_softmax(z, axis=-1):
    w, m = _shift(z, axis)
    with np.errstate(all="ignore"):
        d = w - m
        return (d - np.log(np.exp(d).sum(axis=axis, keepdims=True))).astype(z.dtype)


def logsumexp(z, axis=-1):
    with np.errstate(all="ignore"):
        m = np.max(z, axis=axis, keepdims=True)
        s = np.sum(np.exp(z - m), axis=axis, keepdims=True)
        return np.squeeze(m + np.log(s), axis=axis)
