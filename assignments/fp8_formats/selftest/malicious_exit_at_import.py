"""Malicious: exits the process the moment it is imported (a grader in the same process would
stop and could leave a stale or missing results file)."""

import os

os._exit(0)

HAND_V = "11011101"
HAND_W = "01011011"


def encode_e4m3fn(x, saturate=False):
    return 0


def decode_e4m3fn(code):
    return 0.0


def encode_e5m2(x, saturate=False):
    return 0


def decode_e5m2(code):
    return 0.0


def encode_fp16(x):
    return 0


def decode_fp16(code):
    return 0.0


def encode_bf16(x):
    return 0


def decode_bf16(code):
    return 0.0


def format_info(exp_bits, man_bits, nan_style):
    return {}


def which_formats_hold(x):
    return ["fp32"]
