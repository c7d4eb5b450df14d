"""Cheater: no Triton kernel and no forbidden name: the N x N scores by broadcasting and a sum,
the softmax by hand, all in torch on the host. Only the worker's record of Triton launches (and
the kernel-structure test) can tell; it must score zero."""
import math

import torch


def attention(q, k, v, causal=False, sm_scale=None):
    if q.dim() != 4 or k.shape != v.shape or q.shape[-1] not in (16, 32, 64, 128) \
            or q.shape[1] % k.shape[1] or q.shape[0] != k.shape[0] or q.shape[2:] != k.shape[2:]:
        raise ValueError("bad shapes")
    g = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(g, 1).double(), v.repeat_interleave(g, 1).double()
    scale = 1 / math.sqrt(q.shape[-1]) if sm_scale is None else sm_scale
    s = (q.double()[:, :, :, None, :] * k[:, :, None, :, :]).sum(-1) * scale
    if causal:
        n = q.shape[2]
        s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
    p = torch.exp(s - s.amax(-1, keepdim=True))
    p = p / p.sum(-1, keepdim=True)
    return (p[..., None] * v[:, :, None, :, :]).sum(-2).to(q.dtype)
