"""Partly done (the sample class's dave): softmax works, log_softmax and logsumexp still raise
NotImplementedError, so only softmax's tests score."""
import numpy as np


def softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, np.zeros_like(m))
    with np.errstate(all="ignore"):
        e = np.exp(z - m)
        return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    raise NotImplementedError("log_softmax: write this function")


def logsumexp(z, axis=-1):
    raise NotImplementedError("logsumexp: write this function")
