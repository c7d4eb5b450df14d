"""INT8 quantization: scales, zero points and granularity.

Fill in every function below (the statement is the contract: read it first). Each function that
still raises NotImplementedError scores 0 on its tests. Weights are NumPy float32 arrays.
"""

import numpy as np

# The hand part: work these out on paper for YOUR vector v (your statement names it).
HAND_SCALE = None        # a float: the symmetric per-tensor scale of v
HAND_CODES = None        # a list of 4 ints: the symmetric codes of v
HAND_ZERO_POINT = None   # an int: the asymmetric per-tensor zero point of v
HAND_ASYM_CODES = None   # a list of 4 ints: the asymmetric codes of v


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    """Symmetric INT8: returns (codes int8 (out, in), scale float32 (1,1) | (out,1) | (out, in/G))."""
    raise NotImplementedError


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    """Asymmetric UINT8: returns (codes uint8 (out, in), scale float32, zero_point uint8)."""
    raise NotImplementedError


def dequantize(codes, scale, zero_point=None):
    """(code - zero_point) * scale as float32 (out, in); the block layout is read off scale's shape."""
    raise NotImplementedError


def percentile_clip(w, p):
    """The p-th percentile of |w| over all elements (numpy.percentile, linear method), a float."""
    raise NotImplementedError


def mse(w, w_hat):
    """Mean of (w - w_hat)**2 over all elements, in float64, as a float."""
    raise NotImplementedError


def max_abs_error(w, w_hat):
    """max |w - w_hat| over all elements, as a float."""
    raise NotImplementedError


def sqnr_db(w, w_hat):
    """10 log10(sum w**2 / sum (w - w_hat)**2) in dB, +inf for zero error, as a float."""
    raise NotImplementedError
