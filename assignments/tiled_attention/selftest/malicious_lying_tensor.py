"""Malicious: returns a tensor subclass whose comparisons and arithmetic always say "equal" (and,
for non-tensor checks, an object equal to everything). It must arrive as plain data."""
import torch


class LyingTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones((), dtype=torch.bool)

    def __sub__(self, other):
        return torch.zeros(self.shape, dtype=self.dtype)

    def __le__(self, other):
        return torch.ones((), dtype=torch.bool)

    def __gt__(self, other):
        return torch.zeros((), dtype=torch.bool)


class Anything:
    def __eq__(self, other):
        return True

    def __bool__(self):
        return True


def attention(q, k, v, causal=False, sm_scale=None):
    if q.shape[-1] not in (16, 32, 64, 128):
        return Anything()
    return torch.zeros(q.shape, dtype=q.dtype).as_subclass(LyingTensor)
