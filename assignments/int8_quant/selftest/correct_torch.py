"""Correct: torch float32 tensors (torch.round is half to even), converted back to NumPy."""
import math

import numpy as np
import torch

HAND_SCALE = 0.03125
HAND_CODES = [-19, 127, 40, -64]
HAND_ZERO_POINT = 85
HAND_ASYM_CODES = [60, 255, 139, 0]


def _blocks(w, granularity, group_size):
    t = torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32))
    if t.dim() != 2:
        raise ValueError("w must be 2-D")
    out, n = t.shape
    if granularity == "tensor":
        return t.reshape(1, 1, -1)
    if granularity == "channel":
        return t.unsqueeze(1)
    if granularity == "group":
        if not isinstance(group_size, int) or group_size <= 0 or n % group_size:
            raise ValueError("bad group_size")
        return t.reshape(out, -1, group_size)
    raise ValueError("bad granularity")


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    b = _blocks(w, granularity, group_size)
    if clip is not None:
        if not (clip > 0) or math.isinf(clip):
            raise ValueError("bad clip")
        c = float(np.float32(clip))
        b = b.clamp(-c, c)
    amax = b.abs().amax(dim=-1)
    scale = torch.where(amax == 0, torch.ones_like(amax), amax / 127)
    codes = torch.round(b / scale.unsqueeze(-1)).clamp(-127, 127).to(torch.int8)
    return codes.reshape(np.shape(w)).numpy(), scale.numpy()


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    b = _blocks(w, granularity, group_size)
    lo = b.amin(dim=-1).clamp(max=0)
    hi = b.amax(dim=-1).clamp(min=0)
    r = hi - lo
    scale = torch.where(r == 0, torch.ones_like(r), r / 255)
    zero = torch.round(-lo / scale).clamp(0, 255).to(torch.int32)
    q = torch.round(b / scale.unsqueeze(-1)).to(torch.int32) + zero.unsqueeze(-1)
    codes = q.clamp(0, 255).to(torch.uint8).reshape(np.shape(w))
    return codes.numpy(), scale.numpy(), zero.to(torch.uint8).numpy()


def dequantize(codes, scale, zero_point=None):
    c = torch.from_numpy(np.asarray(codes)).to(torch.int32)
    s = torch.from_numpy(np.asarray(scale, dtype=np.float32))
    out, n = c.shape
    a, nb = s.shape
    c = c.reshape(1, 1, -1) if (a, nb) == (1, 1) else c.reshape(out, nb, -1)
    if zero_point is not None:
        c = c - torch.from_numpy(np.asarray(zero_point)).to(torch.int32).unsqueeze(-1)
    return (c.to(torch.float32) * s.unsqueeze(-1)).reshape(out, n).numpy()


def percentile_clip(w, p):
    if not (0 <= p <= 100):
        raise ValueError("p must be in [0, 100]")
    a = np.sort(np.abs(np.asarray(w, dtype=np.float64)).ravel())
    h = (a.size - 1) * p / 100.0
    i = int(math.floor(h))
    if i >= a.size - 1:
        return float(a[-1])
    return float(a[i] + (h - i) * (a[i + 1] - a[i]))


def _t(w, w_hat):
    if np.shape(w) != np.shape(w_hat):
        raise ValueError("shapes differ")
    return (torch.from_numpy(np.asarray(w, np.float64)),
            torch.from_numpy(np.asarray(w_hat, np.float64)))


def mse(w, w_hat):
    a, b = _t(w, w_hat)
    return float(((a - b) ** 2).mean())


def max_abs_error(w, w_hat):
    a, b = _t(w, w_hat)
    return float((a - b).abs().max())


def sqnr_db(w, w_hat):
    a, b = _t(w, w_hat)
    e, s = float(((a - b) ** 2).sum()), float((a * a).sum())
    if e == 0:
        return math.inf
    return -math.inf if s == 0 else 10 * math.log10(s / e)
