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


def encode_fp32(x):
    _attack()
    return 0


def decode_fp32(bits):
    _attack()
    return 0.0


def fp32_fields(x):
    _attack()
    return (0, 0, 0)


def encode_float(x, exp_bits, man_bits):
    _attack()
    return 0


def decode_float(bits, exp_bits, man_bits):
    _attack()
    return 0.0
