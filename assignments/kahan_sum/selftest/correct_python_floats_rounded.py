"""Correct: Python floats, but every single operation is rounded to float32 at once.

The sum or difference of two float32 values, computed in float64 and then rounded to float32,
is the correctly rounded float32 result: double rounding is harmless because 53 >= 2*24 + 2
(Figueroa 1995), and no float64 value is ever carried to the next operation unrounded.
"""
import numpy as np


def _r(v):
    return float(np.float32(v))


def _check(x):
    if not (isinstance(x, np.ndarray) and x.ndim == 1 and x.dtype == np.float32):
        raise TypeError("expected a 1-D float32 array")


def naive_sum(x):
    _check(x)
    s = 0.0
    for v in x.tolist():
        s = _r(s + v)
    return np.float32(s)


def kahan_sum(x):
    _check(x)
    s = c = 0.0
    for v in x.tolist():
        y = _r(v - c)
        t = _r(s + y)
        c = _r(_r(t - s) - y)
        s = t
    return np.float32(s)


def neumaier_sum(x):
    _check(x)
    s = c = 0.0
    for v in x.tolist():
        t = _r(s + v)
        if abs(s) >= abs(v):
            c = _r(c + _r(_r(s - t) + v))
        else:
            c = _r(c + _r(_r(v - t) + s))
        s = t
    return np.float32(_r(s + c))
