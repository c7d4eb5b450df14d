"""Buggy: round_bf16_rne chops the low 16 bits (truncation towards zero) instead of rounding to
nearest; everything else is right."""
import numpy as np

HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339


def _check_x(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be a numpy float32 array")


def _assemble(b, up):
    """Upper half plus `up`, low half zero; NaN gives a quiet NaN with x's sign."""
    out = ((b >> 16) + up.astype(np.uint32)) << 16
    nan = (b & 0x7FFFFFFF) > 0x7F800000
    out = np.where(nan, (b & 0x80000000) | 0x7FC00000, out)
    return out.astype(np.uint32).view(np.float32)


def round_bf16_rne(x):
    _check_x(x)
    b = x.view(np.uint32)
    d = b & 0xFFFF
    up = np.zeros(d.shape, dtype=bool)          # BUG: just keep the upper half
    return _assemble(b, up)


def round_bf16_sr(x, r):
    _check_x(x)
    if not isinstance(r, np.ndarray) or r.dtype != np.uint16:
        raise TypeError("r must be a numpy uint16 array")
    if r.shape != x.shape:
        raise ValueError("x and r must have the same shape")
    b = x.view(np.uint32)
    d = b & 0xFFFF
    up = r.astype(np.uint32) < d
    return _assemble(b, up)


def sr_up_count(x):
    if type(x) is not np.float32:
        raise TypeError("x must be a numpy.float32")
    if not np.isfinite(x):
        return 0
    b = int(np.array([x]).view(np.uint32)[0])
    return b & 0xFFFF


def sgd_bf16(w0, updates, random_bits, mode):
    if mode not in ("rne", "sr"):
        raise ValueError("mode must be 'rne' or 'sr'")
    w = np.array([w0], dtype=np.float32)
    if not np.isfinite(w[0]) or round_bf16_rne(w)[0] != w[0]:
        raise ValueError("w0 must be a finite BF16 value")
    n = len(updates)
    if mode == "sr" and (random_bits is None or len(random_bits) != n):
        raise ValueError("mode 'sr' needs one random uint16 per update")
    traj = np.empty(n + 1, dtype=np.float32)
    traj[0] = w[0]
    for k in range(n):
        s = w + updates[k]
        if mode == "rne":
            w = round_bf16_rne(s)
        else:
            w = round_bf16_sr(s, np.asarray(random_bits[k:k + 1], dtype=np.uint16))
        traj[k + 1] = w[0]
    return traj
