"""Wrong everywhere, right types: every function returns a plausible value of the right type,
dtype and shape, but the wrong value (scale off by one level, codes truncated, metrics swapped),
and raises nothing. It must score exactly zero."""
import math

import numpy as np

HAND_SCALE = 0.5
HAND_CODES = [1, 2, 3, 4]
HAND_ZERO_POINT = 128
HAND_ASYM_CODES = [1, 2, 3, 4]


def _shape(w, granularity, group_size):
    out, n = np.shape(w)
    return {"tensor": (1, 1), "channel": (out, 1)}.get(granularity,
                                                        (out, n // (group_size or 1)))


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    s = np.full(_shape(w, granularity, group_size), np.float32(np.abs(w).max() / 128 + 1))
    return np.trunc(np.asarray(w) / 1e9).astype(np.int8) + 1, s.astype(np.float32)


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    sh = _shape(w, granularity, group_size)
    return (np.full(np.shape(w), 7, np.uint8), np.full(sh, 3.0, np.float32),
            np.full(sh, 128, np.uint8))


def dequantize(codes, scale, zero_point=None):
    return np.full(np.shape(codes), 0.5, np.float32)


def percentile_clip(w, p):
    return float(np.max(np.abs(w))) * 2 + 1.0


def mse(w, w_hat):
    return 123.0


def max_abs_error(w, w_hat):
    return -1.0


def sqnr_db(w, w_hat):
    return 0.5
