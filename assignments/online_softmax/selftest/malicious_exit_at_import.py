"""Malicious: exits the worker as soon as it is imported."""
import os

os._exit(0)


def init(rows, dtype="float32"):
    return None


update = merge = finalize_lse = finalize_softmax = softmax_rows = init
