"""Malicious: returns objects that compare equal to anything (and an ndarray subclass whose
comparisons always say True), hoping an `==` check passes them."""
import numpy as np


class Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __lt__(self, other):
        return True

    __hash__ = float.__hash__


class Lying(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), bool)


HAND_SCALE = Anything(0.0)
HAND_CODES = [Anything(0.0)] * 4
HAND_ZERO_POINT = Anything(0.0)
HAND_ASYM_CODES = [Anything(0.0)] * 4


def _lie(shape, dtype):
    return np.zeros(shape, dtype).view(Lying)


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    return _lie(np.shape(w), np.int8), _lie((1, 1), np.float32)


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    return _lie(np.shape(w), np.uint8), _lie((1, 1), np.float32), _lie((1, 1), np.uint8)


def dequantize(codes, scale, zero_point=None):
    return _lie(np.shape(codes), np.float32)


def percentile_clip(w, p):
    return Anything(0.0)


def mse(w, w_hat):
    return Anything(0.0)


def max_abs_error(w, w_hat):
    return Anything(0.0)


def sqnr_db(w, w_hat):
    return Anything(0.0)
