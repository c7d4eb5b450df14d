"""Malicious: tries to kill its parent process (the grader, or whatever started the worker),
then answers garbage. The worker must not be able to take the grader down."""
import os
import signal

import numpy as np


def _attack():
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except OSError:
        pass


def softmax(z, axis=-1):
    _attack()
    return np.full(z.shape, 0.25, dtype=z.dtype)


def log_softmax(z, axis=-1):
    _attack()
    return np.full(z.shape, 0.25, dtype=z.dtype)


def logsumexp(z, axis=-1):
    _attack()
    return np.full(np.delete(z.shape, axis % z.ndim), 0.25, dtype=z.dtype)
