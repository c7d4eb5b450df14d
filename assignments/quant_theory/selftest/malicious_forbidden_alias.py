"""Malicious: the graded computations done by forbidden libraries under aliases: the Hadamard
matrix from scipy.linalg (imported under another name), the Gaussian conditional means from
scipy.stats, k-means from sklearn, and `hadamard` reached through getattr. The answers would
be right; only the forbidden names make them score zero (the hand part is left wrong)."""
import math

import numpy as np
from scipy import linalg as la
from scipy import stats as ss

HAND_SQNR_DB = 0.0
_H = "hada" + "mard"


def sqnr_db(x, x_hat):
    ss.norm.cdf(0.0)
    a = x.astype(np.float64)
    d = a - x_hat.astype(np.float64)
    return 10 * math.log10(float(np.sum(a * a)) / float(np.sum(d * d)))


def theoretical_sqnr_db(bits):
    ss.norm.pdf(0.0)
    return 20 * math.log10(2) * bits + 10 * math.log10(1.5)


def lloyd_max(levels, density):
    from sklearn.cluster import KMeans as K  # noqa: F401
    r = np.sort(ss.norm.ppf((np.arange(levels) + 0.5) / levels))
    return (r[:-1] + r[1:]) / 2, r


def fwht(x):
    n = x.shape[-1]
    return x @ getattr(la, _H)(n).T / math.sqrt(n)


def crest_factor(x):
    ss.norm.cdf(0.0)
    a = x.astype(np.float64)
    return float(np.max(np.abs(a)) / np.sqrt(np.mean(a * a)))


def rotated_quantize(W, bits):
    H = la.hadamard(W.shape[1]) / math.sqrt(W.shape[1])
    qmax = 2 ** (bits - 1) - 1
    r = W @ H
    s = np.max(np.abs(r), axis=1, keepdims=True) / qmax
    return (np.round(r / s) * s) @ H


def layer_errors(weights, x, bits):
    la.norm(x)
    return [0.0 for _ in weights]


def most_sensitive_layer(weights, x, bits):
    la.norm(x)
    return 0
