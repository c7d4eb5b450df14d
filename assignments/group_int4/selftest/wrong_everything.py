"""Every answer wrong, every type right: each function returns CPU tensors of exactly the dtype
and shape of the contract, with wrong values, and raises for no input (raising is the right
answer for bad input). It must score zero: no test may give points for types alone.

The quantizer is wrong but self-consistent (a huge scale, every code equal to the zero point, so
each weight dequantizes to 0, within scale / 2 of itself): judging its codes with its own scale
alone would pass them."""
import torch


def pack_int4(codes):
    # the complement of the right byte (never equal to it); an odd last code or a code >= 16 is
    # dropped or wraps instead of raising
    n = codes.shape[-1] // 2
    c = codes[..., : 2 * n].to(torch.uint8)
    return ~(c[..., 0::2] | (c[..., 1::2] << 4))


def unpack_int4(packed):
    # each nibble with its lowest bit flipped
    p = packed.to(torch.uint8)
    low, high = (p & 15) ^ 1, (p >> 4) ^ 1
    return torch.stack([low, high], dim=-1).reshape(*p.shape[:-1], 2 * p.shape[-1])


def quantize_int4(w, group_size=128, symmetric=False):
    rows = w.shape[0] if w.dim() >= 2 else 1
    cols = w.shape[-1] if w.dim() >= 1 else 2
    gs = group_size if isinstance(group_size, int) and group_size > 0 else 1
    ng = max(1, cols // gs)
    packed = torch.zeros(rows, cols // 2, dtype=torch.uint8)        # every code 0
    scale = torch.full((rows, ng), 1e30, dtype=torch.float32)
    zero = None if symmetric else torch.zeros(rows, ng, dtype=torch.uint8)
    return packed, scale, zero


def _dequantize(packed, scale, zero, group_size):
    rows = packed.shape[0]
    cols = 2 * packed.shape[1]
    p = packed.to(torch.uint8)
    codes = torch.stack([p & 15, p >> 4], dim=-1).reshape(rows, cols // group_size, group_size)
    codes = codes.to(torch.float32)
    if zero is None:
        q = torch.where(codes >= 8, codes - 16, codes)
    else:
        q = codes - zero.to(torch.float32).unsqueeze(-1)
    return q, scale.to(torch.float32).unsqueeze(-1), rows, cols


def dequantize_int4(packed, scale, zero, group_size=128):
    # one step too high: (code - zero + 1) * scale
    q, s, rows, cols = _dequantize(packed, scale, zero, group_size)
    return ((q + 1) * s).reshape(rows, cols)


def int4_linear(x, packed, scale, zero, group_size=128):
    # the right x @ W.T, then moved by 1 + 2|y|
    q, s, rows, cols = _dequantize(packed, scale, zero, group_size)
    W = (q * s).reshape(rows, cols)
    y = x.to(torch.float32) @ W.T
    return (y + 1 + 2 * y.abs()).to(x.dtype)
