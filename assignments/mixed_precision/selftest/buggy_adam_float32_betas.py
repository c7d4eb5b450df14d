"""Buggy: adam_step forms 1 - beta1 and 1 - beta2 in float32 from float32 betas
(1 - float32(0.999) is 1.3e-5 off, relative)."""
import math

import torch

HAND_SCALES = (32768.0, 32768.0, 16384.0, 16384.0, 16384.0, 32768.0, 16384.0, 8192.0,
               8192.0, 8192.0)
HAND_TRACKER = 2
HAND_STEP_OUTSIDE = 2.5e-4
HAND_STEP_INSIDE = 3.0e-6
HAND_STEP_FLUSHED = 3.0e-4

F32 = torch.float32


def _to_f32(x):
    t = torch.tensor(x, dtype=torch.float64).to(F32)
    return t.item()


def unscale_grads(grads, scale):
    if not isinstance(grads, (list, tuple)):
        raise TypeError("grads must be a list")
    if any(not isinstance(g, torch.Tensor) or g.dtype != F32 for g in grads):
        raise TypeError("float32 tensors only")
    if type(scale) not in (int, float):
        raise TypeError("scale must be a float")
    if len(grads) == 0:
        raise ValueError("no gradients")
    if not (scale > 0 and math.isfinite(scale)):
        raise ValueError("bad scale")
    inv = torch.tensor(1.0 / scale, dtype=torch.float64).to(F32)
    found = any(bool((~torch.isfinite(g)).any()) for g in grads)
    return [torch.mul(g, inv) for g in grads], found


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    if growth_factor <= 1.0 or not 0.0 < backoff_factor < 1.0 or growth_interval < 1:
        raise ValueError("bad settings")
    if growth_tracker < 0 or growth_tracker >= growth_interval:
        raise ValueError("bad tracker")
    s = torch.tensor(scale, dtype=torch.float64)
    if found_inf:
        return _to_f32(float(s * backoff_factor)), 0
    if growth_tracker + 1 < growth_interval:
        return float(scale), growth_tracker + 1
    grown = (s * growth_factor).to(F32)
    return (grown.item() if torch.isfinite(grown) else float(scale)), 0


def _check(w0, updates):
    for x in (w0, updates):
        if not isinstance(x, torch.Tensor) or x.dtype != F32:
            raise TypeError("float32 tensors only")
    if w0.ndim != 1 or updates.ndim != 2 or updates.shape[1] != w0.shape[0]:
        raise ValueError("shapes")


def master_weights_run(w0, updates):
    _check(w0, updates)
    master = w0.clone()
    for u in updates:
        master.add_(u)
    return master, master.to(torch.bfloat16)


def bf16_direct_run(w0, updates):
    _check(w0, updates)
    w = w0.to(torch.bfloat16)
    ub = updates.to(torch.bfloat16)
    for u in ub:
        w = torch.add(w, u)
    return w


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    for x in (param, grad, m, v):
        if not isinstance(x, torch.Tensor):
            raise TypeError("tensors only")
    if param.dtype != F32 or grad.dtype != F32:
        raise TypeError("param and grad must be float32")
    if m.dtype != v.dtype or m.dtype not in (F32, torch.bfloat16, torch.float16):
        raise TypeError("states")
    if not (param.shape == grad.shape == m.shape == v.shape):
        raise ValueError("shapes")
    if t < 1:
        raise ValueError("t")
    b1 = torch.tensor(beta1, dtype=F32)
    b2 = torch.tensor(beta2, dtype=F32)
    exp_avg = (b1 * m.to(F32) + (1 - b1) * grad).to(m.dtype)
    exp_avg_sq = (b2 * v.to(F32) + (1 - b2) * grad * grad).to(v.dtype)
    bc1 = 1 - beta1 ** t
    bc2 = 1 - beta2 ** t
    step_size = lr / bc1
    if eps_inside:
        denom = (exp_avg_sq.to(F32) / bc2).add(eps).sqrt()
    else:
        denom = (exp_avg_sq.to(F32).sqrt() / math.sqrt(bc2)).add(eps)
    return param.addcdiv(exp_avg.to(F32), denom, value=-step_size), exp_avg, exp_avg_sq
