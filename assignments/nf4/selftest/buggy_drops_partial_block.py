"""Buggy: counts n // block_size blocks, so a short last block gets no absmax (and its elements are quantized with garbage).
(the contract: assignments/nf4/statement.md.j2).

* ``nf_codebook(bits)``: the NormalFloat code book of QLoRA (Dettmers et al. 2023), built as
  bitsandbytes' ``create_normal_map(use_extra_value=True)`` does: with N = 2**bits and
  h = N / 2, the offset is ``1 - (1/(2(N-1)) + 1/(2N)) / 2`` (929/960 for 4 bits), h positive
  values Phi^-1(p) for p = linspace(offset, 1/2, h + 1)[:-1], h - 1 negative values -Phi^-1(p)
  for p = linspace(offset, 1/2, h)[:-1], and 0; everything divided by Phi^-1(offset), sorted
  ascending, in float64, rounded once to float32.
* ``nearest_code(y, codebook)``: the index of the nearest code, the lower index at an exact tie.
* ``quantize_blockwise`` / ``dequantize_blockwise``: per block of ``block_size`` consecutive
  elements (the last block may be shorter), absmax = max|x|, code = nearest_code(x / absmax);
  an all-zero block quantizes 0. Dequantized value: float32 absmax * codebook[code].
* ``pack_nibbles`` / ``unpack_nibbles``: two codes per byte, the FIRST code in the HIGH nibble
  (bitsandbytes' layout); an odd count leaves the last byte's low nibble 0.
* ``double_quantize`` / ``double_dequantize``: the per-block absmax constants, minus their mean,
  quantized symmetric absmax int8 in blocks of 256: scale = max|c| / 127, q = round(c / scale).
"""

from __future__ import annotations

from fractions import Fraction
from statistics import NormalDist

import numpy as np

__all__ = ["HAND_BITS_PLAIN", "HAND_BITS_DQ", "HAND_BYTES_SAVED", "nf_codebook", "nearest_code", "quantize_blockwise", "dequantize_blockwise",
           "pack_nibbles", "unpack_nibbles", "double_quantize", "double_dequantize"]


# Part 1, for the default sizes b1 = 128, b2 = 256 and a 4096 x 11008 matrix:
# 32 / 128 bits, 8 / 128 + 32 / (128 * 256) bits, and 4096 * 11008 * (0.25 - 0.0634765625) / 8 bytes.
HAND_BITS_PLAIN = 0.25
HAND_BITS_DQ = 0.0634765625
HAND_BYTES_SAVED = 1051264


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


# ---------------------------------------------------------------------------------- code book

def nf_codebook(bits=4):
    """The NF code book of 2**bits float32 values, ascending, from -1.0 to 1.0 with 0.0 exact."""
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not 2 <= bits <= 8:
        raise ValueError(f"bits must be an int from 2 to 8, got {bits!r}")
    n = 2 ** int(bits)
    h = n // 2
    offset = 1 - (Fraction(1, 2 * (n - 1)) + Fraction(1, 2 * n)) / 2
    inv = NormalDist().inv_cdf
    pos = [offset + (Fraction(1, 2) - offset) * i / h for i in range(h)]
    neg = [offset + (Fraction(1, 2) - offset) * i / (h - 1) for i in range(h - 1)]
    qmax = inv(float(offset))
    values = [inv(float(p)) / qmax for p in pos] + [0.0] + [-inv(float(p)) / qmax for p in neg]
    return np.array(sorted(values), dtype=np.float32)


# ---------------------------------------------------------------------------- nearest code

def _check_codebook(codebook):
    cb = np.asarray(codebook)
    if cb.ndim != 1 or not 2 <= cb.size <= 256:
        raise ValueError("the code book must be 1-D with 2 to 256 values")
    if not np.all(cb[1:] > cb[:-1]):
        raise ValueError("the code book must be strictly increasing")
    return cb.astype(np.float64)


def nearest_code(y, codebook):
    """uint8 index of the code nearest to each y (exactly); the lower index at a tie."""
    cb = _check_codebook(codebook)
    mid = (cb[:-1] + cb[1:]) / 2          # exact in float64 for the stated code books
    yy = np.asarray(y, dtype=np.float64)
    # index = number of midpoints strictly below y: y == midpoint stays on the lower code
    return np.searchsorted(mid, yy, side="left").astype(np.uint8)


# ------------------------------------------------------------------------- block-wise absmax

def quantize_blockwise(x, codebook, block_size=64):
    """(codes uint8 [n], absmax float32 [ceil(n / block_size)])."""
    block_size = _check_positive_int(block_size, "block_size")
    x = np.asarray(x)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    cb = _check_codebook(codebook)
    n = x.size
    nblocks = max(1, n // block_size)
    xp = np.resize(x.astype(np.float32), nblocks * block_size)
    blocks = xp.reshape(nblocks, block_size)
    absmax = np.abs(blocks).max(axis=1).astype(np.float32)
    safe = np.where(absmax == 0, np.float32(1), absmax)
    y = blocks * (np.float32(1) / safe)[:, None]     # reciprocal then product, all float32
    codes = nearest_code(y.reshape(-1), cb.astype(np.float32))[:n]
    return codes, absmax


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    """float32 [n]: absmax[j // block_size] * codebook[codes[j]], one float32 product each."""
    block_size = _check_positive_int(block_size, "block_size")
    codes = np.asarray(codes).astype(np.int64)
    cb = np.asarray(codebook, dtype=np.float32)
    scale = np.asarray(absmax, dtype=np.float32)[np.arange(codes.size) // block_size]
    return (scale * cb[codes]).astype(np.float32)


# ----------------------------------------------------------------------------------- packing

def pack_nibbles(codes):
    """uint8 [ceil(n / 2)]: byte j = codes[2j] << 4 | codes[2j + 1] (0 when 2j + 1 == n)."""
    c = np.asarray(codes).astype(np.int64)
    if c.size and (c.min() < 0 or c.max() > 15):
        raise ValueError("every code must be in 0..15")
    if c.size % 2:
        c = np.concatenate([c, [0]])
    return ((c[0::2] << 4) | c[1::2]).astype(np.uint8)


def unpack_nibbles(packed, n):
    """uint8 [n]: the codes of pack_nibbles, the high nibble first."""
    p = np.asarray(packed).astype(np.uint8)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}")
    if p.size != (n + 1) // 2:
        raise ValueError(f"{p.size} bytes cannot hold exactly {n} codes")
    out = np.empty(2 * p.size, dtype=np.uint8)
    out[0::2] = p >> 4
    out[1::2] = p & 0x0F
    return out[:n]


# ----------------------------------------------------------------------- double quantization

def double_quantize(absmax, block_size=256):
    """(q int8 [m], scale float32 [ceil(m / block_size)], mean numpy.float32)."""
    block_size = _check_positive_int(block_size, "block_size")
    a = np.asarray(absmax, dtype=np.float32)
    if a.ndim != 1 or a.size == 0:
        raise ValueError("absmax must be a non-empty 1-D array")
    m = a.size
    mean = np.mean(a, dtype=np.float32)               # float32 pairwise sum
    c = a - mean                                      # float32, rounded
    nblocks = -(-m // block_size)
    cp = np.concatenate([c, np.zeros(nblocks * block_size - m)]).reshape(nblocks, block_size)
    cp = cp.astype(np.float32)
    scale = np.abs(cp).max(axis=1) / np.float32(127)
    safe = np.where(scale == 0, np.float32(1), scale)
    q = np.clip(np.round(cp / safe[:, None]), -127, 127).astype(np.int8).reshape(-1)[:m]
    return q, scale, mean


def double_dequantize(q, scale, mean, block_size=256):
    """float32 [m]: q[j] * scale[j // block_size] + mean."""
    block_size = _check_positive_int(block_size, "block_size")
    q = np.asarray(q).astype(np.float32)
    s = np.asarray(scale, dtype=np.float32)[np.arange(q.size) // block_size]
    return q * s + np.float32(mean)
