"""Correct, element by element with Python floats: float32 rounding through one-element NumPy
casts, bf16 rounding written by hand (round half to even on the bit pattern of a float32), the
Adam formula per element in float64 with the states rounded once."""
import math
import struct

import numpy as np
import torch

HAND_SCALES = (32768.0, 32768.0, 16384.0, 16384.0, 16384.0, 32768.0, 16384.0, 8192.0,
               8192.0, 8192.0)
HAND_TRACKER = 2
HAND_STEP_OUTSIDE = 0.00025
HAND_STEP_INSIDE = 3e-06
HAND_STEP_FLUSHED = 0.0003


def f32(x):
    with np.errstate(over="ignore"):
        return float(np.float32(x))


def bf16(x):
    """Round a float64 to bfloat16 (ties to even): to float32 is harmless for a sum of two bf16
    values (precision 24 >= 2*8 + 2), then keep 16 bits with round half to even."""
    b = struct.unpack("<I", struct.pack("<f", f32(x)))[0]
    if (b & 0x7F800000) == 0x7F800000:
        return f32(x)
    b = (b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000
    return struct.unpack("<f", struct.pack("<I", b))[0]


def unscale_grads(grads, scale):
    if not isinstance(grads, (list, tuple)):
        raise TypeError("list")
    for g in grads:
        if not isinstance(g, torch.Tensor) or g.dtype is not torch.float32:
            raise TypeError("float32")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError("scale")
    if len(grads) == 0 or not (scale > 0) or math.isinf(scale):
        raise ValueError("bad")
    inv = f32(1.0 / scale)
    out, found = [], False
    for g in grads:
        vals = []
        for x in g.reshape(-1).tolist():
            if not math.isfinite(x):
                found = True
            vals.append(f32(x * inv))         # exact product in float64, one rounding
        out.append(torch.tensor(vals, dtype=torch.float32).reshape(g.shape))
    return out, found


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    if growth_factor <= 1:
        raise ValueError("growth_factor")
    if backoff_factor <= 0 or backoff_factor >= 1:
        raise ValueError("backoff_factor")
    if growth_interval < 1 or growth_tracker < 0 or growth_tracker >= growth_interval:
        raise ValueError("interval/tracker")
    if found_inf:
        scale, growth_tracker = f32(scale * backoff_factor), 0
    else:
        growth_tracker += 1
        if growth_tracker == growth_interval:
            new = f32(scale * growth_factor)
            if new != math.inf:
                scale = new
            growth_tracker = 0
    return float(scale), growth_tracker


def _check(w0, updates):
    for x in (w0, updates):
        if not isinstance(x, torch.Tensor) or x.dtype is not torch.float32:
            raise TypeError("float32")
    if len(w0.shape) != 1 or len(updates.shape) != 2 or updates.shape[1] != w0.shape[0]:
        raise ValueError("shapes")


def master_weights_run(w0, updates):
    _check(w0, updates)
    ws = w0.tolist()
    for row in updates.tolist():
        ws = [f32(a + b) for a, b in zip(ws, row)]
    return torch.tensor(ws, dtype=torch.float32), torch.tensor([bf16(a) for a in ws],
                                                               dtype=torch.bfloat16)


def bf16_direct_run(w0, updates):
    _check(w0, updates)
    ws = [bf16(a) for a in w0.tolist()]
    for row in updates.tolist():
        ws = [bf16(a + bf16(b)) for a, b in zip(ws, row)]
    return torch.tensor(ws, dtype=torch.bfloat16)


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    if not all(isinstance(x, torch.Tensor) for x in (param, grad, m, v)):
        raise TypeError("tensors")
    if param.dtype != torch.float32 or grad.dtype != torch.float32:
        raise TypeError("float32")
    if m.dtype != v.dtype or m.dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise TypeError("state dtype")
    if param.shape != grad.shape or m.shape != param.shape or v.shape != param.shape:
        raise ValueError("shapes")
    if t < 1:
        raise ValueError("t")
    sdt = m.dtype
    c1, c2 = 1.0 - beta1 ** t, 1.0 - beta2 ** t
    ms, vs = [], []
    for g, a, b in zip(grad.tolist(), m.float().tolist(), v.float().tolist()):
        ms.append(f32(beta1 * a + (1.0 - beta1) * g))
        vs.append(f32(beta2 * b + (1.0 - beta2) * g * g))
    m_new = torch.tensor(ms, dtype=torch.float32).to(sdt)
    v_new = torch.tensor(vs, dtype=torch.float32).to(sdt)
    ps = []
    for p, a, b in zip(param.tolist(), m_new.float().tolist(), v_new.float().tolist()):
        vh = b / c2
        d = math.sqrt(vh + eps) if eps_inside else math.sqrt(vh) + eps
        ps.append(p - lr * (a / c1) / d)
    return (torch.tensor(ps, dtype=torch.float32).reshape(param.shape),
            m_new.reshape(param.shape), v_new.reshape(param.shape))
