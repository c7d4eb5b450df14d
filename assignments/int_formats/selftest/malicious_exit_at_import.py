"""Malicious: exits the process the moment it is imported (a grader in the same process would
stop and could leave a stale or missing results file)."""

import os

os._exit(0)

HAND_INT8 = "11011011"
HAND_Q34 = "11001011"


def encode_bits(value, bits):
    return "0" * bits


def decode_bits(s, bits):
    return 0


def to_unsigned(value, bits):
    return 0


def from_unsigned(pattern, bits):
    return 0


def wrap(value, bits):
    return 0


def wrap_add(x, y, bits):
    return 0


def wrap_mul(x, y, bits):
    return 0


def saturate(value, bits, symmetric=False):
    return 0


def q_range(m, n):
    return (0.0, 0.0, 0.0)


def q_encode(x, m, n, rounding="nearest_even"):
    return 0


def q_decode(code, m, n):
    return 0.0
