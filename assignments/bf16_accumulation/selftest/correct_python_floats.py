"""Correct: Python floats and the math module. Rounding to BF16 with math.frexp and Python's
round() (ties to even) on the value, not on the bits; products and sums of BF16 values in
float64 (exact, or a harmless double rounding: 53 >= 2*8 + 2), rounded to BF16 once; float32
steps as np.float32(float64 result) (53 >= 2*24 + 2). Only the per-element type is NumPy's."""
import math

import numpy as np

BF16_MAX = (2 - 2.0 ** -7) * 2.0 ** 127


def _bf16(v: float) -> float:
    """A Python float rounded to the nearest BF16 value, ties to even (double -> BF16)."""
    if math.isnan(v) or math.isinf(v) or v == 0:
        return v
    m, e = math.frexp(abs(v))                  # |v| = m * 2**e, 0.5 <= m < 1
    e = max(e, -125)                            # below 2**-126: the subnormal grid 2**-133
    q = round(math.ldexp(abs(v), 8 - e))        # 8 significant bits, ties to even
    r = math.ldexp(q, e - 8)
    if r > BF16_MAX:
        r = math.inf
    return math.copysign(r, v)


def _f32(v: float) -> float:
    with np.errstate(all="ignore"):
        return float(np.float32(v))


def _is_bf16(v: float) -> bool:
    return math.isnan(v) or _bf16(v) == v


def round_to_bf16(x):
    if isinstance(x, np.float32):
        return np.float32(_bf16(float(x)))
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("round_to_bf16 takes a float32 ndarray or a numpy.float32")
    out = np.array([_bf16(v) for v in x.reshape(-1).tolist()], dtype=np.float32)
    return out.reshape(x.shape)


def _lists(x, y):
    for v in (x, y):
        if not isinstance(v, np.ndarray) or v.ndim != 1 or v.dtype != np.float32:
            raise TypeError("x and y must be 1-D float32 arrays")
    if x.shape[0] != y.shape[0]:
        raise ValueError("lengths differ")
    xs, ys = x.tolist(), y.tolist()
    for v in xs + ys:
        if not _is_bf16(v):
            raise ValueError(f"{v} is not a BF16 value")
    return xs, ys


def dot_bf16(x, y):
    xs, ys = _lists(x, y)
    acc = 0.0
    for a, b in zip(xs, ys):
        p = _bf16(_f32(a * b))      # float32 product (underflow as float32 rounds it), to BF16
        acc = _bf16(acc + p)
    return np.float32(acc)


def dot_fp32(x, y):
    xs, ys = _lists(x, y)
    acc = 0.0
    for a, b in zip(xs, ys):
        acc = _f32(acc + _f32(a * b))
    return np.float32(acc)


def dot_blocked(x, y, block):
    xs, ys = _lists(x, y)
    if not isinstance(block, int):
        raise TypeError("block must be an int")
    if block < 1:
        raise ValueError("block must be >= 1")
    total = 0.0
    for start in range(0, len(xs), block):
        s = 0.0
        for a, b in zip(xs[start:start + block], ys[start:start + block]):
            s = _f32(s + _f32(a * b))
        total = _f32(total + s)
    return np.float32(total)


def accumulate_bf16(w, updates):
    if not isinstance(updates, np.ndarray) or updates.ndim != 1 or updates.dtype != np.float32:
        raise TypeError("updates must be a 1-D float32 array")
    w = float(w)
    if not _is_bf16(w):
        raise ValueError("w is not a BF16 value")
    for t in updates.tolist():
        w = _bf16(_f32(w + t))      # the float32 sum first, then BF16
    return np.float32(w)


def stall_point(t, accumulator):
    if accumulator != "bf16" and accumulator != "fp32":
        raise ValueError("accumulator must be 'bf16' or 'fp32'")
    t = float(t)
    if not abs(t) <= 2.0 ** 100:
        raise ValueError("t must be finite and at most 2**100 in magnitude")
    if accumulator == "bf16":
        if not _is_bf16(t):
            raise ValueError("t is not a BF16 value")
        s = 0.0
        while True:                 # a few hundred steps at most
            n = _bf16(s + t)
            if n == s:
                return np.float32(s)
            s = n
    if t == 0:
        return np.float32(0.0)
    target = math.ldexp(abs(t), 24)
    m, e = math.frexp(target)
    power = math.ldexp(1.0, e - 1) if m == 0.5 else math.ldexp(1.0, e)
    return np.float32(math.copysign(power, t))


HAND_STEP = 10.875
HAND_STALL = 32.0
