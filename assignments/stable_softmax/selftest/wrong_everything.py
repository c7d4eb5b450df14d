"""Every answer wrong, every type right: each function returns z's dtype and the contract's shape
(logsumexp: the axis reduced away, a NumPy scalar for 1-D z), with values that are wrong for
every slice, masked and NaN slices included, and raises for nothing. It must score zero: no test
may give points for types alone."""
import numpy as np


def softmax(z, axis=-1):
    # a probability is never negative, and NaN / all -inf slices want NaN
    return np.full_like(z, -1.0)


def log_softmax(z, axis=-1):
    # a log-probability is never positive, and NaN / all -inf slices want NaN
    return np.full_like(z, 1.0)


def logsumexp(z, axis=-1):
    # The answer L lies in [m, m + log n] (m the slice max, n its length) and the tolerance is
    # below (1 + |m|) / 2 in every dtype; so -1 - m (m >= 0) and log(n) + 1 (m < 0) are off by
    # 1 + |m| or more, and stay in range. NaN and -inf (what NaN and all -inf slices want)
    # never come out: those entries are read as the dtype's lowest value.
    low = np.finfo(z.dtype).min
    m = np.max(np.where(np.isnan(z) | np.isneginf(z), low, z), axis=axis)
    return np.where(m >= 0, -1 - m, np.log(z.shape[axis]) + 1).astype(z.dtype)[()]
