"""mixed_precision — loss scaling, FP32 master weights and Adam's epsilon.

Fill in every function below (each one raises NotImplementedError until you do) and the HAND_
constants. The contract is in the statement; the essentials are repeated in each docstring.

Tensors are CPU torch.Tensors. Do not use torch.amp, torch.cuda.amp, torch.cpu.amp, torch.optim,
torch._amp_update_scale_, torch._amp_foreach_non_finite_check_and_unscale_, torch._fused_adam_
or optimizer packages (apex, transformers, bitsandbytes, timm, deepspeed, ...): the point is to
build the scaler and the optimizer step yourself. torch casts (.to(torch.bfloat16)...) and
NumPy are fine.

Check your work locally with:   ulp check mixed_precision mixed_precision.py
"""

import numpy as np
import torch

# ---- Part 1, by hand: your own values are in your statement ---------------------------------
HAND_SCALES = None         # a tuple of 10 floats: the scale after each of your 10 updates
HAND_TRACKER = None        # an int: the growth tracker after the 10th update
HAND_STEP_OUTSIDE = None   # a float, 3 significant digits: lr * m_hat / (sqrt(v_hat) + eps)
HAND_STEP_INSIDE = None    # a float, 3 significant digits: lr * m_hat / sqrt(v_hat + eps)
HAND_STEP_FLUSHED = None   # a float, 3 significant digits: lr * m_hat / eps (v_hat flushed to 0)


def unscale_grads(grads, scale):
    """Unscale the gradients of one step and look for inf/NaN (GradScaler.unscale_).

    grads: a non-empty list of float32 torch.Tensors (any shapes), the SCALED gradients.
    scale: a Python float, positive and finite (a float32 value).
    inv = float32(1.0 / scale)   (the division in float64, then rounded once to float32)
    Returns (unscaled, found_inf): unscaled a list of new float32 tensors, element by element
    float32(g * inv) (inf and NaN included); found_inf a Python bool, True iff some element of
    the GIVEN scaled gradients is inf or NaN.
    TypeError: grads not a list/tuple, an element not a float32 tensor, scale not an int/float.
    ValueError: empty grads; scale not positive and finite.
    """
    raise NotImplementedError("unscale_grads is not written yet")


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    """One GradScaler.update(): returns (new_scale, new_growth_tracker).

    found_inf:  new_scale = float32(scale * backoff_factor), tracker 0.
    otherwise:  tracker + 1; if that equals growth_interval, new_scale =
                float32(scale * growth_factor) unless that is inf (then the scale is kept),
                and the tracker resets to 0.
    Products in float64 (Python floats), rounded once to float32 (round to nearest even).
    new_scale a Python float, new_growth_tracker a Python int.
    ValueError: growth_factor <= 1, backoff_factor not in (0, 1), growth_interval < 1,
    growth_tracker not in [0, growth_interval).
    """
    raise NotImplementedError("update_scale is not written yet")


def master_weights_run(w0, updates):
    """FP32 master weights: master = w0; for each row u of updates: master = master + u (float32).

    w0: float32 1-D tensor (n,); updates: float32 tensor (T, n), T >= 0.
    Returns (master, model): master float32 (n,), model = master rounded to bfloat16 (n,).
    TypeError: w0 or updates not a float32 tensor. ValueError: w0 not 1-D, updates not (T, n).
    """
    raise NotImplementedError("master_weights_run is not written yet")


def bf16_direct_run(w0, updates):
    """BF16 weights updated directly: w = bf16(w0); for each row u: w = bf16(w + bf16(u)).

    Same arguments and errors as master_weights_run. Returns w, a bfloat16 tensor (n,).
    """
    raise NotImplementedError("bf16_direct_run is not written yet")


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    """One Adam step (PyTorch's formula), computed in float32; returns (param', m', v').

    param, grad: float32 tensors of one shape; m, v: that shape, one dtype S among float32,
    bfloat16, float16 (the state dtype); t: this step's number (1 for the first step).
        m' = S(beta1 * m + (1 - beta1) * g)          rounded ONCE to S after the update
        v' = S(beta2 * v + (1 - beta2) * g * g)
        m_hat = m' / (1 - beta1**t)   v_hat = v' / (1 - beta2**t)     (the STORED m', v')
        d = sqrt(v_hat) + eps   (eps_inside: d = sqrt(v_hat + eps))
        param' = param - lr * m_hat / d                                 (float32)
    1 - beta, 1 - beta**t in float64 (Python floats). param' float32; m', v' of dtype S.
    TypeError: a non-tensor, param/grad not float32, m/v not one shared dtype of the three.
    ValueError: shapes differ; t < 1.
    """
    raise NotImplementedError("adam_step is not written yet")
