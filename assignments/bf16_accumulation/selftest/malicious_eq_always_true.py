"""Malicious: returns objects that claim to equal everything and to be a numpy.float32 /
ndarray; the hand answers too."""
import numpy as np


class Liar(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__

    @property
    def __class__(self):
        return np.float32


class LiarArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)


HAND_STEP = Liar(0.0)
HAND_STALL = Liar(0.0)


def round_to_bf16(x):
    return np.zeros(np.shape(x), dtype=np.float32).view(LiarArray)


def dot_bf16(x, y):
    return Liar(0.0)


dot_fp32 = dot_bf16


def dot_blocked(x, y, block):
    return Liar(0.0)


def accumulate_bf16(w, updates):
    return Liar(0.0)


def stall_point(t, accumulator):
    return Liar(0.0)
