"""Correct (exact arithmetic: mpmath's inverse CDF for the code book, Fraction distances with
argmin for the nearest code, float64 division in the quantizer, torch-free NumPy elsewhere)."""
from fractions import Fraction

import mpmath
import numpy as np

HAND_BITS_PLAIN = 32 / 128
HAND_BITS_DQ = 8 / 128 + 32 / (128 * 256)
HAND_BYTES_SAVED = 4096 * 11008 * (3 * 256 - 4) // (128 * 256)


def nf_codebook(bits=4):
    if isinstance(bits, bool) or not isinstance(bits, int) or not 2 <= bits <= 8:
        raise ValueError("bits must be an int in 2..8")
    N = 2 ** bits
    h = N // 2
    off = 1 - (Fraction(1, 2 * (N - 1)) + Fraction(1, 2 * N)) / 2
    with mpmath.workprec(100):
        ppf = lambda p: mpmath.sqrt(2) * mpmath.erfinv(2 * mpmath.mpf(p.numerator) / p.denominator - 1)
        top = ppf(off)
        pos = [ppf(off + (Fraction(1, 2) - off) * Fraction(i, h)) / top for i in range(h)]
        neg = [-ppf(off + (Fraction(1, 2) - off) * Fraction(i, h - 1)) / top for i in range(h - 1)]
        vals = sorted([float(v) for v in pos + neg] + [0.0])
    return np.array(vals, dtype=np.float32)


def _codes(codebook):
    cb = [Fraction(float(c)) for c in np.asarray(codebook)]
    if not 2 <= len(cb) <= 256 or any(not a < b for a, b in zip(cb, cb[1:])):
        raise ValueError("code book must be 2..256 strictly increasing values")
    return cb


def _nearest(v, cb):
    # exact distances, first (lowest) index among the nearest
    d = [abs(v - c) for c in cb]
    return d.index(min(d))


def nearest_code(y, codebook):
    cb = _codes(codebook)
    cache = {}
    out = np.empty(len(y), dtype=np.uint8)
    for j, v in enumerate(np.asarray(y, dtype=np.float32)):
        key = float(v)
        if key not in cache:
            cache[key] = _nearest(Fraction(key), cb)
        out[j] = cache[key]
    return out


def quantize_blockwise(x, codebook, block_size=64):
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size <= 0:
        raise ValueError("block_size must be a positive int")
    x = np.asarray(x)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be 1-D and non-empty")
    nb = (x.size + block_size - 1) // block_size
    absmax = np.array([np.max(np.abs(x[b * block_size:(b + 1) * block_size])) for b in range(nb)],
                      dtype=np.float32)
    a = absmax.astype(np.float64)[np.arange(x.size) // block_size]
    y = np.divide(x.astype(np.float64), a, out=np.zeros(x.size), where=a != 0)
    cb = np.asarray(codebook, dtype=np.float64)
    _codes(codebook)
    mids = (cb[1:] + cb[:-1]) / 2
    codes = (y[:, None] > mids[None, :]).sum(axis=1).astype(np.uint8)
    return codes, absmax


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    a = np.repeat(np.asarray(absmax, dtype=np.float32), block_size)[:len(codes)]
    return a * np.asarray(codebook, dtype=np.float32)[np.asarray(codes, dtype=np.intp)]


def pack_nibbles(codes):
    c = np.asarray(codes, dtype=np.uint8)
    if np.any(c > 15):
        raise ValueError("a code is above 15")
    c = np.pad(c, (0, c.size % 2))
    return (c[::2] * np.uint8(16) + c[1::2]).astype(np.uint8)


def unpack_nibbles(packed, n):
    p = np.asarray(packed, dtype=np.uint8)
    if p.size * 2 - n not in (0, 1) or n < 0:
        raise ValueError("len(packed) must be ceil(n / 2)")
    return np.stack([p // 16, p % 16], axis=1).reshape(-1)[:n].astype(np.uint8)


def double_quantize(absmax, block_size=256):
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size <= 0:
        raise ValueError("block_size must be a positive int")
    a = np.asarray(absmax, dtype=np.float32)
    if a.size == 0:
        raise ValueError("empty")
    mean = np.float32(sum(Fraction(float(v)) for v in a) / a.size)
    mu = Fraction(float(mean))
    q = np.zeros(a.size, dtype=np.int8)
    scale = []
    for s0 in range(0, a.size, block_size):
        c = [Fraction(float(v)) - mu for v in a[s0:s0 + block_size]]
        s = np.float32(max(abs(v) for v in c) / 127)
        scale.append(s)
        if s != 0:
            S = Fraction(float(s))
            for k, v in enumerate(c):
                q[s0 + k] = max(-127, min(127, round(v / S)))
    return q, np.array(scale, dtype=np.float32), mean


def double_dequantize(q, scale, mean, block_size=256):
    s = np.repeat(np.asarray(scale, dtype=np.float64), block_size)[:len(q)]
    return (np.asarray(q, dtype=np.float64) * s + float(mean)).astype(np.float32)
