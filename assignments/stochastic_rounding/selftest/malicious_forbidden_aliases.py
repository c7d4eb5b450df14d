"""Malicious: lets libraries do the work under aliases: ml_dtypes' bfloat16 cast for round to
nearest, and numpy.random (imported as a plain-looking name) instead of the given bits for the
stochastic rounding. The alias-resolving static check must catch every use; the hand answers are
right, but the module-level use counts against them too."""
import ml_dtypes as fmt
import numpy as np
from numpy import random as helpers

BF = fmt.bfloat16        # module level: counts against every function and answer
HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339


def round_bf16_rne(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be float32")
    return x.astype(BF).astype(np.float32)


def round_bf16_sr(x, r):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be float32")
    if not isinstance(r, np.ndarray) or r.dtype != np.uint16:
        raise TypeError("r must be uint16")
    if x.shape != r.shape:
        raise ValueError("shapes differ")
    b = x.view(np.uint32)
    noise = helpers.default_rng(0).integers(0, 65536, size=x.shape)   # not the given r
    up = np.where(r == r, r, noise).astype(np.uint32) < (b & 0xFFFF)
    out = ((b >> 16) + up.astype(np.uint32)) << 16
    out = np.where(np.isnan(x), b | 0x00400000, out)
    return out.astype(np.uint32).view(np.float32)


def sr_up_count(x):
    if type(x) is not np.float32:
        raise TypeError("x must be a numpy.float32")
    return 0 if not np.isfinite(x) else int(np.array([x]).view(np.uint32)[0]) & 0xFFFF


def sgd_bf16(w0, updates, random_bits, mode):
    if mode not in ("rne", "sr"):
        raise ValueError("bad mode")
    w = np.array([w0], dtype=np.float32)
    if not np.isfinite(w[0]) or round_bf16_rne(w)[0] != w[0]:
        raise ValueError("w0 must be BF16")
    n = len(updates)
    if mode == "sr" and (random_bits is None or len(random_bits) != n):
        raise ValueError("bits")
    traj = [w[0]]
    for k in range(n):
        s = w + updates[k]
        w = round_bf16_rne(s) if mode == "rne" else round_bf16_sr(s, random_bits[k:k + 1])
        traj.append(w[0])
    return np.array(traj, dtype=np.float32)
