"""Malicious: returns an object that claims to equal everything (and to be of every type)."""
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


def naive_sum(x):
    return Liar(0.0)


kahan_sum = neumaier_sum = naive_sum
