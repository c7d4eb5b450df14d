"""Malicious: returns tensor subclasses whose comparisons are always True, and tuple/float
subclasses that claim to equal everything."""
import torch


class LiarTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def __le__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def __sub__(self, other):
        return torch.zeros(self.shape, dtype=torch.float64)


class LiarFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


HAND_S1 = ((LiarFloat(0), LiarFloat(0)), (LiarFloat(0), LiarFloat(0)))
HAND_O1 = (LiarFloat(0), LiarFloat(0))


def _liar(*shape, dtype):
    return torch.zeros(*shape, dtype=dtype).as_subclass(LiarTensor)


def linear_attention_parallel(q, k, v):
    return _liar(*v.shape, dtype=v.dtype)


def linear_attention_recurrent(q, k, v, initial_state=None):
    B, H, T, dk = q.shape
    return _liar(*v.shape, dtype=v.dtype), _liar(B, H, dk, v.shape[3], dtype=v.dtype)


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    return linear_attention_recurrent(q, k, v)


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    return linear_attention_recurrent(q, k, v)
