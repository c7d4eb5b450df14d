"""Malicious: on every call it tries to kill its parent (the grader, if the worker is its child)
and its whole process group, then answers garbage. The grader must survive and score zero."""

import os
import signal


def _attack():
    for action in (lambda: os.kill(os.getppid(), signal.SIGKILL),
                   lambda: os.killpg(os.getpgid(0), signal.SIGKILL)):
        try:
            action()
        except Exception:
            pass


_attack()
HAND_INT8 = "1"
HAND_Q34 = "1"


def encode_bits(value, bits):
    _attack()
    return ""


def decode_bits(s, bits):
    _attack()
    return None


def to_unsigned(value, bits):
    _attack()
    return None


def from_unsigned(pattern, bits):
    _attack()
    return None


def wrap(value, bits):
    _attack()
    return None


def wrap_add(x, y, bits):
    _attack()
    return None


def wrap_mul(x, y, bits):
    _attack()
    return None


def saturate(value, bits, symmetric=False):
    _attack()
    return None


def q_range(m, n):
    _attack()
    return None


def q_encode(x, m, n, rounding="nearest_even"):
    _attack()
    return None


def q_decode(code, m, n):
    _attack()
    return None
