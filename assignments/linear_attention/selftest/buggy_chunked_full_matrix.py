"""Buggy: the chunk-wise form ignores the chunk size and computes the whole masked T x T product
at once (right values, no loop; but O(T²) memory: T = 32768 needs a 4 GiB matrix)."""
import torch

HAND_S1 = ((1.75, 0.25), (3.375, -1.875))
HAND_O1 = (0.125, 2.375)


def _check(q, k, v, state=None, beta=None):
    for x in (q, k, v) + tuple(t for t in (state, beta) if t is not None):
        if not isinstance(x, torch.Tensor):
            raise TypeError("tensor expected")
        if x.dtype not in (torch.float32, torch.float64) or x.dtype != q.dtype:
            raise TypeError("dtype")
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4 or k.shape != q.shape \
            or v.shape[:3] != q.shape[:3] or q.numel() == 0 or v.numel() == 0:
        raise ValueError("shape")
    if state is not None and tuple(state.shape) != (*q.shape[:2], q.shape[3], v.shape[3]):
        raise ValueError("state shape")
    if beta is not None and tuple(beta.shape) != tuple(q.shape[:3]):
        raise ValueError("beta shape")


def _init(q, v, s):
    return torch.zeros(*q.shape[:2], q.shape[3], v.shape[3], dtype=q.dtype) if s is None else s


def linear_attention_parallel(q, k, v):
    _check(q, k, v)
    return torch.tril(q @ k.mT) @ v


def linear_attention_recurrent(q, k, v, initial_state=None):
    _check(q, k, v, initial_state)
    S = _init(q, v, initial_state)
    o = []
    for t in range(q.shape[2]):
        S = S + k[:, :, t, :, None] * v[:, :, t, None, :]
        o.append((q[:, :, t, None, :] @ S)[:, :, 0])
    return torch.stack(o, 2), S


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    _check(q, k, v, initial_state)
    if not isinstance(chunk_size, int):
        raise TypeError("chunk_size")
    if chunk_size < 1:
        raise ValueError("chunk_size")
    S0 = _init(q, v, initial_state)
    return q @ S0 + torch.tril(q @ k.mT) @ v, S0 + k.mT @ v


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    _check(q, k, v, initial_state, beta)
    S = _init(q, v, initial_state)
    o = []
    for t in range(q.shape[2]):
        kt = k[:, :, t]
        old = (kt[:, :, None, :] @ S)[:, :, 0]
        S = S + (beta[:, :, t, None] * kt)[..., None] * (v[:, :, t] - old)[:, :, None, :]
        o.append((q[:, :, t, None, :] @ S)[:, :, 0])
    return torch.stack(o, 2), S
