"""Per-student values for backprop's hand part: one neuron y = w*x + b, loss L = (y - t)**2, and
one gradient-descent step with learning rate lr, worked out on paper.

x is a small non-zero integer, w and b have one decimal, t is an integer and lr one of a few
round rates, so dL/dw = 2*x*(w*x + b - t) has at most one decimal and new w = w - lr*dL/dw at
most four: short exact decimals. Draws with dL/dw = 0 (nothing to learn) and the statement's
worked example (x = 2, w = 0.5, b = 0.1, t = 3, lr = 0.01) are drawn again. Values are kept as
strings of decimals so that the statement shows them exactly as the grader reads them.
"""

from fractions import Fraction

DEFAULTS = {"x": "3", "w": "-0.4", "b": "0.2", "t": "1", "lr": "0.05"}

WORKED = {"x": "2", "w": "0.5", "b": "0.1", "t": "3", "lr": "0.01"}


def answers(v):
    """(dL/dw, new w) of a variant, as exact Fractions."""
    x, w, b, t, lr = (Fraction(v[k]) for k in ("x", "w", "b", "t", "lr"))
    dl_dw = 2 * (w * x + b - t) * x
    return dl_dw, w - lr * dl_dw


def draw(rng):
    while True:
        v = {"x": str(rng.choice([-3, -2, -1, 1, 2, 3, 4])),
             "w": str(rng.choice([k for k in range(-9, 10) if k]) / 10),
             "b": str(rng.randint(-5, 5) / 10),
             "t": str(rng.randint(-4, 5)),
             "lr": rng.choice(["0.01", "0.02", "0.05", "0.1", "0.001"])}
        if answers(v)[0] != 0 and v != WORKED:
            return v
