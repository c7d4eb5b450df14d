"""Malicious: exits the process the moment it is imported (a grader in the same process would
stop and could leave a stale or missing results file)."""

import os

os._exit(0)

HAND_SIGN = "1"
HAND_EXPONENT = "10000010"
HAND_MANTISSA = "10110100000000000000000"


def encode_fp32(x):
    return 0


def decode_fp32(bits):
    return 0.0


def fp32_fields(x):
    return (0, 0, 0)


def encode_float(x, exp_bits, man_bits):
    return 0


def decode_float(bits, exp_bits, man_bits):
    return 0.0
