"""Quantization theory: SQNR, Lloyd-Max and rotations against outliers.

Fill in every function (see the statement for the exact contract) and the hand-part constant.
"""

import math

import numpy as np

# Part 1, by hand: the theoretical SQNR of b-bit uniform quantization of a full-scale sine,
# for the b your statement names, rounded to 2 decimals (a float, e.g. 49.93 for b = 8).
HAND_SQNR_DB = 0.0


def sqnr_db(x, x_hat):
    """10*log10(sum x**2 / sum (x - x_hat)**2) in float64, as a Python float.

    x, x_hat: numpy arrays of float32 or float64, same shape. math.inf for zero error.
    TypeError: not a float32/float64 array. ValueError: shapes differ, empty, or sum x**2 == 0.
    """
    raise NotImplementedError


def theoretical_sqnr_db(bits):
    """20*log10(2)*bits + 10*log10(3/2): b-bit uniform quantization of a full-scale sine.

    bits: a Python int >= 1 (TypeError otherwise, ValueError if < 1). Returns a float.
    """
    raise NotImplementedError


def lloyd_max(levels, density):
    """Lloyd's iteration for the MSE-optimal `levels`-level scalar quantizer.

    density: 'gaussian' (N(0, 1)), 'laplacian' (mean 0, variance 1) or a 1-D float32/float64
    numpy sample (1-D k-means). Returns (thresholds, levels): float64 arrays of shapes
    (levels - 1,) and (levels,). See the statement for the initialization and stopping rules.
    """
    raise NotImplementedError


def fwht(x):
    """Orthonormal fast Walsh-Hadamard transform H x / sqrt(n) along the last axis.

    x: float64 numpy array, last axis of length n = 2**k. Natural (Sylvester) order,
    O(n log n) butterflies. Returns a new float64 array of x's shape.
    """
    raise NotImplementedError


def crest_factor(x):
    """max|x| / sqrt(mean(x**2)) over all elements, in float64, as a Python float."""
    raise NotImplementedError


def rotated_quantize(W, bits):
    """Rotate each row of W by fwht, per-row symmetric absmax quantize to `bits`, rotate back.

    W: 2-D float64 array with a power-of-two number of columns; bits: int in 2..8.
    Returns a float64 array of W's shape.
    """
    raise NotImplementedError


def layer_errors(weights, x, bits):
    """Relative error ||y^_l - y_l|| / ||y_l|| after each layer y_{l+1} = W_l y_l when every
    layer's weights are quantized (per row, absmax, `bits` bits). Returns a list of floats."""
    raise NotImplementedError


def most_sensitive_layer(weights, x, bits):
    """Index (int) of the layer whose quantization alone gives the largest final relative error;
    ties: the smallest index."""
    raise NotImplementedError
