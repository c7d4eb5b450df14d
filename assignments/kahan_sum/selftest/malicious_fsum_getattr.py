"""Malicious: math.fsum reached by getattr with a computed name (no static check can see it);
called before the argument check, so every call uses it."""
import math

import numpy as np

_fs = "f" + "s" + "u" + "m"


def _total(x):
    return getattr(math, _fs)(x)


def naive_sum(x):
    total = _total(x)
    if not isinstance(x, np.ndarray) or x.ndim != 1 or x.dtype != np.float32:
        raise TypeError("expected a 1-D float32 numpy array")
    return np.float32(total)


kahan_sum = neumaier_sum = naive_sum
