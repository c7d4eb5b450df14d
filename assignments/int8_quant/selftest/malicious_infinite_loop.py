"""Malicious: never returns from quantize_symmetric and mse (the per-call timeout must stop them,
and the run must go on); the other functions are not written."""
HAND_SCALE = HAND_CODES = HAND_ZERO_POINT = HAND_ASYM_CODES = None


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    while True:
        pass


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    raise NotImplementedError


def dequantize(codes, scale, zero_point=None):
    raise NotImplementedError


def percentile_clip(w, p):
    raise NotImplementedError


def mse(w, w_hat):
    while True:
        pass


def max_abs_error(w, w_hat):
    raise NotImplementedError


def sqnr_db(w, w_hat):
    raise NotImplementedError
