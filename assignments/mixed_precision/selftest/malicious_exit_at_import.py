"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_SCALES = (1.0,) * 10
HAND_TRACKER = 0
HAND_STEP_OUTSIDE = HAND_STEP_INSIDE = HAND_STEP_FLUSHED = 1e-3


def unscale_grads(grads, scale):
    return grads, False


update_scale = master_weights_run = bf16_direct_run = adam_step = unscale_grads
