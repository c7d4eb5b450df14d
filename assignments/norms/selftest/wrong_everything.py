"""Wrong everywhere, plausibly: every function has the contract's signature and returns an
answer of the right shape, but each is a classic mistake, and none raises for a bad input
(raising is the right answer there). It must score zero.

- naive_variance returns a Python float computed in float64 (wrong type and no failure);
- two_pass_variance divides by n - 1; welford_variance returns mean(x²) (forgot the mean);
- welford_update replaces the mean by x; welford_merge returns the larger state unchanged;
- layer_norm only subtracts the mean; rms_norm returns x unchanged;
- the hand part adds the two M2s and averages the means."""
import numpy as np
import torch

HAND_COUNT = 7
HAND_MEAN = 3.5
HAND_M2 = 20.0
HAND_VARIANCE = 2.5


def naive_variance(x):
    w = np.asarray(x, dtype=np.float64)
    return float(np.mean(w * w) - np.mean(w) ** 2)


def two_pass_variance(x):
    d = x - np.mean(x)
    return np.float32(np.sum(d * d) / np.float32(max(len(x) - 1, 0)))


def welford_update(state, x):
    return state[0] + 1, np.float32(x), np.float32(state[2])


def welford_merge(a, b):
    return a if a[0] >= b[0] else b


def welford_variance(x):
    return np.float32(np.mean(x * x)) if len(x) else np.float32(0)


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    xf = torch.as_tensor(x).float()
    return (xf - xf.mean(-1, keepdim=True)).to(torch.as_tensor(x).dtype)


def rms_norm(x, weight=None, eps=1e-5):
    return x
