"""Correct: vectorised NumPy bit manipulation, and np.cumsum (a sequential float32 running sum,
exactly the contract's left-to-right order) for the FP32 accumulators. NaNs are quieted
(sign and top payload kept, quiet bit set). The stall point comes from the exponent bits."""
import math

import numpy as np


def _round_bits(bits):
    """uint32 patterns -> BF16 patterns (RNE), NaNs quieted."""
    b = bits.astype(np.uint64)
    r = ((b + np.uint64(0x7FFF) + ((b >> np.uint64(16)) & np.uint64(1)))
         & np.uint64(0xFFFF0000)).astype(np.uint32)
    is_nan = (bits & np.uint32(0x7FFFFFFF)) > np.uint32(0x7F800000)
    return np.where(is_nan, (bits & np.uint32(0xFFFF0000)) | np.uint32(0x00400000), r)


def round_to_bf16(x):
    if isinstance(x, np.float32):
        return _round_bits(np.array([x], dtype=np.float32).view(np.uint32)).view(np.float32)[0]
    if type(x) is not np.ndarray or x.dtype != np.float32:
        raise TypeError("round_to_bf16 takes a float32 ndarray or a numpy.float32")
    flat = np.ascontiguousarray(x).reshape(-1)
    return _round_bits(flat.view(np.uint32)).view(np.float32).reshape(x.shape)


def _check(x, y):
    for v in (x, y):
        if type(v) is not np.ndarray or v.ndim != 1 or v.dtype != np.float32:
            raise TypeError("x and y must be 1-D float32 arrays")
    if len(x) != len(y):
        raise ValueError("x and y differ in length")
    for v in (x, y):
        if np.any(v.view(np.uint32) & np.uint32(0xFFFF)):
            raise ValueError("not a BF16 value")


def dot_bf16(x, y):
    _check(x, y)
    with np.errstate(all="ignore"):
        products = round_to_bf16(x * y)
        acc = np.zeros(1, dtype=np.float32)
        for p in products:
            acc = round_to_bf16(acc + p)
    return acc[0]


def dot_fp32(x, y):
    _check(x, y)
    if len(x) == 0:
        return np.float32(0.0)
    with np.errstate(all="ignore"):
        return np.cumsum(x * y, dtype=np.float32)[-1]


def dot_blocked(x, y, block):
    _check(x, y)
    if not isinstance(block, int):
        raise TypeError("block must be an int")
    if block < 1:
        raise ValueError("block must be at least 1")
    if len(x) == 0:
        return np.float32(0.0)
    with np.errstate(all="ignore"):
        p = x * y
        chunk_sums = np.array([np.cumsum(p[i:i + block], dtype=np.float32)[-1]
                               for i in range(0, len(p), block)], dtype=np.float32)
        return np.cumsum(chunk_sums, dtype=np.float32)[-1]


def accumulate_bf16(w, updates):
    if type(updates) is not np.ndarray or updates.ndim != 1 or updates.dtype != np.float32:
        raise TypeError("updates must be a 1-D float32 array")
    if int(np.array([w], dtype=np.float32).view(np.uint32)[0]) & 0xFFFF:
        raise ValueError("w is not a BF16 value")
    with np.errstate(all="ignore"):
        acc = np.array([w], dtype=np.float32)
        for t in updates:
            acc = round_to_bf16(acc + t)
    return acc[0]


def stall_point(t, accumulator):
    if accumulator not in ("bf16", "fp32") or type(accumulator) is not str:
        raise ValueError("accumulator must be 'bf16' or 'fp32'")
    bits = int(np.array([t], dtype=np.float32).view(np.uint32)[0])
    if not math.isfinite(t) or abs(t) > 2.0 ** 100:
        raise ValueError("t must be finite with |t| <= 2**100")
    if accumulator == "bf16" and bits & 0xFFFF:
        raise ValueError("t is not a BF16 value")
    mag = bits & 0x7FFFFFFF
    if mag == 0:
        return np.float32(0.0)
    exp_field, frac = mag >> 23, mag & 0x7FFFFF
    if exp_field == 0:                                   # subnormal: normalise
        k = frac.bit_length() - 1                        # t = 2**(k - 149) * (1 + ...)
        e, power = k - 149, frac == 1 << k
    else:
        e, power = exp_field - 127, frac == 0
    p = 8 if accumulator == "bf16" else 24
    e_out = e + p + (0 if power else 1)                  # smallest 2**E >= 2**p * |t|
    return np.float32(math.copysign(2.0 ** e_out, float(t)))


HAND_STEP = 10.875
HAND_STALL = 32.0
