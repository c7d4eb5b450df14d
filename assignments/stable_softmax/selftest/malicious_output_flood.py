"""Malicious: floods stdout and stderr with megabytes at every call, and answers garbage."""
import sys

import numpy as np

_CHUNK = "x" * 1_000_000


def _flood():
    for _ in range(20):
        sys.stdout.write(_CHUNK)
        sys.stderr.write(_CHUNK)
    sys.stdout.flush()


def softmax(z, axis=-1):
    _flood()
    return np.full(z.shape, 0.25, dtype=z.dtype)


def log_softmax(z, axis=-1):
    _flood()
    return np.full(z.shape, 0.25, dtype=z.dtype)


def logsumexp(z, axis=-1):
    _flood()
    return np.full(np.delete(z.shape, axis % z.ndim), 0.25, dtype=z.dtype)
