"""Correct: Python loops over blocks and elements with np.float32 scalars; Python's round()
(half to even) and int arithmetic for the zero point; metrics with math.fsum."""
import math

import numpy as np

HAND_SCALE = 0.03125
HAND_CODES = [-19, 127, 40, -64]
HAND_ZERO_POINT = 85
HAND_ASYM_CODES = [60, 255, 139, 0]

F = np.float32


def _layout(w, granularity, group_size):
    """List of (row, [columns]) blocks and the scale shape."""
    if np.ndim(w) != 2:
        raise ValueError("w must be 2-D")
    out, n = np.shape(w)
    if granularity == "tensor":
        return [[(r, c) for r in range(out) for c in range(n)]], (1, 1)
    if granularity == "channel":
        return [[(r, c) for c in range(n)] for r in range(out)], (out, 1)
    if granularity == "group":
        g = group_size
        if type(g) is not int or g < 1 or n % g != 0:
            raise ValueError("group_size must be a positive divisor of in")
        return [[(r, c) for c in range(j * g, (j + 1) * g)] for r in range(out)
                for j in range(n // g)], (out, n // g)
    raise ValueError("unknown granularity")


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    blocks, sshape = _layout(w, granularity, group_size)
    if clip is not None and not (0 < clip < math.inf):
        raise ValueError("clip must be positive and finite")
    w = np.asarray(w, dtype=F)
    if clip is not None:
        c = F(clip)
        w = np.array([[min(max(x, -c), c) for x in row] for row in w], dtype=F)
    codes = np.zeros(w.shape, dtype=np.int8)
    scale = np.ones(sshape, dtype=F).reshape(-1)
    for k, blk in enumerate(blocks):
        amax = F(0)
        for (r, c) in blk:
            amax = max(amax, abs(w[r, c]))
        s = F(1) if amax == 0 else F(amax) / F(127)
        scale[k] = s
        for (r, c) in blk:
            codes[r, c] = max(-127, min(127, round(float(w[r, c] / s))))
    return codes, scale.reshape(sshape)


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    blocks, sshape = _layout(w, granularity, group_size)
    w = np.asarray(w, dtype=F)
    codes = np.zeros(w.shape, dtype=np.uint8)
    scale = np.ones(sshape, dtype=F).reshape(-1)
    zero = np.zeros(sshape, dtype=np.uint8).reshape(-1)
    for k, blk in enumerate(blocks):
        lo = min(F(0), min(w[r, c] for r, c in blk))
        hi = max(F(0), max(w[r, c] for r, c in blk))
        rng = F(hi - lo)
        s = F(1) if rng == 0 else rng / F(255)
        z = max(0, min(255, round(float(-lo / s))))
        scale[k], zero[k] = s, z
        for (r, c) in blk:
            codes[r, c] = max(0, min(255, round(float(w[r, c] / s)) + z))
    return codes, scale.reshape(sshape), zero.reshape(sshape)


def dequantize(codes, scale, zero_point=None):
    out, n = codes.shape
    a, nb = scale.shape
    res = np.zeros((out, n), dtype=F)
    for r in range(out):
        for c in range(n):
            i, j = (0, 0) if (a, nb) == (1, 1) else (r, c // (n // nb))
            z = 0 if zero_point is None else int(zero_point[i, j])
            res[r, c] = F(int(codes[r, c]) - z) * scale[i, j]
    return res


def percentile_clip(w, p):
    if not (0 <= p <= 100):
        raise ValueError("p must be in [0, 100]")
    a = sorted(abs(float(x)) for x in np.asarray(w).ravel())
    h = (len(a) - 1) * p / 100
    i = math.floor(h)
    if i >= len(a) - 1:
        return a[-1]
    return a[i] + (h - i) * (a[i + 1] - a[i])


def _pairs(w, w_hat):
    if np.shape(w) != np.shape(w_hat):
        raise ValueError("shapes differ")
    return [(float(x), float(y)) for x, y in zip(np.ravel(w), np.ravel(w_hat))]


def mse(w, w_hat):
    d = _pairs(w, w_hat)
    return math.fsum((x - y) ** 2 for x, y in d) / len(d)


def max_abs_error(w, w_hat):
    return max(abs(x - y) for x, y in _pairs(w, w_hat))


def sqnr_db(w, w_hat):
    d = _pairs(w, w_hat)
    e = math.fsum((x - y) ** 2 for x, y in d)
    s = math.fsum(x * x for x, _ in d)
    if e == 0:
        return math.inf
    if s == 0:
        return -math.inf
    return 10 * math.log10(s / e)
