"""Wrong everywhere, but plausibly so: every function returns a value of the right type and
shape that is wrong, and raises nothing."""
import numpy as np

HAND_DL_DW = -4.0        # dL/dy, not dL/dw
HAND_NEW_W = -0.2        # a step with dL/dy


def neuron_step(x, w, b, t, lr):
    g = float((w * x + b) - t)                   # no factor 2, no x
    return g, g, float(w + lr * g), float(b + lr * g)


def gelu(z):
    return np.maximum(z, 0.0)                     # ReLU instead


def gelu_grad(z):
    return (z > 0).astype(np.float64)


def softmax_cross_entropy(logits, labels):
    n, c = logits.shape
    return float(np.log(c)), np.full((n, c), 1.0 / c)    # as if the logits were all equal


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    return X @ W1 @ W2 + b2                               # no activation, no b1


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    return {"loss": 1.0, "W1": np.zeros_like(W1), "b1": np.zeros_like(b1),
            "W2": np.zeros_like(W2), "b2": np.zeros_like(b2)}
