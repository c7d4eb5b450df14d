"""Correct: NumPy in float64 throughout; the scale is rounded to float32 only when returned
(the codes were chosen with the float64 scale, which is within an ulp of it)."""
import numpy as np
import torch


def pack_int4(codes):
    a = codes.numpy().astype(np.int64)
    if a.shape[-1] % 2:
        raise ValueError("odd length")
    if a.size and (a.min() < 0 or a.max() > 15):
        raise ValueError("codes out of 0..15")
    return torch.from_numpy((a[..., 0::2] + (a[..., 1::2] << 4)).astype(np.uint8))


def unpack_int4(packed):
    a = packed.numpy()
    out = np.empty(a.shape[:-1] + (a.shape[-1] * 2,), np.uint8)
    out[..., 0::2] = a & 0xF
    out[..., 1::2] = a >> 4
    return torch.from_numpy(out)


def quantize_int4(w, group_size=128, symmetric=False):
    if w.dim() != 2:
        raise ValueError("w must be 2-D")
    if int(group_size) != group_size or group_size <= 0 or group_size % 2:
        raise ValueError("bad group_size")
    rows, cols = w.shape
    if cols % group_size:
        raise ValueError("group_size must divide cols")
    g = w.to(torch.float64).numpy().reshape(rows, cols // group_size, group_size)
    if symmetric:
        s = np.abs(g).max(-1) / 7
        s[s == 0] = 1
        q = np.clip(np.rint(g / s[..., None]), -8, 7).astype(np.int64)
        codes = (q & 15).astype(np.uint8)
        zero = None
    else:
        lo = np.minimum(g.min(-1), 0)
        hi = np.maximum(g.max(-1), 0)
        s = (hi - lo) / 15
        s[s == 0] = 1
        z = np.clip(np.rint(-lo / s), 0, 15)
        codes = np.clip(np.rint(g / s[..., None]) + z[..., None], 0, 15).astype(np.uint8)
        zero = torch.from_numpy(z.astype(np.uint8))
    packed = pack_int4(torch.from_numpy(codes.reshape(rows, cols)))
    return packed, torch.from_numpy(s.astype(np.float32)), zero


def dequantize_int4(packed, scale, zero, group_size=128):
    c = unpack_int4(packed).numpy().astype(np.float64)
    rows, cols = c.shape
    c = c.reshape(rows, cols // group_size, group_size)
    if zero is None:
        c = np.where(c >= 8, c - 16, c)
    else:
        c = c - zero.numpy().astype(np.float64)[..., None]
    w = c * scale.numpy().astype(np.float64)[..., None]
    return torch.from_numpy(w.reshape(rows, cols).astype(np.float32))


def int4_linear(x, packed, scale, zero, group_size=128):
    W = dequantize_int4(packed, scale, zero, group_size).numpy().astype(np.float64)
    y = x.to(torch.float64).numpy() @ W.T
    return torch.from_numpy(y).to(x.dtype)
