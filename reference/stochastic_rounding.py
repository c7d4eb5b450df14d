"""Reference solution for the ``stochastic_rounding`` assignment (never shipped to students).

BF16 is the upper half of a float32: 1 sign bit, 8 exponent bits, 7 fraction bits. Rounding a
float32 to BF16 keeps the upper 16 bits of its pattern (truncation towards zero) and then
either adds 1 to them (the magnitude goes one BF16 ulp up, away from zero) or not. With
``d = bits & 0xFFFF`` (the discarded bits, the distance to the truncated value in units of
2**-16 BF16 ulps):

* round to nearest, ties to even: up when d > 0x8000, or d == 0x8000 and the kept pattern is odd;
* stochastic, with a random uint16 r per element: up exactly when r < d, so over the 65536
  values of r it goes up d times and E[result] = truncated + d/65536 ulp = x, exactly.

Adding 1 to the upper half carries correctly across binades (0x3FFF -> 0x4000), from the
largest subnormal to the smallest normal (0x007F -> 0x0080), and from the largest finite value
to infinity (0x7F7F -> 0x7F80). Only NaN needs a special case: its payload may live in the low
bits alone (0x7F800001 would truncate to inf) or carry into the sign (0x7FFFFFFF + up = -0.0).
Here inf and NaN (exponent all ones) are returned unchanged: inf has d = 0, and a NaN stays a NaN.
"""

import numpy as np

__all__ = ["HAND_RNE", "HAND_SR_UP_COUNT", "round_bf16_rne", "round_bf16_sr", "sgd_bf16",
           "sr_up_count"]

# Hand part for the class's default values w = 2.5, u = -0.0041 (see the statement). The
# grader checks the student's own values: the reference is graded with the defaults.
HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339


def _check_x(x, name):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError(f"{name}: x must be a numpy.ndarray of dtype float32, got "
                        f"{getattr(x, 'dtype', type(x).__name__)}")


def _finish(bits, up):
    """The upper half of each pattern plus `up` (bool), low half zero; inf and NaN unchanged.

    Plain Python ints with a uint32 array stay uint32 (NEP 50), and the uint32 + bool sum too."""
    out = ((bits >> 16) + up) << 16
    special = (bits & 0x7F800000) == 0x7F800000      # inf (d = 0 anyway) or NaN
    return np.where(special, bits, out).view(np.float32)


def round_bf16_rne(x):
    """float32 array -> float32 array of the same shape holding BF16 values (nearest, ties to even)."""
    _check_x(x, "round_bf16_rne")
    bits = x.view(np.uint32)
    d = bits & 0xFFFF
    up = (d > 0x8000) | ((d == 0x8000) & ((bits >> 16) % 2 == 1))
    return _finish(bits, up)


def round_bf16_sr(x, r):
    """float32 array, uint16 array of the same shape -> float32 array of BF16 values.

    Element i goes one BF16 ulp away from zero exactly when r[i] < d[i] (d the low 16 bits)."""
    _check_x(x, "round_bf16_sr")
    if not isinstance(r, np.ndarray) or r.dtype != np.uint16:
        raise TypeError(f"round_bf16_sr: r must be a numpy.ndarray of dtype uint16, got "
                        f"{getattr(r, 'dtype', type(r).__name__)}")
    if x.shape != r.shape:
        raise ValueError(f"round_bf16_sr: x has shape {x.shape} but r has shape {r.shape}")
    bits = x.view(np.uint32)
    return _finish(bits, r < (bits & 0xFFFF))


def sr_up_count(x):
    """How many of the 65536 values of r make round_bf16_sr(x, r) go away from zero (a Python int)."""
    if type(x) is not np.float32:
        raise TypeError(f"sr_up_count: x must be a numpy.float32, got {type(x).__name__}")
    bits = int(np.array([x]).view(np.uint32)[0])
    if bits & 0x7F800000 == 0x7F800000:      # inf and NaN never move
        return 0
    return bits & 0xFFFF


def sgd_bf16(w0, updates, random_bits, mode):
    """Trajectory of a BF16 weight: traj[0] = w0, traj[k+1] = round(traj[k] + updates[k]).

    The addition is a float32 addition; round is round_bf16_rne (mode "rne") or round_bf16_sr
    with r = random_bits[k] (mode "sr"). Returns a float32 array of shape (len(updates) + 1,)."""
    if type(mode) is not str or mode not in ("rne", "sr"):
        raise ValueError(f"sgd_bf16: mode must be 'rne' or 'sr', got {mode!r}")
    w = np.array([w0], dtype=np.float32)
    if not np.isfinite(w[0]) or round_bf16_rne(w)[0] != w[0]:
        raise ValueError(f"sgd_bf16: w0 = {w0!r} is not a finite BF16 value")
    n = len(updates)
    if mode == "sr" and (random_bits is None or len(random_bits) != n):
        raise ValueError("sgd_bf16: mode 'sr' needs one random uint16 per update")
    traj = np.empty(n + 1, dtype=np.float32)
    traj[0] = w[0]
    for k in range(n):
        s = w + updates[k:k + 1]                       # a float32 addition
        if mode == "rne":
            w = round_bf16_rne(s)
        else:
            w = round_bf16_sr(s, random_bits[k:k + 1])
        traj[k + 1] = w[0]
    return traj
