"""Malicious: exits the worker while being imported, hoping the grader counts that as a pass."""
import os

os._exit(0)


def attention(q, k, v, causal=False, sm_scale=None):
    return q
