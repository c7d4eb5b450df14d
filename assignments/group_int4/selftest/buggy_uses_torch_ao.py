"""Forbidden: imports torch.ao.quantization inside quantize_int4 and uses it there (an import at
module level would count against every function)."""
import torch


def _check_gs(group_size):
    if not isinstance(group_size, int) or group_size <= 0 or group_size % 2:
        raise ValueError("group_size must be a positive even integer")


def pack_int4(codes):
    if codes.shape[-1] % 2:
        raise ValueError("odd number of codes")
    if (codes > 15).any():
        raise ValueError("code out of range")
    c = codes.to(torch.uint8)
    return c[..., ::2] | (c[..., 1::2] << 4)


def unpack_int4(packed):
    lo = packed & 15
    hi = (packed >> 4) & 15
    out = torch.stack((lo, hi), dim=-1)
    return out.flatten(-2)


def quantize_int4(w, group_size=128, symmetric=False):
    if w.ndim != 2:
        raise ValueError("w must be 2-D")
    _check_gs(group_size)
    rows, cols = w.shape
    if cols % group_size:
        raise ValueError("cols must be a multiple of group_size")
    from torch.ao.quantization import MinMaxObserver
    MinMaxObserver()(w.float())
    g = w.float().view(rows, -1, group_size)
    if symmetric:
        scale = g.abs().amax(-1) / 7
        scale[scale == 0] = 1.0
        q = torch.round(g / scale.unsqueeze(-1)).clamp(-8, 7).to(torch.int8)
        codes = (q & 0xF).to(torch.uint8)
        zero = None
    else:
        lo = g.amin(-1).clamp(max=0)
        hi = g.amax(-1).clamp(min=0)
        scale = (hi - lo) / 15
        scale[scale == 0] = 1.0
        z = torch.round(-lo / scale).clamp(0, 15)
        codes = (torch.round(g / scale.unsqueeze(-1)) + z.unsqueeze(-1)).clamp(0, 15)
        codes = codes.to(torch.uint8)
        zero = z.to(torch.uint8)
    return pack_int4(codes.reshape(rows, cols)), scale, zero


def dequantize_int4(packed, scale, zero, group_size=128):
    _check_gs(group_size)
    codes = unpack_int4(packed).float()
    rows, cols = codes.shape
    g = codes.view(rows, -1, group_size)
    if zero is None:
        g = torch.where(g > 7, g - 16, g)
    else:
        g = g - zero.float().unsqueeze(-1)
    return (g * scale.float().unsqueeze(-1)).reshape(rows, cols)


def int4_linear(x, packed, scale, zero, group_size=128):
    W = dequantize_int4(packed, scale, zero, group_size)
    return (x.float() @ W.t()).to(x.dtype)
