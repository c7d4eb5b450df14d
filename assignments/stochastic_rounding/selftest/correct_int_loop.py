"""Correct: a plain Python loop over the elements with integer arithmetic on the patterns
(tolist of a uint32 view), and a sgd_bf16 that rounds one Python int at a time."""
import math

import numpy as np

HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339


def _round_pattern(b, up_rule):
    if (b & 0x7FFFFFFF) > 0x7F800000:          # NaN: a quiet NaN with x's sign
        return (b & 0x80000000) | 0x7FC00000
    hi = b >> 16
    if up_rule(hi, b & 0xFFFF):
        hi += 1
    return hi << 16


def _rne_rule(hi, d):
    return d > 0x8000 or (d == 0x8000 and hi % 2 == 1)


def _from_patterns(out, shape):
    return np.array(out, dtype=np.uint32).reshape(shape).view(np.float32)


def round_bf16_rne(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be a float32 ndarray")
    out = [_round_pattern(b, _rne_rule) for b in x.view(np.uint32).reshape(-1).tolist()]
    return _from_patterns(out, x.shape)


def round_bf16_sr(x, r):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be a float32 ndarray")
    if not isinstance(r, np.ndarray) or r.dtype != np.uint16:
        raise TypeError("r must be a uint16 ndarray")
    if x.shape != r.shape:
        raise ValueError("x and r must have the same shape")
    bs = x.view(np.uint32).reshape(-1).tolist()
    rs = r.reshape(-1).tolist()
    out = [_round_pattern(b, lambda hi, d, rv=rv: rv < d) for b, rv in zip(bs, rs)]
    return _from_patterns(out, x.shape)


def sr_up_count(x):
    if not isinstance(x, np.float32):
        raise TypeError("x must be a numpy.float32")
    if not math.isfinite(float(x)):
        return 0
    b = int(np.array([x], dtype=np.float32).view(np.uint32)[0])
    return b & 0xFFFF


def sgd_bf16(w0, updates, random_bits, mode):
    if mode != "rne" and mode != "sr":
        raise ValueError(f"unknown mode {mode!r}")
    w = np.float32(w0)
    b0 = int(np.array([w], dtype=np.float32).view(np.uint32)[0])
    if not math.isfinite(float(w)) or b0 & 0xFFFF:
        raise ValueError("w0 must be a finite BF16 value")
    n = len(updates)
    if mode == "sr" and (random_bits is None or len(random_bits) != n):
        raise ValueError("mode 'sr' needs one random value per update")
    traj = [b0]
    for k in range(n):
        s = np.float32(w + updates[k])
        b = int(np.array([s], dtype=np.float32).view(np.uint32)[0])
        if mode == "rne":
            b = _round_pattern(b, _rne_rule)
        else:
            rv = int(random_bits[k])
            b = _round_pattern(b, lambda hi, d, rv=rv: rv < d)
        traj.append(b)
        w = np.array([b], dtype=np.uint32).view(np.float32)[0]
    return np.array(traj, dtype=np.uint32).view(np.float32)
