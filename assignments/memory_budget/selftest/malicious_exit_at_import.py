"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_INT4_BYTES = HAND_TRAIN_BYTES = 0
HAND_INT4_GIB = HAND_TRAIN_GB = 0.0


def weight_bytes(*args):
    return 0


training_bytes = matmul_intensity = attention_intensity = elementwise_intensity = weight_bytes
roofline = decode_tokens_per_s = energy_pj = weight_bytes
