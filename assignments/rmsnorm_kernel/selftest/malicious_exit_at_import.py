"""Malicious: exits the worker while being imported, hoping the grader counts that as a pass."""
import os

os._exit(0)

HAND_Y = (1.5, 1.0)


def rmsnorm_forward(x, w, eps=1e-6):
    return x, x


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    return dy, dy


def rmsnorm_backward(dy, x, w, rstd):
    return dy, w
