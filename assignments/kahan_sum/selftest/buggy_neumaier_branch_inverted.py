"""Buggy: neumaier_sum has the branch condition inverted (|s| < |v| picks (s - t) + v)."""
import numpy as np


def _check(x):
    if not isinstance(x, np.ndarray) or x.ndim != 1 or x.dtype != np.float32:
        raise TypeError("expected a 1-D float32 numpy array")


def naive_sum(x):
    _check(x)
    s = np.float32(0)
    for v in x:
        s += v
    return s


def kahan_sum(x):
    _check(x)
    s = c = np.float32(0)
    for v in x:
        y = v - c
        t = s + y
        c = (t - s) - y
        s = t
    return s


def neumaier_sum(x):
    _check(x)
    s = c = np.float32(0)
    for v in x:
        t = s + v
        if abs(s) < abs(v):
            c += (s - t) + v
        else:
            c += (v - t) + s
        s = t
    return s + c
