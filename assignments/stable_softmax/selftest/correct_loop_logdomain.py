"""Correct: one slice at a time with scalar arithmetic in z's dtype (NumPy scalars: float16 stays
float16 after every single operation), a naive left-to-right sum, and softmax computed in the
log domain as exp(log_softmax)."""
import numpy as np


def _slices(z, axis):
    zl = np.moveaxis(np.asarray(z), axis, -1)
    return zl, zl.reshape(-1, zl.shape[-1])


def _log_softmax_row(row):
    t = row.dtype.type
    m = row[0]
    for v in row:
        if np.isnan(v):
            return [t(np.nan)] * len(row), t(np.nan)
        if v > m:
            m = v
    if np.isneginf(m):
        return [t(np.nan)] * len(row), t(-np.inf)
    s = t(0)
    for v in row:
        s = s + np.exp(v - m)
    ls = np.log(s)
    return [(v - m) - ls for v in row], m + ls


def log_softmax(z, axis=-1):
    zl, rows = _slices(z, axis)
    with np.errstate(all="ignore"):
        out = np.array([_log_softmax_row(r)[0] for r in rows], dtype=zl.dtype)
    return np.moveaxis(out.reshape(zl.shape), -1, axis)


def softmax(z, axis=-1):
    with np.errstate(all="ignore"):
        return np.exp(log_softmax(z, axis))


def logsumexp(z, axis=-1):
    zl, rows = _slices(z, axis)
    with np.errstate(all="ignore"):
        out = np.array([_log_softmax_row(r)[1] for r in rows], dtype=zl.dtype)
    return out.reshape(zl.shape[:-1])
