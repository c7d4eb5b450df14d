"""stochastic_rounding: round float32 to BF16 to nearest even and stochastically (with the random
bits given as an argument), count the random values that round up, and run a BF16 training loop.

Arrays are numpy arrays. A BF16 value is returned inside a float32 array (its low 16 bits are 0).
d is the low 16 bits of x's float32 pattern (the bits BF16 discards); "up" means one BF16 ulp
away from zero (adding 1 to the upper 16 bits of the pattern).

Forbidden: ml_dtypes, torch, jax, tensorflow, numpy.random, random, secrets, os.urandom and any
`.bfloat16` attribute: round by hand, and take randomness only from the argument r.

Check locally with:  ulp check stochastic_rounding stochastic_rounding.py
"""

import numpy as np  # noqa: F401  (you will need it)

# Part 1, by hand, for the w and u your statement names (see the statement):
HAND_RNE = None           # a Python float: round-to-nearest-even of s = float32(w + float32(u)) in BF16
HAND_SR_UP_COUNT = None   # a Python int: how many r in 0..65535 make SR move s away from zero


def round_bf16_rne(x):
    """Round a float32 array to BF16, to nearest, ties to even.

    x: numpy.ndarray of dtype float32, any shape (TypeError for anything else).
    Returns a new numpy.ndarray of dtype float32 and x's shape, holding BF16 values:
    up exactly when d > 0x8000, or d == 0x8000 and the kept upper half is odd.
    NaN gives a NaN, ±inf and ±0 stay, and a magnitude that rounds past the largest BF16
    value gives ±inf.

    round_bf16_rne(np.array([1.00390625, 1.01171875], np.float32)) -> [1.0, 1.015625]
    """
    raise NotImplementedError("round_bf16_rne: round each element to the nearest BF16 value")


def round_bf16_sr(x, r):
    """Stochastic rounding of a float32 array to BF16, with given random bits.

    x: numpy.ndarray of dtype float32; r: numpy.ndarray of dtype uint16 of the same shape
    (TypeError for another type or dtype, ValueError for another shape).
    Element i goes up (one BF16 ulp away from zero) exactly when r[i] < d[i], else it is
    truncated towards zero. Same specials as round_bf16_rne. Returns a new float32 ndarray.

    round_bf16_sr(np.array([1.003], np.float32), np.array([25165], np.uint16)) -> [1.0078125]
    """
    raise NotImplementedError("round_bf16_sr: round up exactly when r < d")


def sr_up_count(x):
    """How many of the 65536 values of r make round_bf16_sr go away from zero, as a Python int.

    x: a numpy.float32 scalar (TypeError for anything else, a Python float included).
    d for a finite x; 0 for NaN and ±inf.

    sr_up_count(np.float32(1.003)) -> 25166
    """
    raise NotImplementedError("sr_up_count: count the r values below d")


def sgd_bf16(w0, updates, random_bits, mode):
    """A BF16 weight receiving updates: the trajectory, as a float32 array of shape (n + 1,).

    w0: numpy.float32 holding a finite BF16 value; updates: float32 array of shape (n,);
    mode: "rne" or "sr"; random_bits: uint16 array of shape (n,) in mode "sr" (unused in "rne").
    traj[0] = w0; traj[k+1] = round(traj[k] + updates[k]), the addition a float32 addition and
    round = round_bf16_rne, or round_bf16_sr with r = random_bits[k].
    ValueError: an unknown mode, w0 not a finite BF16 value, random_bits None or of another
    length in mode "sr".
    """
    raise NotImplementedError("sgd_bf16: add in float32, then round to BF16, one step at a time")
