"""Cheater: calls PyTorch's own attention (statically forbidden)."""
import torch
import torch.nn.functional as F


def attention(q, k, v, causal=False, sm_scale=None):
    if q.dim() != 4 or k.shape != v.shape or q.shape[-1] not in (16, 32, 64, 128) \
            or q.shape[1] % k.shape[1] or q.shape[0] != k.shape[0] or q.shape[2:] != k.shape[2:]:
        raise ValueError("bad shapes")
    g = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
    out = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=causal,
                                         scale=sm_scale)
    return out.to(q.dtype)
