"""Correct: index loops, with an explicit np.float32(...) cast after every operation."""
import numpy as np

F = np.float32


def _is_f32_vector(x):
    return type(x) is np.ndarray and len(x.shape) == 1 and x.dtype == np.dtype("float32")


def naive_sum(x):
    if not _is_f32_vector(x):
        raise TypeError("naive_sum needs a 1-D float32 array")
    s = F(0.0)
    for i in range(x.shape[0]):
        s = F(s + F(x[i]))
    return F(s)


def kahan_sum(x):
    if not _is_f32_vector(x):
        raise TypeError("kahan_sum needs a 1-D float32 array")
    s = F(0.0)
    c = F(0.0)
    for i in range(len(x)):
        y = F(F(x[i]) - c)
        t = F(s + y)
        c = F(F(t - s) - y)
        s = t
    return s


def neumaier_sum(x):
    if not _is_f32_vector(x):
        raise TypeError("neumaier_sum needs a 1-D float32 array")
    s = F(0.0)
    c = F(0.0)
    i = 0
    while i < len(x):
        v = F(x[i])
        t = F(s + v)
        if np.abs(s) >= np.abs(v):
            e = F(F(s - t) + v)
        else:
            e = F(F(v - t) + s)
        c = F(c + e)
        s = t
        i += 1
    return F(s + c)
