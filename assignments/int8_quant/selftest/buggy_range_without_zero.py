"""Buggy: asymmetric range is [min, max] of the block, not widened to contain 0."""
import math

import numpy as np

HAND_SCALE = 0.03125
HAND_CODES = [-19, 127, 40, -64]
HAND_ZERO_POINT = 85
HAND_ASYM_CODES = [60, 255, 139, 0]


def _blocks(w, granularity, group_size):
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2:
        raise ValueError("w must be 2-D")
    out, n = w.shape
    if granularity == "tensor":
        return w.reshape(1, 1, -1)
    if granularity == "channel":
        return w.reshape(out, 1, n)
    if granularity == "group":
        if not isinstance(group_size, int) or group_size <= 0 or n % group_size:
            raise ValueError("bad group_size")
        return w.reshape(out, n // group_size, group_size)
    raise ValueError("bad granularity")


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    b = _blocks(w, granularity, group_size)
    if clip is not None:
        if not (clip > 0 and math.isfinite(clip)):
            raise ValueError("bad clip")
        c = np.float32(clip)
        b = np.minimum(np.maximum(b, -c), c)
    amax = np.max(np.abs(b), axis=2)
    safe = np.where(amax > 0, amax, np.float32(127))
    scale = np.divide(safe, np.float32(127), dtype=np.float32)
    q = np.rint(np.divide(b, scale[:, :, None], dtype=np.float32))
    return np.clip(q, -127, 127).astype(np.int8).reshape(np.shape(w)), scale


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    b = _blocks(w, granularity, group_size)
    lo = b.min(axis=2)
    hi = b.max(axis=2)
    r = hi - lo
    scale = np.where(r > 0, r / np.float32(255), np.float32(1)).astype(np.float32)
    z = np.clip(np.rint(-lo / scale), 0, 255).astype(np.int32)
    q = np.rint(b / scale[:, :, None]).astype(np.int32) + z[:, :, None]
    codes = np.clip(q, 0, 255).astype(np.uint8).reshape(np.shape(w))
    return codes, scale, z.astype(np.uint8)


def dequantize(codes, scale, zero_point=None):
    out, n = codes.shape
    a, nb = scale.shape
    q = codes.astype(np.int32)
    if zero_point is not None:
        q = q.reshape(a, nb, -1) - zero_point.astype(np.int32)[:, :, None] if (a, nb) != (1, 1) \
            else q - int(zero_point[0, 0])
    if (a, nb) == (1, 1):
        return (q.astype(np.float64) * float(scale[0, 0])).astype(np.float32).reshape(out, n)
    q = q.reshape(a, nb, -1)
    return (q.astype(np.float64) * scale.astype(np.float64)[:, :, None]).astype(
        np.float32).reshape(out, n)


def percentile_clip(w, p):
    if not (0 <= p <= 100):
        raise ValueError("p must be in [0, 100]")
    return float(np.percentile(np.abs(np.asarray(w, dtype=np.float32)), p))


def _check(w, w_hat):
    if np.shape(w) != np.shape(w_hat):
        raise ValueError("shapes differ")
    return np.asarray(w, np.float64), np.asarray(w_hat, np.float64)


def mse(w, w_hat):
    a, b = _check(w, w_hat)
    return float(np.mean(np.square(a - b)))


def max_abs_error(w, w_hat):
    a, b = _check(w, w_hat)
    return float(np.abs(a - b).max())


def sqnr_db(w, w_hat):
    a, b = _check(w, w_hat)
    e = np.sum((a - b) ** 2)
    s = np.sum(a ** 2)
    if e == 0:
        return math.inf
    if s == 0:
        return -math.inf
    return float(10 * np.log10(s / e))
