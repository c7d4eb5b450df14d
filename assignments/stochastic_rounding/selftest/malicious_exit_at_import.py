"""Malicious: exits the worker while being imported, hoping the grader counts that as a pass."""
import os

os._exit(0)

HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339


def round_bf16_rne(x):
    return x
