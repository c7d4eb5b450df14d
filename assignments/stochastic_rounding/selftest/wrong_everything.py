"""Every answer wrong, every type right: float32 arrays of the right shape holding BF16 values one
ulp too far from zero (or NaN for a NaN), a Python int that is never the count asked for, a
trajectory of the right shape and dtype whose every entry (w0 included) is off, hand answers of
the right types but wrong values, and no exception for bad input (raising is the right answer
there). It must score zero: no test may give points for types alone."""
import numpy as np

HAND_RNE = 0.0            # a float, but never the BF16 rounding of w + u (|w| >= 0.5)
HAND_SR_UP_COUNT = 0      # an int in 0..65535, but never d (|u| >= 5% of an ulp, so d > 0)


def _one_ulp_too_far(x):
    x = np.asarray(x, dtype=np.float32)
    b = x.view(np.uint32)
    out = (((b >> 16) + 1) << 16).astype(np.uint32).view(np.float32)
    return np.where(np.isnan(x), np.float32(1.0), out).astype(np.float32)


def round_bf16_rne(x):
    return _one_ulp_too_far(x)


def round_bf16_sr(x, r):
    return _one_ulp_too_far(x)


def sr_up_count(x):
    b = int(np.array([np.float32(x)]).view(np.uint32)[0])
    return 65535 - (b & 0xFFFF)      # the count of r that go down, plus 65535 for NaN and inf


def sgd_bf16(w0, updates, random_bits, mode):
    n = len(updates) if updates is not None else 0
    return np.float32(w0) + np.arange(1, n + 2, dtype=np.float32)
