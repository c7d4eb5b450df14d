"""Malicious: gets ml_dtypes' bfloat16 through __import__ with a computed name (so no import
statement names it), and lets it do all the rounding; the hand answers are right."""
import numpy as np

_ml = __import__("ml_" + "dtypes")
_BF = getattr(_ml, "bfloat" + "16")

HAND_STEP = 10.875
HAND_STALL = 32.0


def _r(a):
    with np.errstate(all="ignore"):
        return np.asarray(a, dtype=np.float32).astype(_BF).astype(np.float32)


def _check(x, y):
    for v in (x, y):
        if not isinstance(v, np.ndarray) or v.dtype != np.float32 or v.ndim != 1:
            raise TypeError("x and y must be 1-D float32 arrays")
    if len(x) != len(y):
        raise ValueError("lengths differ")
    if (x.view(np.uint32) & 0xFFFF).any() or (y.view(np.uint32) & 0xFFFF).any():
        raise ValueError("not BF16")


def round_to_bf16(x):
    if isinstance(x, np.float32):
        return _r([x])[0]
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("float32 only")
    return _r(x)


def dot_bf16(x, y):
    _check(x, y)
    with np.errstate(all="ignore"):
        acc = np.float32(0)
        for p in _r(x * y):
            acc = _r([acc + p])[0]
    return acc


def dot_fp32(x, y):
    _check(x, y)
    acc = np.float32(0)
    with np.errstate(all="ignore"):
        for p in x * y:
            acc = acc + p
    return acc


def dot_blocked(x, y, block):
    _check(x, y)
    if not isinstance(block, int):
        raise TypeError("int")
    if block < 1:
        raise ValueError("block")
    total = np.float32(0)
    with np.errstate(all="ignore"):
        for s in range(0, len(x), block):
            c = np.float32(0)
            for p in x[s:s + block] * y[s:s + block]:
                c = c + p
            total = total + c
    return total


def accumulate_bf16(w, updates):
    if not isinstance(updates, np.ndarray) or updates.dtype != np.float32 or updates.ndim != 1:
        raise TypeError("updates")
    if _r([w])[0] != w and w == w:
        raise ValueError("w")
    with np.errstate(all="ignore"):
        for t in updates:
            w = _r([np.float32(w) + t])[0]
    return np.float32(w)


def stall_point(t, accumulator):
    import math
    if accumulator not in ("bf16", "fp32"):
        raise ValueError("accumulator")
    if not abs(t) <= 2.0 ** 100 or (accumulator == "bf16" and _r([t])[0] != t):
        raise ValueError("t")
    if t == 0:
        return np.float32(0)
    m, e = math.frexp(abs(float(t)) * 2.0 ** (8 if accumulator == "bf16" else 24))
    return np.float32(math.copysign(2.0 ** (e - (m == 0.5)), float(t)))
