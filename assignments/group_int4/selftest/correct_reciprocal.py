"""Correct: multiplies by the reciprocal of the scale (another rounding order), dequantizes
as code*scale - zero*scale, and runs the matmul in x's own dtype (W converted to it)."""
import torch


def pack_int4(codes):
    if codes.size(-1) % 2 == 1:
        raise ValueError("need an even number of codes")
    c = codes.to(torch.int32)
    if ((c < 0) | (c > 15)).any():
        raise ValueError("codes must be 4-bit")
    pairs = c.unflatten(-1, (-1, 2))
    return (pairs[..., 0] + pairs[..., 1] * 16).to(torch.uint8)


def unpack_int4(packed):
    p = packed.to(torch.int32)
    both = torch.stack([p % 16, p // 16], dim=-1)
    return both.flatten(-2).to(torch.uint8)


def quantize_int4(w, group_size=128, symmetric=False):
    if w.dim() != 2:
        raise ValueError("2-D weights only")
    if not (isinstance(group_size, int) and group_size > 0 and group_size % 2 == 0):
        raise ValueError("group_size must be positive and even")
    R, C = w.shape
    if C % group_size:
        raise ValueError("group_size does not divide the number of columns")
    g = w.to(torch.float32).reshape(R, C // group_size, group_size)
    if symmetric:
        scale = g.abs().amax(dim=2) * torch.tensor(1 / 7, dtype=torch.float32)
        scale = torch.where(scale == 0, torch.ones_like(scale), scale)
        inv = 1.0 / scale
        q = (g * inv[:, :, None]).round().clamp(-8, 7).to(torch.int64)
        codes = torch.remainder(q, 16).to(torch.uint8)
        zero = None
    else:
        mn = g.amin(dim=2).clamp(max=0.0)
        mx = g.amax(dim=2).clamp(min=0.0)
        scale = (mx - mn) * torch.tensor(1 / 15, dtype=torch.float32)
        scale = torch.where(scale == 0, torch.ones_like(scale), scale)
        inv = 1.0 / scale
        zf = (-mn * inv).round().clamp(0, 15)
        codes = ((g * inv[:, :, None]).round() + zf[:, :, None]).clamp(0, 15).to(torch.uint8)
        zero = zf.to(torch.uint8)
    return pack_int4(codes.reshape(R, C)), scale, zero


def dequantize_int4(packed, scale, zero, group_size=128):
    codes = unpack_int4(packed).to(torch.float32)
    R, C = codes.shape
    c = codes.reshape(R, C // group_size, group_size)
    s = scale.to(torch.float32)[:, :, None]
    if zero is None:
        c = c - 16 * (c >= 8).to(torch.float32)
        w = c * s
    else:
        w = c * s - zero.to(torch.float32)[:, :, None] * s
    return w.reshape(R, C)


def int4_linear(x, packed, scale, zero, group_size=128):
    W = dequantize_int4(packed, scale, zero, group_size).to(x.dtype)
    return torch.matmul(x, W.transpose(0, 1))
