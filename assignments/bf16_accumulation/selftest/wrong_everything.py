"""Wrong everywhere: every function has the contract's signature and returns the right type
(a float32 array of the input's shape, or a numpy.float32), but a plausible wrong value: the
input truncated and nudged, a constant, 256·t. None raises for a bad input (raising is the
right answer there), and the hand answers are plausible but wrong. It must score zero."""
import numpy as np

WRONG = np.float32(12345.678)

HAND_STEP = 10.8125         # S itself: as if the update were always lost
HAND_STALL = 24.0           # 256 * t2, not the next power of two


def round_to_bf16(x):
    a = np.asarray(x, dtype=np.float32)
    out = np.zeros(a.shape, dtype=np.float32)        # zeros: never NaN, never the rounding
    if isinstance(x, np.float32):
        return np.float32(WRONG)
    return out


def dot_bf16(x, y):
    return WRONG


def dot_fp32(x, y):
    return WRONG


def dot_blocked(x, y, block):
    return WRONG


def accumulate_bf16(w, updates):
    return WRONG


def stall_point(t, accumulator):
    return np.float32(3.0)
