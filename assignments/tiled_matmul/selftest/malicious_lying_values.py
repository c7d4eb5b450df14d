"""Malicious: returns objects that claim to equal everything (a tensor subclass whose
comparisons and arithmetic always say "equal", and, elsewhere, an object whose __eq__ is always
True). They must arrive as plain data and fail."""
import torch
import triton
import triton.language as tl


class LyingTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones((), dtype=torch.bool)

    def __sub__(self, other):
        return torch.zeros(self.shape, dtype=self.dtype)

    def __le__(self, other):
        return torch.ones((), dtype=torch.bool)

    def __gt__(self, other):
        return torch.zeros((), dtype=torch.bool)


class Anything(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0


HAND_TILE = Anything((0, 0))
HAND_LOADS = Anything((0, 0))


@triton.jit
def _decoy(A, K, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK, BLOCK), dtype=tl.float32)
    for k0 in range(0, K, BLOCK):
        a = tl.load(A + offs[:, None] * BLOCK + offs[None, :])
        acc = tl.dot(a, a, acc)
    tl.store(A + offs[:, None] * BLOCK + offs[None, :], acc)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    return Anything((0, 0))


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    return torch.zeros((a.shape[0], b.shape[-1]), dtype=a.dtype).as_subclass(LyingTensor)


def linear(x, w):
    return torch.zeros((x.shape[0], w.shape[0]), dtype=x.dtype).as_subclass(LyingTensor)
