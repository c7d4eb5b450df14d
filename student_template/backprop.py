"""backprop: where gradients come from. One neuron by hand, then a two-layer MLP in NumPy.

Fill in every function (see the statement for the exact contract). NumPy and math are all you
need; torch, jax, autograd, tensorflow, keras, sympy, mpmath, numdifftools and scipy are
forbidden.
"""

import math  # noqa: F401  (you will need them)

import numpy as np  # noqa: F401

# Part 1, by hand: your own neuron's numbers are in your statement.
HAND_DL_DW = None   # dL/dw, a float (or an int)
HAND_NEW_W = None   # w after one gradient-descent step, a float


def neuron_step(x, w, b, t, lr):
    """One gradient-descent step for y = w*x + b, L = (y - t)**2.

    Returns (dL_dw, dL_db, new_w, new_b), four Python floats, with new_w = w - lr*dL_dw and
    new_b = b - lr*dL_db. TypeError for a bool or a non-number, ValueError for a NaN or an
    infinity, or lr < 0.
    """
    raise NotImplementedError


def gelu(z):
    """GELU, tanh form: 0.5*z*(1 + tanh(sqrt(2/pi)*(z + 0.044715*z**3))), elementwise."""
    raise NotImplementedError


def gelu_grad(z):
    """The derivative of the tanh-form GELU, elementwise."""
    raise NotImplementedError


def softmax_cross_entropy(logits, labels):
    """Mean softmax cross-entropy of (N, C) float64 logits and (N,) integer labels.

    Returns (loss, dlogits): a Python float and the float64 (N, C) gradient
    (softmax(logits) - onehot(labels)) / N.
    """
    raise NotImplementedError


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    """The logits act(X @ W1 + b1) @ W2 + b2, a float64 (N, C) array."""
    raise NotImplementedError


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    """The loss and its gradients: a dict with keys 'loss' (a Python float) and 'W1', 'b1', 'W2',
    'b2' (float64 arrays of the parameters' shapes)."""
    raise NotImplementedError
