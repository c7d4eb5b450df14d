"""Malicious: exits the worker while being imported, hoping the grader counts that as a pass."""
import os

os._exit(0)


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    raise NotImplementedError


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    raise NotImplementedError


def dequantize(codes, scale, zero_point=None):
    raise NotImplementedError


def percentile_clip(w, p):
    raise NotImplementedError


def mse(w, w_hat):
    raise NotImplementedError


def max_abs_error(w, w_hat):
    raise NotImplementedError


def sqnr_db(w, w_hat):
    raise NotImplementedError
