"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_COUNT = 8


def naive_variance(x):
    return x


two_pass_variance = welford_variance = welford_update = welford_merge = naive_variance
layer_norm = rms_norm = naive_variance
