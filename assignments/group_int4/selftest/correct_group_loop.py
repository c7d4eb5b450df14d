"""Correct: a Python loop over groups, rounding half up via floor(t + 0.5) (legitimate: it
differs from round-half-to-even only at exact ties, where either neighbour is accepted, and the
float32 addition t + 0.5 adds one rounding well inside the grader's slack)."""
import math
import torch


def pack_int4(codes):
    n = codes.shape[-1]
    if n % 2 != 0:
        raise ValueError("pack_int4: last dimension must be even")
    if codes.numel() and int(codes.max()) > 15:
        raise ValueError("pack_int4: codes must be in 0..15")
    flat = codes.reshape(-1, n).to(torch.int32)
    out = torch.empty(flat.shape[0], n // 2, dtype=torch.int32)
    for j in range(n // 2):
        out[:, j] = flat[:, 2 * j] + 16 * flat[:, 2 * j + 1]
    return out.to(torch.uint8).reshape(*codes.shape[:-1], n // 2)


def unpack_int4(packed):
    m = packed.shape[-1]
    flat = packed.reshape(-1, m).to(torch.int32)
    out = torch.empty(flat.shape[0], 2 * m, dtype=torch.int32)
    for j in range(m):
        out[:, 2 * j] = flat[:, j] % 16
        out[:, 2 * j + 1] = flat[:, j] // 16
    return out.to(torch.uint8).reshape(*packed.shape[:-1], 2 * m)


def _round_half_up(t):
    return torch.floor(t + 0.5)


def quantize_int4(w, group_size=128, symmetric=False):
    if len(w.shape) != 2:
        raise ValueError("quantize_int4: w must be 2-D")
    if type(group_size) is not int or group_size < 2 or group_size % 2 == 1:
        raise ValueError("quantize_int4: bad group_size")
    rows, cols = w.shape
    if cols % group_size != 0:
        raise ValueError("quantize_int4: group_size must divide cols")
    wf = w.to(torch.float32)
    ng = cols // group_size
    codes = torch.empty(rows, cols, dtype=torch.uint8)
    scale = torch.empty(rows, ng, dtype=torch.float32)
    zero = None if symmetric else torch.empty(rows, ng, dtype=torch.uint8)
    for j in range(ng):
        g = wf[:, j * group_size:(j + 1) * group_size]
        if symmetric:
            s = g.abs().max(dim=1).values / 7.0
            s = torch.where(s > 0, s, torch.ones_like(s))
            q = torch.clamp(_round_half_up(g / s[:, None]), -8, 7).to(torch.int32)
            codes[:, j * group_size:(j + 1) * group_size] = torch.where(q < 0, q + 16, q).to(torch.uint8)
        else:
            lo = torch.minimum(g.min(dim=1).values, torch.zeros(rows))
            hi = torch.maximum(g.max(dim=1).values, torch.zeros(rows))
            s = (hi - lo) / 15.0
            s = torch.where(s > 0, s, torch.ones_like(s))
            z = torch.clamp(_round_half_up(-lo / s), 0, 15)
            c = torch.clamp(_round_half_up(g / s[:, None]) + z[:, None], 0, 15)
            codes[:, j * group_size:(j + 1) * group_size] = c.to(torch.uint8)
            zero[:, j] = z.to(torch.uint8)
        scale[:, j] = s
    return pack_int4(codes), scale, zero


def dequantize_int4(packed, scale, zero, group_size=128):
    codes = unpack_int4(packed).to(torch.float32)
    rows, cols = codes.shape
    out = torch.empty(rows, cols, dtype=torch.float32)
    for j in range(cols // group_size):
        c = codes[:, j * group_size:(j + 1) * group_size]
        if zero is None:
            q = torch.where(c >= 8, c - 16, c)
        else:
            q = c - zero[:, j].to(torch.float32)[:, None]
        out[:, j * group_size:(j + 1) * group_size] = q * scale[:, j][:, None]
    return out


def int4_linear(x, packed, scale, zero, group_size=128):
    W = dequantize_int4(packed, scale, zero, group_size)
    lead = x.shape[:-1]
    x2 = x.reshape(-1, x.shape[-1]).to(torch.float32)
    y = torch.zeros(x2.shape[0], W.shape[0], dtype=torch.float32)
    for j in range(0, W.shape[1], group_size):     # accumulate group by group
        y += x2[:, j:j + group_size] @ W[:, j:j + group_size].T
    return y.reshape(*lead, W.shape[0]).to(x.dtype)
