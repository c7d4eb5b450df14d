"""Buggy: stall_point returns 2**p * t (256 t for BF16), right only when t is a power of two."""
import math

import numpy as np

__all__ = ["round_to_bf16", "dot_bf16", "dot_fp32", "dot_blocked", "accumulate_bf16",
           "stall_point"]

HAND_STEP = 10.875    # the class's default values: S = 10.8125, t = 0.03125 (a tie, S odd)
HAND_STALL = 32.0     # the class's default t2 = 0.09375 = 3 * 2**-5: 256 * t2 = 24 -> 32


def _round_array(a):
    """RNE of a float32 array to BF16 on the bit pattern; a NaN stays that NaN."""
    b = a.view(np.uint32).astype(np.uint64)                       # no wrap past 2**32
    r = ((b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)
    return np.where(np.isnan(a), a, r)


def _round_scalar(v):
    """RNE of one np.float32 to BF16 (the same rule on a Python int)."""
    if v != v:
        return v
    b = int(v.view(np.uint32))
    return np.uint32((b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000).view(np.float32)


def _is_bf16(a) -> bool:
    """True when every element's low 16 bits are zero."""
    return not (np.asarray(a, dtype=np.float32).view(np.uint32) & 0xFFFF).any()


def round_to_bf16(x):
    """float32 ndarray (any shape) or np.float32 -> the same kind, rounded to BF16 (RNE)."""
    if isinstance(x, np.float32):
        return _round_array(np.array(x))[()]
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError(f"round_to_bf16: expected a float32 ndarray or np.float32, got "
                        f"{type(x).__name__}")
    return _round_array(x)


def _check_vectors(x, y, name):
    for v in (x, y):
        if not isinstance(v, np.ndarray) or v.dtype != np.float32 or v.ndim != 1:
            raise TypeError(f"{name}: x and y must be 1-D float32 ndarrays")
    if x.shape != y.shape:
        raise ValueError(f"{name}: x and y have different lengths {x.shape} and {y.shape}")
    if not (_is_bf16(x) and _is_bf16(y)):
        raise ValueError(f"{name}: every element of x and y must be a BF16 value")


def dot_bf16(x, y) -> np.float32:
    """acc = 0; for i: acc = bf16(acc + bf16(x_i * y_i)), float32 ops, left to right."""
    _check_vectors(x, y, "dot_bf16")
    with np.errstate(all="ignore"):
        p = _round_array(x * y)
        acc = np.float32(0.0)
        for v in p:
            acc = _round_scalar(acc + v)
    return acc


def dot_fp32(x, y) -> np.float32:
    """acc = 0; for i: acc = acc + x_i * y_i, in float32, left to right."""
    _check_vectors(x, y, "dot_fp32")
    with np.errstate(all="ignore"):
        acc = np.float32(0.0)
        for v in x * y:
            acc = acc + v
    return acc


def dot_blocked(x, y, block) -> np.float32:
    """FP32 sum of each chunk of `block` products, then the chunk sums added in FP32, in order."""
    _check_vectors(x, y, "dot_blocked")
    if not isinstance(block, int):
        raise TypeError(f"dot_blocked: block must be an int, got {type(block).__name__}")
    if block < 1:
        raise ValueError(f"dot_blocked: block must be >= 1, got {block}")
    with np.errstate(all="ignore"):
        p = x * y
        total = np.float32(0.0)
        for start in range(0, len(p), block):
            chunk = np.float32(0.0)
            for v in p[start:start + block]:
                chunk = chunk + v
            total = total + chunk
    return total


def accumulate_bf16(w, updates) -> np.float32:
    """for t in updates: w = bf16(float32(w + t)); w must be a BF16 value."""
    if not isinstance(updates, np.ndarray) or updates.dtype != np.float32 or updates.ndim != 1:
        raise TypeError("accumulate_bf16: updates must be a 1-D float32 ndarray")
    w = np.float32(w)
    if not _is_bf16(w):
        raise ValueError(f"accumulate_bf16: w = {w!r} is not a BF16 value")
    with np.errstate(all="ignore"):
        for t in updates:
            w = _round_scalar(w + t)
    return w


def stall_point(t, accumulator) -> np.float32:
    """The value where S <- fl(S + t), S = 0, stops changing, fl being BF16 or FP32 rounding.

    It is the smallest power of two P >= 2**p * |t| (p = 8 or 24 significant bits), with the
    sign of t: below P the sum's ulp is less than 2|t| and every step moves it; at P,
    ulp(P) >= 2|t| and P + t rounds back to P (a tie rounds to P, whose last bit is 0).
    """
    if accumulator == "bf16":
        p = 8
    elif accumulator == "fp32":
        p = 24
    else:
        raise ValueError(f"stall_point: accumulator must be 'bf16' or 'fp32', got {accumulator!r}")
    t = np.float32(t)
    if not abs(t) <= 2.0 ** 100:
        raise ValueError(f"stall_point: t = {t!r} must be finite with |t| <= 2**100")
    if p == 8 and not _is_bf16(t):
        raise ValueError(f"stall_point: t = {t!r} is not a BF16 value")
    if t == 0:
        return np.float32(0.0)
    return np.float32(float(t) * 2.0 ** p)
