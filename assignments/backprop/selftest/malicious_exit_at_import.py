"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_DL_DW = -12.0
HAND_NEW_W = 0.2


def neuron_step(*args):
    return 0.0


gelu = gelu_grad = softmax_cross_entropy = mlp_forward = mlp_backward = neuron_step
