"""Malicious: update_scale never returns; every other function returns None, and the hand
constants are None."""
HAND_SCALES = HAND_TRACKER = HAND_STEP_OUTSIDE = HAND_STEP_INSIDE = HAND_STEP_FLUSHED = None


def update_scale(*args, **kwargs):
    while True:
        pass


unscale_grads = master_weights_run = bf16_direct_run = adam_step = \
    lambda *args, **kwargs: None
