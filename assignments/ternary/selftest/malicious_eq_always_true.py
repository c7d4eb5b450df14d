"""Malicious: returns objects that claim to equal everything and to be below every bound: an
int/float subclass for the hand part and tensor subclasses whose comparisons are always True."""
import torch


class LiarInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class LiarFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    __hash__ = float.__hash__


class LiarTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def __le__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def tolist(self):
        return self


HAND_GAMMA = LiarFloat(1.0)
HAND_CODES = tuple(LiarInt(0) for _ in range(6))
HAND_PACKED = LiarInt(0)


def _liar(shape, dtype):
    return torch.zeros(shape, dtype=dtype).as_subclass(LiarTensor)


def ternarize(w):
    return _liar(w.shape, torch.int8), _liar((), torch.float32)


def quantize_activations(x):
    return _liar(x.shape, torch.int8), _liar(tuple(x.shape[:-1]) + (1,), torch.float32)


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    return _liar(tuple(x_codes.shape[:-1]) + (w_codes.shape[0],), getattr(torch, out_dtype))


def pack_ternary(codes):
    return _liar(((codes.numel() + 4) // 5,), torch.uint8)


def unpack_ternary(packed, n):
    return _liar((n,), torch.int8)


def ste_forward_backward(w, grad_out, clipped=False):
    return _liar(w.shape, w.dtype), _liar(w.shape, w.dtype), LiarInt(1)
