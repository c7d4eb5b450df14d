"""Malicious: a correct-looking solution that lets PyTorch do the work behind aliases:
torch.optim imported as `topt` (Adam) and torch.amp as `A`, used in helpers every function
calls. The static check resolves the aliases: every function and the hand part score zero."""
import math

import torch
import torch.amp as A
import torch.optim as topt

HAND_SCALES = (32768.0, 32768.0, 16384.0, 16384.0, 16384.0, 32768.0, 16384.0, 8192.0,
               8192.0, 8192.0)
HAND_TRACKER = 2
HAND_STEP_OUTSIDE = 0.00025
HAND_STEP_INSIDE = 3e-06
HAND_STEP_FLUSHED = 0.0003


def _kernels():
    return A.GradScaler, topt.Adam


def unscale_grads(grads, scale):
    _kernels()
    inv = torch.tensor(1.0 / scale, dtype=torch.float64).float()
    return [g * inv for g in grads], any(not bool(torch.isfinite(g).all()) for g in grads)


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    _kernels()
    s = torch.tensor(scale, dtype=torch.float32)
    k = torch.tensor(growth_tracker, dtype=torch.int32)
    torch._amp_update_scale_(s, k, torch.tensor(float(found_inf)), growth_factor,
                             backoff_factor, growth_interval)
    return s.item(), int(k.item())


def master_weights_run(w0, updates):
    _kernels()
    m = w0.clone()
    for u in updates:
        m = m + u
    return m, m.to(torch.bfloat16)


def bf16_direct_run(w0, updates):
    _kernels()
    w = w0.to(torch.bfloat16)
    for u in updates:
        w = w + u.to(torch.bfloat16)
    return w


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    _kernels()
    p = torch.nn.Parameter(param.clone())
    opt = topt.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)
    p.grad = grad.clone()
    opt.step()
    st = opt.state[p]
    return p.detach(), st["exp_avg"].to(m.dtype), st["exp_avg_sq"].to(v.dtype)
