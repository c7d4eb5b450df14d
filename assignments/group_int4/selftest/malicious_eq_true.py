"""Malicious: returns objects that compare equal to anything, and tensor subclasses whose
comparisons always say True."""
import torch


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __abs__(self):
        return self

    def __sub__(self, other):
        return self

    __rsub__ = __sub__

    def __bool__(self):
        return True


class LyingTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones((), dtype=torch.bool)

    def __le__(self, other):
        return torch.ones((), dtype=torch.bool)


def pack_int4(codes):
    return Anything()


def unpack_int4(packed):
    return Anything()


def quantize_int4(w, group_size=128, symmetric=False):
    rows, cols = w.shape
    z = torch.zeros(rows, cols // 2, dtype=torch.uint8).as_subclass(LyingTensor)
    return (z, Anything(), Anything())


def dequantize_int4(packed, scale, zero, group_size=128):
    return Anything()


def int4_linear(x, packed, scale, zero, group_size=128):
    return Anything()
