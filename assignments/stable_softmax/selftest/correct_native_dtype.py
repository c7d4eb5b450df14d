"""Correct: everything in z's own dtype (float16 stays float16), scipy's trick for the shift:
a non-finite max (all -inf, or NaN) is replaced by 0 and the NaN/-inf follow by themselves."""
import numpy as np


def _prep(z, axis):
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, np.zeros_like(m))
    return m


def softmax(z, axis=-1):
    with np.errstate(all="ignore"):
        m = _prep(z, axis)
        e = np.exp(z - m)
        return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    with np.errstate(all="ignore"):
        m = _prep(z, axis)
        d = z - m
        return d - np.log(np.sum(np.exp(d), axis=axis, keepdims=True))


def logsumexp(z, axis=-1):
    with np.errstate(all="ignore"):
        m = _prep(z, axis)
        out = np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True)) + m
        return np.squeeze(out, axis=axis)
