"""Cheater: a decoy Triton kernel (a loop around tl.dot, never launched) to pass the structure
check, and the real work done by torch.matmul reached through getattr so that no static check
sees the name; tile_of and the hand part evaluate the formula from a string with eval. The
worker's run-time wrappers and the evasion check must catch it all: zero."""
import torch
import triton
import triton.language as tl

_mm = getattr(torch, "mat" + "mul")
_FORMULA = "(first + (pid % (g * n)) % min(m - first, g), (pid % (g * n)) // min(m - first, g))"

HAND_TILE = eval("(50 // 27 * 3 + (50 % 27) % 3, (50 % 27) // 3)")
HAND_LOADS = eval("(10, 6)")


@triton.jit
def _decoy(A, B, C, K, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK, BLOCK), dtype=tl.float32)
    for k0 in range(0, K, BLOCK):
        a = tl.load(A + offs[:, None] * BLOCK + offs[None, :])
        b = tl.load(B + offs[:, None] * BLOCK + offs[None, :])
        acc = tl.dot(a, b, acc)
    tl.store(C + offs[:, None] * BLOCK + offs[None, :], acc)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    first = pid // (group_m * num_pid_n) * group_m
    return eval(_FORMULA, {"min": min}, {"first": first, "pid": pid, "g": group_m,
                                         "n": num_pid_n, "m": num_pid_m})


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    if a.dim() != 2 or b.dim() != 2 or a.shape[1] != b.shape[0] or a.dtype != b.dtype:
        raise ValueError("bad shapes")
    return _mm(a.float(), b.float()).to(a.dtype)


def linear(x, w):
    return matmul(x, w.t())
