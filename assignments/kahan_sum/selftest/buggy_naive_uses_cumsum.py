"""Buggy (forbidden): naive_sum takes the last entry of x.cumsum(), which for float32 is even
the right value; the cumsum is forbidden, so the naive_sum tests score 0."""
import numpy as np


def _check(x):
    if not isinstance(x, np.ndarray) or x.ndim != 1 or x.dtype != np.float32:
        raise TypeError("expected a 1-D float32 numpy array")


def naive_sum(x):
    _check(x)
    if len(x) == 0:
        return np.float32(0)
    return x.cumsum()[-1]


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
        if abs(s) >= abs(v):
            c += (s - t) + v
        else:
            c += (v - t) + s
        s = t
    return s + c
