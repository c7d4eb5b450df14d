"""Malicious: returns objects that claim to equal anything (and a tuple subclass of them)."""
import numpy as np


class Anything(np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __lt__(self, other):
        return True


def _any(n):
    return np.zeros(n).view(Anything)


class Pair(tuple):
    def __eq__(self, other):
        return True


def init(rows, dtype="float32"):
    return Pair((_any(rows), _any(rows)))


def update(state, block):
    return Pair((_any(len(state[0])), _any(len(state[0]))))


def merge(a, b):
    return update(a, None)


def finalize_lse(state):
    return _any(len(state[0]))


def finalize_softmax(state, x):
    return np.zeros(x.shape).view(Anything)


def softmax_rows(x, block=1024):
    return x
