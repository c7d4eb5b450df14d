"""Correct (plain Python loops, bisect on float64 midpoints, per-block Python floats)."""
import bisect
import math
from statistics import NormalDist

import numpy as np

HAND_BITS_PLAIN = 0.25
HAND_BITS_DQ = 0.0634765625
HAND_BYTES_SAVED = 1051264


def _posint(v):
    if type(v) is not int or v < 1:
        raise ValueError("block_size must be a positive int")
    return v


def nf_codebook(bits=4):
    if type(bits) is not int or bits < 2 or bits > 8:
        raise ValueError("bits must be 2..8")
    N = 2 ** bits
    h = N // 2
    offset = 1.0 - (1.0 / (2 * (N - 1)) + 1.0 / (2 * N)) / 2.0
    nd = NormalDist()
    top = nd.inv_cdf(offset)
    vals = [0.0]
    for i in range(h):
        vals.append(nd.inv_cdf(offset + (0.5 - offset) * i / h) / top)
    for i in range(h - 1):
        vals.append(-nd.inv_cdf(offset + (0.5 - offset) * i / (h - 1)) / top)
    vals.sort()
    return np.array(vals, dtype=np.float32)


def _mids(codebook):
    cb = [float(c) for c in codebook]
    if len(cb) < 2 or len(cb) > 256:
        raise ValueError("need 2..256 codes")
    for a, b in zip(cb, cb[1:]):
        if not a < b:
            raise ValueError("codes must increase")
    return [(a + b) / 2 for a, b in zip(cb, cb[1:])]


def nearest_code(y, codebook):
    mids = _mids(codebook)
    out = np.zeros(len(y), dtype=np.uint8)
    for j, v in enumerate(y):
        out[j] = bisect.bisect_left(mids, float(v))
    return out


def quantize_blockwise(x, codebook, block_size=64):
    block_size = _posint(block_size)
    if not isinstance(x, np.ndarray) or x.ndim != 1 or len(x) == 0:
        raise ValueError("x must be a non-empty 1-D array")
    mids = _mids(codebook)
    n = len(x)
    codes = np.zeros(n, dtype=np.uint8)
    absmax = []
    zero_code = bisect.bisect_left(mids, 0.0)
    for start in range(0, n, block_size):
        blk = [float(v) for v in x[start:start + block_size]]
        a = max(abs(v) for v in blk)
        absmax.append(a)
        for k, v in enumerate(blk):
            codes[start + k] = zero_code if a == 0 else bisect.bisect_left(mids, v / a)
    return codes, np.array(absmax, dtype=np.float32)


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    out = np.zeros(len(codes), dtype=np.float32)
    for j, k in enumerate(codes):
        out[j] = np.float32(float(absmax[j // block_size]) * float(codebook[int(k)]))
    return out


def pack_nibbles(codes):
    c = [int(v) for v in codes]
    if any(v > 15 or v < 0 for v in c):
        raise ValueError("codes must be 0..15")
    if len(c) % 2:
        c.append(0)
    return np.array([(c[i] << 4) | c[i + 1] for i in range(0, len(c), 2)], dtype=np.uint8)


def unpack_nibbles(packed, n):
    if len(packed) != (n + 1) // 2:
        raise ValueError("wrong number of bytes")
    out = []
    for b in packed:
        out += [int(b) >> 4, int(b) & 15]
    return np.array(out[:n], dtype=np.uint8)


def double_quantize(absmax, block_size=256):
    block_size = _posint(block_size)
    m = len(absmax)
    if m == 0:
        raise ValueError("empty absmax")
    mean = np.float32(math.fsum(float(a) for a in absmax) / m)
    mu = float(mean)
    q = np.zeros(m, dtype=np.int8)
    scales = []
    for start in range(0, m, block_size):
        c = [float(a) - mu for a in absmax[start:start + block_size]]
        s = float(np.float32(max(abs(v) for v in c) / 127))
        scales.append(s)
        for k, v in enumerate(c):
            q[start + k] = 0 if s == 0 else max(-127, min(127, round(v / s)))
    return q, np.array(scales, dtype=np.float32), mean


def double_dequantize(q, scale, mean, block_size=256):
    return np.array([int(v) * float(scale[j // block_size]) + float(mean)
                     for j, v in enumerate(q)], dtype=np.float32)
