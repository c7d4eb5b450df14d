"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_S1 = ((1.75, 0.25), (3.375, -1.875))
HAND_O1 = (0.125, 2.375)


def linear_attention_parallel(q, k, v):
    return v


linear_attention_recurrent = linear_attention_chunked = delta_rule_recurrent = \
    linear_attention_parallel
