"""Correct, vectorised on the two 16-bit halves: a float32 array viewed as uint16 pairs (little
endian: the low half first). The carry of +1 on the upper half is done in uint32, so that
0xFFFF + 1 cannot wrap (only NaN patterns get there, and they are replaced)."""
import sys

import numpy as np

HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339

_LOW, _HIGH = (0, 1) if sys.byteorder == "little" else (1, 0)


def _halves(x):
    h = np.ascontiguousarray(x).reshape(-1).view(np.uint16).reshape(-1, 2)
    return h[:, _LOW].astype(np.uint32), h[:, _HIGH].astype(np.uint32)


def _result(x, high, up):
    is_nan = np.isnan(x.reshape(-1))
    out_high = np.where(is_nan, high | 0x0040, high + up.astype(np.uint32))
    return (out_high << 16).astype(np.uint32).view(np.float32).reshape(x.shape)


def _need_float32(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be a float32 ndarray")


def round_bf16_rne(x):
    _need_float32(x)
    low, high = _halves(x)
    half = np.uint32(0x8000)
    up = (low > half) | ((low == half) & ((high & 1) == 1))
    return _result(x, high, up)


def round_bf16_sr(x, r):
    _need_float32(x)
    if not isinstance(r, np.ndarray) or r.dtype != np.uint16:
        raise TypeError("r must be a uint16 ndarray")
    if r.shape != x.shape:
        raise ValueError("shapes differ")
    low, high = _halves(x)
    return _result(x, high, r.reshape(-1).astype(np.uint32) < low)


def sr_up_count(x):
    if type(x) is not np.float32:
        raise TypeError("x must be a numpy.float32")
    if np.isnan(x) or np.isinf(x):
        return 0
    low, _ = _halves(np.array([x], dtype=np.float32))
    return int(low[0])


def sgd_bf16(w0, updates, random_bits, mode):
    if mode == "rne":
        step = lambda s, k: round_bf16_rne(s)
    elif mode == "sr":
        step = lambda s, k: round_bf16_sr(s, random_bits[k:k + 1])
    else:
        raise ValueError("mode must be 'rne' or 'sr'")
    w = np.full(1, w0, dtype=np.float32)
    if not np.isfinite(w).all() or sr_up_count(w[0]) != 0:
        raise ValueError("w0 must be a finite BF16 value")
    n = updates.shape[0]
    if mode == "sr" and (random_bits is None or random_bits.shape != (n,)):
        raise ValueError("random_bits must hold one uint16 per update")
    if mode == "sr":
        random_bits = random_bits.astype(np.uint16)
    out = [w[0]]
    for k in range(n):
        w = step(w + updates[k], k)
        out.append(w[0])
    return np.array(out, dtype=np.float32)
