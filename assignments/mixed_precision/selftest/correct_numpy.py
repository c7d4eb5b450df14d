"""Correct, NumPy inside: tensors go to NumPy float64/float32 arrays; Adam in float64 (allowed),
states rounded once through torch casts; the master run as NumPy float32 additions."""
import math

import numpy as np
import torch

HAND_SCALES = [32768, 32768, 16384, 16384, 16384, 32768, 16384, 8192, 8192, 8192]
HAND_TRACKER = 2
HAND_STEP_OUTSIDE = 0.00025
HAND_STEP_INSIDE = 0.000003
HAND_STEP_FLUSHED = 0.0003

STATES = {torch.float32, torch.bfloat16, torch.float16}


def _is32(x):
    return isinstance(x, torch.Tensor) and x.dtype == torch.float32


def unscale_grads(grads, scale):
    if not isinstance(grads, (list, tuple)) or not all(_is32(g) for g in grads):
        raise TypeError("grads: a list of float32 tensors")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError("scale")
    if not grads:
        raise ValueError("empty")
    if not (0 < scale < math.inf):
        raise ValueError("scale")
    inv = np.float32(1.0 / scale)
    out, found = [], False
    with np.errstate(over="ignore", invalid="ignore"):
        for g in grads:
            a = g.numpy()
            found = found or not bool(np.isfinite(a).all())
            out.append(torch.from_numpy((a * inv).astype(np.float32)))
    return out, found


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    if not growth_factor > 1 or not (0 < backoff_factor < 1) or not growth_interval >= 1:
        raise ValueError("settings")
    if not 0 <= growth_tracker < growth_interval:
        raise ValueError("tracker")
    with np.errstate(over="ignore"):
        if found_inf:
            return float(np.float32(scale * backoff_factor)), 0
        k = growth_tracker + 1
        if k < growth_interval:
            return float(scale), k
        g = np.float32(scale * growth_factor)
    return (float(g) if np.isfinite(g) else float(scale)), 0


def _check(w0, updates):
    if not (_is32(w0) and _is32(updates)):
        raise TypeError("float32")
    if w0.dim() != 1 or updates.dim() != 2 or updates.shape[1] != w0.shape[0]:
        raise ValueError("shape")


def master_weights_run(w0, updates):
    _check(w0, updates)
    m = w0.numpy().copy()
    for row in updates.numpy():
        m = m + row
    master = torch.from_numpy(m.astype(np.float32))
    return master, master.to(torch.bfloat16)


def bf16_direct_run(w0, updates):
    _check(w0, updates)
    w = w0.to(torch.bfloat16).to(torch.float64)
    u = updates.to(torch.bfloat16).to(torch.float64)
    for row in u:
        w = (w + row).to(torch.bfloat16).to(torch.float64)   # exact sum, one rounding
    return w.to(torch.bfloat16)


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    if not all(isinstance(x, torch.Tensor) for x in (param, grad, m, v)):
        raise TypeError("tensors")
    if not (_is32(param) and _is32(grad)) or m.dtype not in STATES or v.dtype != m.dtype:
        raise TypeError("dtypes")
    if len({tuple(x.shape) for x in (param, grad, m, v)}) != 1:
        raise ValueError("shapes")
    if t < 1:
        raise ValueError("t")
    g = grad.numpy().astype(np.float64)
    m64 = beta1 * m.to(torch.float64).numpy() + (1 - beta1) * g
    v64 = beta2 * v.to(torch.float64).numpy() + (1 - beta2) * g * g
    m_new = torch.from_numpy(m64).to(m.dtype)
    v_new = torch.from_numpy(v64).to(v.dtype)
    mh = m_new.to(torch.float64).numpy() / (1 - beta1 ** t)
    vh = v_new.to(torch.float64).numpy() / (1 - beta2 ** t)
    d = np.sqrt(vh + eps) if eps_inside else np.sqrt(vh) + eps
    p = param.numpy().astype(np.float64) - lr * mh / d
    return torch.from_numpy(p.astype(np.float32)), m_new, v_new
