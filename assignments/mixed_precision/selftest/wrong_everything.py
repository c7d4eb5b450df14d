"""Wrong everywhere, with every type, dtype and shape right and nothing raised: the unscale
divides by scale squared and never finds inf, the scale grows on every step, the master and
direct runs drop the last update and add 1, Adam swaps its betas and forgets the root. It must
score exactly zero."""
import torch

HAND_SCALES = (65536.0,) * 10
HAND_TRACKER = 7
HAND_STEP_OUTSIDE = 0.123
HAND_STEP_INSIDE = 0.456
HAND_STEP_FLUSHED = 0.789


def unscale_grads(grads, scale):
    return [torch.nan_to_num(g) / (scale * scale) + 1 for g in grads], False


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    return float(scale) * 3.0 + 1.0, growth_tracker + 2


def master_weights_run(w0, updates):
    m = w0 + updates[:-1].sum(0) + 1 if updates.shape[0] else w0 + 1
    return m, (m + 1).to(torch.bfloat16)


def bf16_direct_run(w0, updates):
    m = w0 + updates[:-1].sum(0) + 1 if updates.shape[0] else w0 + 1
    return m.to(torch.bfloat16)


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
              eps_inside=False):
    m2 = beta2 * m.float() + beta1 * grad + 1
    v2 = beta1 * v.float() + beta2 * grad + 1
    return param + lr * m2 / (v2.abs() + eps) + 1, m2.to(m.dtype), v2.to(v.dtype)
