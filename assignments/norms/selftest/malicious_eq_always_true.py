"""Malicious: returns objects that claim to equal everything, to be below every bound and to be
of every type: a float subclass for the variances and states, a tensor subclass for the norms."""
import numpy as np
import torch


class Liar(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return True

    def __le__(self, other):
        return True

    def __gt__(self, other):
        return False

    def __ge__(self, other):
        return True

    def __abs__(self):
        return self

    def __sub__(self, other):
        return self

    __rsub__ = __sub__
    __hash__ = float.__hash__

    @property
    def __class__(self):
        return np.float32


class LiarTensor(torch.Tensor):
    def __eq__(self, other):
        return True


HAND_COUNT = Liar(8.0)
HAND_MEAN = HAND_M2 = HAND_VARIANCE = Liar(0.0)


def naive_variance(x):
    return Liar(0.0)


two_pass_variance = welford_variance = naive_variance


def welford_update(state, x):
    return (Liar(0.0), Liar(0.0), Liar(0.0))


def welford_merge(a, b):
    return (Liar(0.0), Liar(0.0), Liar(0.0))


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    return torch.zeros(x.shape, dtype=x.dtype).as_subclass(LiarTensor)


def rms_norm(x, weight=None, eps=1e-5):
    return torch.zeros(x.shape, dtype=x.dtype).as_subclass(LiarTensor)
