"""Malicious: exits the worker while being imported, hoping the grader counts that as a pass."""
import os

os._exit(0)


def weight_bytes(shape, qtype):
    raise NotImplementedError


def decode_qint4(data, scale, shift, group_size, shape):
    raise NotImplementedError


def layer_sensitivity(state, x, qtype):
    raise NotImplementedError


def plan(state, x, budget):
    raise NotImplementedError
