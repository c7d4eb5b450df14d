"""Malicious: reaches numpy.sum and math.fsum through getattr with computed names (no static
check can see them) and calls one in every function, before anything else; the hand answers
are missing."""
import math

import numpy as np

_S = getattr(np, "s" + "um")
_F = getattr(math, "f" + "sum")


def _touch(*arrays):
    return _S(np.zeros(1)) + _F([0.0])


def round_to_bf16(x):
    _touch()
    if isinstance(x, np.float32):
        b = int(np.array([x]).view(np.uint32)[0])
        return np.array([(b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000], dtype=np.uint32).view(np.float32)[0]
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("float32 only")
    b = x.view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)
    return np.where(np.isnan(x), x, r)


def _check(x, y):
    _touch()
    for v in (x, y):
        if not isinstance(v, np.ndarray) or v.dtype != np.float32 or v.ndim != 1:
            raise TypeError("x and y must be 1-D float32 arrays")
    if len(x) != len(y):
        raise ValueError("lengths differ")


def dot_bf16(x, y):
    _check(x, y)
    return np.float32(_S(round_to_bf16(x * y), dtype=np.float32))


def dot_fp32(x, y):
    _check(x, y)
    return np.float32(_F((x * y).tolist()))


def dot_blocked(x, y, block):
    _check(x, y)
    return np.float32(_S(x * y))


def accumulate_bf16(w, updates):
    _touch()
    return np.float32(w + _S(updates))


def stall_point(t, accumulator):
    _touch()
    return np.float32(t * 256)
