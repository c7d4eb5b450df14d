"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_GAMMA = 1.0
HAND_CODES = (0, -1, 0, 1, -1, 1)
HAND_PACKED = 200


def ternarize(w):
    return w


quantize_activations = ternary_linear = pack_ternary = unpack_ternary = ternarize
ste_forward_backward = ternarize
