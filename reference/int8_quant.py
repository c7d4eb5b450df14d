"""Reference solution: INT8 quantization (the contract: assignments/int8_quant/statement.md.j2).

A float32 weight matrix ``w`` of shape ``(out, in)`` is cut into blocks that share one scale:
the whole tensor (scale shape ``(1, 1)``), one row = one output channel (``(out, 1)``), or groups
of ``group_size`` consecutive elements of a row (``(out, in // group_size)``).

Symmetric, per block ``b`` (codes int8 in -127..127)::

    scale = float32(absmax(b)) / float32(127)        a float32 division; 1.0 if absmax is 0
    code  = clip(rint(w / scale), -127, 127)          w / scale a float32 division

Asymmetric (codes uint8 in 0..255, zero point uint8)::

    lo = min(0, min(b))      hi = max(0, max(b))       the range always contains 0
    scale = (hi - lo) / 255                             float32 subtraction, float32 division
    zero  = clip(rint(-lo / scale), 0, 255)             1.0 and 0 for an all-zero block
    code  = clip(rint(w / scale) + zero, 0, 255)

``rint`` is round half to even. Dequantization is (code - zero) * scale, the exact product
rounded once to float32.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["quantize_symmetric", "quantize_asymmetric", "dequantize", "percentile_clip",
           "mse", "max_abs_error", "sqnr_db"]

# The hand part, for the default values v = [-0.59375, 3.96875, 1.265625, -2.0]
# (see the statement; every student's values differ).
HAND_SCALE = 0.03125
HAND_CODES = [-19, 127, 40, -64]
HAND_ZERO_POINT = 85
HAND_ASYM_CODES = [60, 255, 139, 0]


# ------------------------------------------------------------------------------------ blocks

def _blocks(w, granularity, group_size):
    """w as float32 blocks [a, b, n] (one scale per [i, j]), after checking the arguments."""
    w = np.asarray(w)
    if w.ndim != 2:
        raise ValueError(f"w must be a 2-D array (out, in), got {w.ndim} dimensions")
    w = w.astype(np.float32, copy=False)
    rows, cols = w.shape
    if granularity == "tensor":
        return w.reshape(1, 1, rows * cols)
    if granularity == "channel":
        return w.reshape(rows, 1, cols)
    if granularity == "group":
        if isinstance(group_size, bool) or not isinstance(group_size, numbers.Integral):
            raise ValueError(f"group_size must be a positive int, got {group_size!r}")
        group_size = int(group_size)
        if group_size <= 0:
            raise ValueError(f"group_size must be positive, got {group_size}")
        if cols % group_size != 0:
            raise ValueError(f"group_size {group_size} does not divide the {cols} columns")
        return w.reshape(rows, cols // group_size, group_size)
    raise ValueError(f"granularity must be 'tensor', 'channel' or 'group', got {granularity!r}")


# ------------------------------------------------------------------------------- quantization

def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    """Symmetric INT8: returns (codes int8 (out, in), scale float32 (1,1) | (out,1) | (out, in/G))."""
    b = _blocks(w, granularity, group_size)
    if clip is not None:
        if isinstance(clip, bool) or not isinstance(clip, numbers.Real) or not (
                math.isfinite(clip) and clip > 0):
            raise ValueError(f"clip must be a positive finite number, got {clip!r}")
        c = np.float32(clip)
        b = np.clip(b, -c, c)
    absmax = np.abs(b).max(axis=-1)
    scale = np.where(absmax == 0, np.float32(1.0), absmax / np.float32(127)).astype(np.float32)
    q = np.rint(b / scale[..., None])
    codes = np.clip(q, -127, 127).astype(np.int8)
    rows, cols = np.shape(w)
    return codes.reshape(rows, cols), scale


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    """Asymmetric UINT8: returns (codes uint8 (out, in), scale float32, zero_point uint8)."""
    b = _blocks(w, granularity, group_size)
    lo = np.minimum(b.min(axis=-1), np.float32(0))
    hi = np.maximum(b.max(axis=-1), np.float32(0))
    rng = (hi - lo).astype(np.float32)
    scale = np.where(rng == 0, np.float32(1.0), rng / np.float32(255)).astype(np.float32)
    zero = np.clip(np.rint(-lo / scale), 0, 255)
    q = np.rint(b / scale[..., None]) + zero[..., None]
    codes = np.clip(q, 0, 255).astype(np.uint8)
    rows, cols = np.shape(w)
    return codes.reshape(rows, cols), scale, zero.astype(np.uint8)


def dequantize(codes, scale, zero_point=None):
    """(code - zero_point) * scale as float32 (out, in); the block layout is read off scale's shape."""
    codes = np.asarray(codes)
    scale = np.asarray(scale, dtype=np.float32)
    rows, cols = codes.shape
    a, nb = scale.shape
    q = codes.astype(np.int32)
    if zero_point is not None:
        zp = np.asarray(zero_point).astype(np.int32)
    else:
        zp = np.zeros(scale.shape, dtype=np.int32)
    if a == 1 and nb == 1:
        blocks = q.reshape(1, 1, rows * cols)
    else:
        blocks = q.reshape(rows, nb, cols // nb)
    out = (blocks - zp[..., None]).astype(np.float32) * scale[..., None]
    return out.reshape(rows, cols)


def percentile_clip(w, p):
    """The p-th percentile of |w| over all elements (numpy.percentile, linear method), a float."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0 <= p <= 100):
        raise ValueError(f"p must be a number in [0, 100], got {p!r}")
    a = np.abs(np.asarray(w, dtype=np.float32)).astype(np.float64).ravel()
    return float(np.percentile(a, p))


# ------------------------------------------------------------------------------------ metrics

def _pair(w, w_hat):
    w = np.asarray(w)
    w_hat = np.asarray(w_hat)
    if w.shape != w_hat.shape:
        raise ValueError(f"shapes differ: {w.shape} and {w_hat.shape}")
    return w.astype(np.float64), w_hat.astype(np.float64)


def mse(w, w_hat):
    """Mean of (w - w_hat)**2 over all elements, in float64, as a float."""
    a, b = _pair(w, w_hat)
    return float(np.mean((a - b) ** 2))


def max_abs_error(w, w_hat):
    """max |w - w_hat| over all elements, as a float."""
    a, b = _pair(w, w_hat)
    return float(np.max(np.abs(a - b)))


def sqnr_db(w, w_hat):
    """10 log10(sum w**2 / sum (w - w_hat)**2) in dB, +inf for zero error, as a float."""
    a, b = _pair(w, w_hat)
    noise = float(np.sum((a - b) ** 2))
    signal = float(np.sum(a * a))
    if noise == 0:
        return math.inf
    if signal == 0:
        return -math.inf
    return 10.0 * math.log10(signal / noise)
