"""Correct, written differently: values from x.tolist() (Python floats) meet np.float32
accumulators, which NEP 50 keeps in float32; naive_sum by functools.reduce; Kahan with the
compensation kept with the opposite sign (c' = y - (t - s), y = v + c': the same numbers,
negated exactly); Neumaier with a strict test and the operands swapped (when |s| == |v| both
orders give the exact error)."""
import functools
import operator

import numpy as np


def _check(x):
    if not isinstance(x, np.ndarray):
        raise TypeError(f"not an array: {type(x).__name__}")
    if x.ndim != 1:
        raise TypeError("not 1-D")
    if x.dtype != np.float32:
        raise TypeError(f"dtype {x.dtype}, not float32")


def naive_sum(x):
    _check(x)
    return functools.reduce(operator.add, x.tolist(), np.float32(0))


def kahan_sum(x):
    _check(x)
    s = np.float32(0)
    comp = np.float32(0)          # comp = -c
    for v in x.tolist():
        y = v + comp
        t = s + y
        comp = y - (t - s)
        s = t
    return s


def neumaier_sum(x):
    _check(x)
    s = np.float32(0)
    c = np.float32(0)
    for v in x.tolist():
        a, b = (v, s) if abs(v) > abs(s) else (s, v)   # a is the larger in magnitude
        t = a + b
        c = c + ((a - t) + b)
        s = t
    return s + c
