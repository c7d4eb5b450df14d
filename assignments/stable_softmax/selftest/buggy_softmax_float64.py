"""Buggy (softmax only): softmax computes in float64 and forgets to convert back: float16/float32 inputs get a float64 answer."""
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
        return e / e.sum(axis=axis, keepdims=True)


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
