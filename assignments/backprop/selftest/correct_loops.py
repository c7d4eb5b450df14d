"""Correct, one sample at a time: Python loops, the math module for every scalar, and the
gradients accumulated sample by sample (each divided by N as it is added)."""
import math

import numpy as np

HAND_DL_DW = -12.0
HAND_NEW_W = 0.2

K = math.sqrt(2 / math.pi)
C = 0.044715


def neuron_step(x, w, b, t, lr):
    vals = [x, w, b, t, lr]
    for v in vals:
        if type(v) is bool or not isinstance(v, (int, float)):
            raise TypeError("numbers only")
    for v in vals:
        if math.isnan(v) or math.isinf(v):
            raise ValueError("finite numbers only")
    if lr < 0:
        raise ValueError("lr must be >= 0")
    err = (w * x + b) - t
    dw = 2 * err * x
    db = 2 * err
    return float(dw), float(db), float(w - lr * dw), float(b - lr * db)


def _scalar_gelu(z):
    return 0.5 * z * (1 + math.tanh(K * (z + C * z * z * z)))


def _scalar_gelu_grad(z):
    th = math.tanh(K * (z + C * z * z * z))
    return 0.5 * (1 + th) + 0.5 * z * (1 - th * th) * K * (1 + 3 * C * z * z)


def _elementwise(z, f):
    if not isinstance(z, np.ndarray) or z.dtype != np.float64:
        raise TypeError("z must be a float64 ndarray")
    out = np.empty_like(z)
    flat_in, flat_out = z.reshape(-1), out.reshape(-1)
    for i in range(flat_in.size):
        flat_out[i] = f(float(flat_in[i]))
    return out


def gelu(z):
    return _elementwise(z, _scalar_gelu)


def gelu_grad(z):
    return _elementwise(z, _scalar_gelu_grad)


def _need_f64(a):
    if not isinstance(a, np.ndarray) or a.dtype != np.float64:
        raise TypeError("float64 ndarray expected")


def _need_labels(labels, n, c):
    if not isinstance(labels, np.ndarray) or labels.dtype.kind not in "iu":
        raise TypeError("labels must be an integer ndarray")
    if labels.shape != (n,):
        raise ValueError("labels shape")
    for v in labels.tolist():
        if not 0 <= v < c:
            raise ValueError("label out of range")


def _row_ce(row, label):
    """(loss of one row, softmax of the row) with plain floats."""
    m = max(row)
    s = 0.0
    for v in row:
        s += math.exp(v - m)
    lse = m + math.log(s)
    return lse - row[label], [math.exp(v - lse) for v in row]


def softmax_cross_entropy(logits, labels):
    _need_f64(logits)
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError("logits must be (N, C)")
    n, c = logits.shape
    _need_labels(labels, n, c)
    total = 0.0
    g = np.zeros((n, c))
    for i in range(n):
        y = int(labels[i])
        li, p = _row_ce(logits[i].tolist(), y)
        total += li
        for j in range(c):
            g[i, j] = (p[j] - (1.0 if j == y else 0.0)) / n
    return total / n, g


def _check(X, W1, b1, W2, b2, activation):
    for a in (X, W1, b1, W2, b2):
        _need_f64(a)
    if not isinstance(activation, str):
        raise TypeError("activation must be a str")
    if (X.ndim, W1.ndim, b1.ndim, W2.ndim, b2.ndim) != (2, 2, 1, 2, 1):
        raise ValueError("ranks")
    n, d = X.shape
    if 0 in (n, d) or 0 in W2.shape:
        raise ValueError("empty")
    h, c = W2.shape
    if W1.shape != (d, h) or b1.shape != (h,) or b2.shape != (c,):
        raise ValueError("shapes")
    if activation not in ("relu", "gelu"):
        raise ValueError("activation")


def _sample_forward(x, W1, b1, W2, b2, activation):
    z1 = x @ W1 + b1
    if activation == "relu":
        a1 = np.array([v if v > 0 else 0.0 for v in z1.tolist()])
    else:
        a1 = np.array([_scalar_gelu(v) for v in z1.tolist()])
    return z1, a1, a1 @ W2 + b2


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    _check(X, W1, b1, W2, b2, activation)
    return np.array([_sample_forward(X[i], W1, b1, W2, b2, activation)[2]
                     for i in range(X.shape[0])])


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    _check(X, W1, b1, W2, b2, activation)
    n = X.shape[0]
    _need_labels(labels, n, W2.shape[1])
    grads = {"W1": np.zeros_like(W1), "b1": np.zeros_like(b1),
             "W2": np.zeros_like(W2), "b2": np.zeros_like(b2)}
    total = 0.0
    for i in range(n):
        z1, a1, z2 = _sample_forward(X[i], W1, b1, W2, b2, activation)
        y = int(labels[i])
        li, p = _row_ce(z2.tolist(), y)
        total += li
        g2 = np.array(p)
        g2[y] -= 1.0
        g2 /= n
        grads["W2"] += np.outer(a1, g2)
        grads["b2"] += g2
        da1 = W2 @ g2
        if activation == "relu":
            d = np.array([1.0 if v > 0 else 0.0 for v in z1.tolist()])
        else:
            d = np.array([_scalar_gelu_grad(v) for v in z1.tolist()])
        dz1 = da1 * d
        grads["W1"] += np.outer(X[i], dz1)
        grads["b1"] += dz1
    grads["loss"] = total / n
    return grads
