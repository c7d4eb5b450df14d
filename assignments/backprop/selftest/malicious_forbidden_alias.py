"""Malicious: lets PyTorch's autograd do every graded computation, with torch imported under
innocent-looking aliases. The answers would be right; only the forbidden module makes them
score zero (the hand part is left wrong)."""
import numpy as np
import torch as backend
from torch import nn as layers

HAND_DL_DW = 0.0
HAND_NEW_W = 0.0


def _t(a, grad=False):
    return backend.tensor(a, dtype=backend.float64, requires_grad=grad)


def neuron_step(x, w, b, t, lr):
    wt, bt = _t(float(w), True), _t(float(b), True)
    loss = (wt * float(x) + bt - float(t)) ** 2
    loss.backward()
    gw, gb = float(wt.grad), float(bt.grad)
    return gw, gb, w - lr * gw, b - lr * gb


def gelu(z):
    return layers.functional.gelu(_t(z), approximate="tanh").numpy()


def gelu_grad(z):
    zt = _t(z, True)
    layers.functional.gelu(zt, approximate="tanh").sum().backward()
    return zt.grad.numpy()


def softmax_cross_entropy(logits, labels):
    zt = _t(logits, True)
    loss = layers.functional.cross_entropy(zt, backend.tensor(labels, dtype=backend.int64))
    loss.backward()
    return float(loss), zt.grad.numpy()


def _net(X, W1, b1, W2, b2, activation):
    z1 = _t(X) @ W1 + b1
    a1 = backend.relu(z1) if activation == "relu" else \
        layers.functional.gelu(z1, approximate="tanh")
    return a1 @ W2 + b2


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    return _net(X, _t(W1), _t(b1), _t(W2), _t(b2), activation).numpy()


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    p = {k: _t(v, True) for k, v in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    z2 = _net(X, p["W1"], p["b1"], p["W2"], p["b2"], activation)
    loss = layers.functional.cross_entropy(z2, backend.tensor(labels, dtype=backend.int64))
    loss.backward()
    out = {k: v.grad.numpy() for k, v in p.items()}
    out["loss"] = float(loss)
    return out
