"""Buggy: db2 averages dZ2 over the batch, dividing by N a second time.

One neuron y = w*x + b with the squared loss (y - t)**2 and one gradient-descent step, then a
two-layer MLP (linear, ReLU or tanh-GELU, linear, softmax cross-entropy averaged over the batch)
forward and backward in float64 NumPy, by hand.

Conventions (the statement's): X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), labels (N,)
integers in 0..C-1; Z1 = X @ W1 + b1, A1 = act(Z1), Z2 = A1 @ W2 + b2 (the logits);
L = mean_i [logsumexp(Z2[i]) - Z2[i, labels[i]]]. ReLU's derivative at 0 is 0 (as PyTorch).
"""

import math

import numpy as np

__all__ = ["neuron_step", "gelu", "gelu_grad", "softmax_cross_entropy", "mlp_forward",
           "mlp_backward", "HAND_DL_DW", "HAND_NEW_W"]

# The hand part for the class's default numbers (x = 3, w = -0.4, b = 0.2, t = 1, lr = 0.05):
# y = -1.0, dL/dy = 2(y - t) = -4, dL/dw = -4 * 3 = -12, new w = -0.4 - 0.05 * (-12) = 0.2.
HAND_DL_DW = -12
HAND_NEW_W = -0.4 - 0.05 * (-12)

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_C = 0.044715
ACTIVATIONS = ("relu", "gelu")


# ----------------------------------------------------------------------------------- one neuron

def _real(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"neuron_step: {name} must be an int or a float, got {type(v).__name__}")
    if not math.isfinite(v):
        raise ValueError(f"neuron_step: {name} must be finite, got {v!r}")
    return float(v)


def neuron_step(x, w, b, t, lr):
    """One gradient-descent step for y = w*x + b, L = (y - t)**2.

    Returns (dL_dw, dL_db, new_w, new_b), four Python floats, with new_w = w - lr*dL_dw and
    new_b = b - lr*dL_db. TypeError for a bool or a non-number, ValueError for a NaN or an
    infinity, or lr < 0.
    """
    x, w, b, t, lr = (_real(v, n) for v, n in zip((x, w, b, t, lr), ("x", "w", "b", "t", "lr")))
    if lr < 0:
        raise ValueError(f"neuron_step: the learning rate must be >= 0, got {lr!r}")
    y = w * x + b
    dl_dy = 2.0 * (y - t)
    dl_dw = dl_dy * x
    dl_db = dl_dy
    return dl_dw, dl_db, w - lr * dl_dw, b - lr * dl_db


# ------------------------------------------------------------------------------------------ GELU

def _float64_array(a, name):
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray of float64, got {type(a).__name__}")
    if a.dtype != np.float64:
        raise TypeError(f"{name} must have dtype float64, got {a.dtype}")
    return a


def gelu(z):
    """GELU, tanh form: 0.5*z*(1 + tanh(sqrt(2/pi)*(z + 0.044715*z**3))), elementwise."""
    z = _float64_array(z, "gelu: z")
    v = SQRT_2_OVER_PI * (z + GELU_C * z ** 3)
    return 0.5 * z * (1.0 + np.tanh(v))


def gelu_grad(z):
    """The derivative of the tanh-form GELU, elementwise."""
    z = _float64_array(z, "gelu_grad: z")
    v = SQRT_2_OVER_PI * (z + GELU_C * z ** 3)
    th = np.tanh(v)
    dv = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * z * z)
    return 0.5 * (1.0 + th) + 0.5 * z * (1.0 - th * th) * dv


# --------------------------------------------------------------------------- softmax cross-entropy

def _labels(labels, n, c, name):
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"{name}: labels must be a numpy.ndarray of integers, "
                        f"got {type(labels).__name__}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name}: labels must have an integer dtype, got {labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"{name}: labels must have shape ({n},), got {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= c):
        raise ValueError(f"{name}: every label must be in 0..{c - 1}")
    return labels.astype(np.int64)


def _ce(logits, labels):
    n = logits.shape[0]
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(s[:, 0])
    rows = np.arange(n)
    loss = float(np.mean(lse - logits[rows, labels]))
    g = e / s
    g[rows, labels] -= 1.0
    return loss, g / n


def softmax_cross_entropy(logits, labels):
    """Mean softmax cross-entropy of (N, C) float64 logits and (N,) integer labels.

    Returns (loss, dlogits): a Python float and the float64 (N, C) gradient
    (softmax(logits) - onehot(labels)) / N.
    """
    _float64_array(logits, "softmax_cross_entropy: logits")
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(f"softmax_cross_entropy: logits must be (N, C) with N, C >= 1, "
                         f"got shape {logits.shape}")
    labels = _labels(labels, logits.shape[0], logits.shape[1], "softmax_cross_entropy")
    return _ce(logits, labels)


# ---------------------------------------------------------------------------------------- the MLP

def _check_mlp(X, W1, b1, W2, b2, activation, name):
    for a, what in ((X, "X"), (W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2")):
        _float64_array(a, f"{name}: {what}")
    if not isinstance(activation, str):
        raise TypeError(f"{name}: activation must be a str, got {type(activation).__name__}")
    if X.ndim != 2 or W1.ndim != 2 or W2.ndim != 2 or b1.ndim != 1 or b2.ndim != 1:
        raise ValueError(f"{name}: X, W1, W2 must be 2-D and b1, b2 1-D")
    n, d = X.shape
    h, c = W2.shape
    if min(n, d, h, c) == 0:
        raise ValueError(f"{name}: every dimension must be at least 1")
    if W1.shape != (d, h) or b1.shape != (h,) or b2.shape != (c,):
        raise ValueError(f"{name}: inconsistent shapes X {X.shape}, W1 {W1.shape}, b1 {b1.shape}, "
                         f"W2 {W2.shape}, b2 {b2.shape}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"{name}: activation must be 'relu' or 'gelu', got {activation!r}")


def _forward(X, W1, b1, W2, b2, activation):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0) if activation == "relu" else gelu(Z1)
    return Z1, A1, A1 @ W2 + b2


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    """The logits act(X @ W1 + b1) @ W2 + b2, a float64 (N, C) array."""
    _check_mlp(X, W1, b1, W2, b2, activation, "mlp_forward")
    return _forward(X, W1, b1, W2, b2, activation)[2]


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    """The loss and its gradients: a dict with keys 'loss' (a Python float) and 'W1', 'b1', 'W2',
    'b2' (float64 arrays of the parameters' shapes)."""
    _check_mlp(X, W1, b1, W2, b2, activation, "mlp_backward")
    labels = _labels(labels, X.shape[0], W2.shape[1], "mlp_backward")
    Z1, A1, Z2 = _forward(X, W1, b1, W2, b2, activation)
    loss, dZ2 = _ce(Z2, labels)
    dW2 = A1.T @ dZ2
    db2 = dZ2.mean(axis=0)
    dA1 = dZ2 @ W2.T
    if activation == "relu":
        dZ1 = np.where(Z1 > 0, dA1, 0.0)
    else:
        dZ1 = dA1 * gelu_grad(Z1)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"loss": loss, "W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
