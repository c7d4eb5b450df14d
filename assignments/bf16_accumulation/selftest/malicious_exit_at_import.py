"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_STEP = 10.875
HAND_STALL = 32.0


def round_to_bf16(x):
    return x


dot_bf16 = dot_fp32 = dot_blocked = accumulate_bf16 = stall_point = round_to_bf16
