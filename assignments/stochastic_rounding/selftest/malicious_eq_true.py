"""Malicious: returns arrays and ints whose comparisons always say "equal", hoping an oracle
comparison is fooled; hand answers that equal anything."""
import numpy as np


class Yes(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class YesFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)


HAND_RNE = YesFloat(0.0)
HAND_SR_UP_COUNT = Yes(0)


def round_bf16_rne(x):
    return np.zeros(np.shape(x), dtype=np.float32).view(LyingArray)


def round_bf16_sr(x, r):
    return np.zeros(np.shape(x), dtype=np.float32).view(LyingArray)


def sr_up_count(x):
    return Yes(0)


def sgd_bf16(w0, updates, random_bits, mode):
    return np.zeros(len(updates) + 1, dtype=np.float32).view(LyingArray)
