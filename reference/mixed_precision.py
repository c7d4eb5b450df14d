"""mixed_precision — reference solution (hidden from students).

Dynamic loss scaling with PyTorch GradScaler's semantics, FP32 master weights against direct
BF16 updates, and one Adam step with PyTorch's formula, optionally with BF16/FP16 states.
"""

import math

import numpy as np
import torch

# ---- Part 1, by hand (the class's default values) --------------------------------------------
HAND_SCALES = (32768.0, 32768.0, 16384.0, 16384.0, 16384.0, 32768.0, 16384.0, 8192.0,
               8192.0, 8192.0)
HAND_TRACKER = 2
HAND_STEP_OUTSIDE = 0.00025
HAND_STEP_INSIDE = 3e-06
HAND_STEP_FLUSHED = 0.0003

STATE_DTYPES = (torch.float32, torch.bfloat16, torch.float16)


def _f32(x: float) -> float:
    """Round a Python float to the nearest float32 (ties to even), as a Python float."""
    with np.errstate(over="ignore"):
        return float(np.float32(x))


def _is_f32_tensor(t) -> bool:
    return isinstance(t, torch.Tensor) and t.dtype == torch.float32


# ---------------------------------------------------------------------------- loss scaling

def unscale_grads(grads, scale):
    """Multiply every scaled gradient by inv = float32(1 / scale); report any inf/NaN input."""
    if not isinstance(grads, (list, tuple)):
        raise TypeError("grads must be a list of float32 tensors")
    if not grads:
        raise ValueError("grads must hold at least one tensor")
    for g in grads:
        if not _is_f32_tensor(g):
            raise TypeError("every gradient must be a float32 torch.Tensor")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError("scale must be a Python float")
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError("scale must be positive and finite")
    inv = torch.tensor(_f32(1.0 / float(scale)), dtype=torch.float32)
    found = False
    out = []
    for g in grads:
        if not bool(torch.isfinite(g).all()):
            found = True
        out.append(g * inv)
    return out, found


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    """One GradScaler.update(): back off on inf/NaN, grow after growth_interval clean steps."""
    if not (growth_factor > 1.0):
        raise ValueError("growth_factor must be > 1")
    if not (0.0 < backoff_factor < 1.0):
        raise ValueError("backoff_factor must lie in (0, 1)")
    if growth_interval < 1:
        raise ValueError("growth_interval must be >= 1")
    if not 0 <= growth_tracker < growth_interval:
        raise ValueError("growth_tracker must lie in [0, growth_interval)")
    scale = float(scale)
    if found_inf:
        return _f32(scale * backoff_factor), 0
    tracker = growth_tracker + 1
    if tracker == growth_interval:
        grown = _f32(scale * growth_factor)
        if math.isfinite(grown):
            scale = grown
        tracker = 0
    return scale, tracker


# ------------------------------------------------------------------------- master weights

def _check_run(w0, updates):
    if not _is_f32_tensor(w0) or not _is_f32_tensor(updates):
        raise TypeError("w0 and updates must be float32 torch.Tensors")
    if w0.dim() != 1:
        raise ValueError("w0 must be 1-D")
    if updates.dim() != 2 or updates.shape[1] != w0.shape[0]:
        raise ValueError("updates must have shape (T, n) with n = len(w0)")


def master_weights_run(w0, updates):
    """FP32 master weights: master += update in float32 each step; the model copy is bf16."""
    _check_run(w0, updates)
    master = w0.clone()
    for t in range(updates.shape[0]):
        master = master + updates[t]
    return master, master.to(torch.bfloat16)


def bf16_direct_run(w0, updates):
    """Updates applied straight to bf16 weights: w = bf16(w + bf16(update)) each step."""
    _check_run(w0, updates)
    w = w0.to(torch.bfloat16)
    for t in range(updates.shape[0]):
        w = w + updates[t].to(torch.bfloat16)
    return w


# ------------------------------------------------------------------------------------- Adam

def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    """One Adam step (PyTorch's formula) in float32; m and v stored in their own dtype."""
    if not _is_f32_tensor(param) or not _is_f32_tensor(grad):
        raise TypeError("param and grad must be float32 torch.Tensors")
    if not isinstance(m, torch.Tensor) or not isinstance(v, torch.Tensor):
        raise TypeError("m and v must be torch.Tensors")
    if m.dtype not in STATE_DTYPES or v.dtype != m.dtype:
        raise TypeError("m and v must share one dtype: float32, bfloat16 or float16")
    if not (param.shape == grad.shape == m.shape == v.shape):
        raise ValueError("param, grad, m and v must have the same shape")
    if t < 1:
        raise ValueError("t counts steps from 1")
    sdt = m.dtype
    m32 = m.to(torch.float32)
    v32 = v.to(torch.float32)
    m_new = (beta1 * m32 + (1.0 - beta1) * grad).to(sdt)
    v_new = (beta2 * v32 + (1.0 - beta2) * grad * grad).to(sdt)
    c1 = 1.0 - beta1 ** t
    c2 = 1.0 - beta2 ** t
    m_hat = m_new.to(torch.float32) / c1
    v_hat = v_new.to(torch.float32) / c2
    if eps_inside:
        denom = torch.sqrt(v_hat + eps)
    else:
        denom = torch.sqrt(v_hat) + eps
    return param - lr * m_hat / denom, m_new, v_new
