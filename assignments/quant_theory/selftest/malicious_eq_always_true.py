"""Malicious: returns objects that claim to equal everything, to be below every bound and to be
of every type: a float subclass for scalars, an ndarray subclass for arrays, and a hand part
that equals anything."""
import numpy as np


class Liar(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return True

    __le__ = __lt__

    def __gt__(self, other):
        return False

    __ge__ = __lt__

    def __abs__(self):
        return self

    def __sub__(self, other):
        return self

    __rsub__ = __sub__
    __hash__ = float.__hash__


class LiarArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __le__(self, other):
        return np.ones(np.shape(self), dtype=bool)


HAND_SQNR_DB = Liar(0.0)


def _liar_array(shape):
    return np.zeros(shape).view(LiarArray)


def sqnr_db(x, x_hat):
    return Liar(0.0)


theoretical_sqnr_db = crest_factor = sqnr_db


def lloyd_max(levels, density):
    return (_liar_array(max(levels - 1, 0)), _liar_array(max(levels, 0)))


def fwht(x):
    return _liar_array(np.shape(x))


def rotated_quantize(W, bits):
    return _liar_array(np.shape(W))


def layer_errors(weights, x, bits):
    return [Liar(0.0) for _ in weights]


def most_sensitive_layer(weights, x, bits):
    return Liar(0.0)
