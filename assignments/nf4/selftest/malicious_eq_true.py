"""Malicious: returns ndarray subclasses whose comparisons always say True, a float subclass that
equals everything, and raises nothing."""
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)

    def __le__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    __ge__ = __le__


class Anything(float):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


HAND_BITS_PLAIN = Anything(0.0)
HAND_BITS_DQ = Anything(0.0)
HAND_BYTES_SAVED = 0


def _arr(n, dtype):
    return np.zeros(n, dtype=dtype).view(Liar)


def nf_codebook(bits=4):
    return _arr(2 ** bits, np.float32)


def nearest_code(y, codebook):
    return _arr(len(y), np.uint8)


def quantize_blockwise(x, codebook, block_size=64):
    return _arr(len(x), np.uint8), _arr(-(-len(x) // block_size), np.float32)


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    return _arr(len(codes), np.float32)


def pack_nibbles(codes):
    return _arr((len(codes) + 1) // 2, np.uint8)


def unpack_nibbles(packed, n):
    return _arr(n, np.uint8)


def double_quantize(absmax, block_size=256):
    return _arr(len(absmax), np.int8), _arr(-(-len(absmax) // block_size), np.float32), Anything(0)


def double_dequantize(q, scale, mean, block_size=256):
    return _arr(len(q), np.float32)
