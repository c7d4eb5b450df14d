"""Reference solution for the ``quant_theory`` assignment (never shipped to students).

* ``sqnr_db`` / ``theoretical_sqnr_db``: measured and textbook signal-to-quantization-noise ratio;
* ``lloyd_max``: the optimal (minimum mean squared error) scalar quantizer of N(0, 1), of the
  unit-variance Laplacian, or of an empirical sample (1-D k-means), by Lloyd's iteration;
* ``fwht``: the orthonormal fast Walsh-Hadamard transform along the last axis (Sylvester order);
* ``crest_factor``: max|x| / rms(x);
* ``rotated_quantize``: rotate each row by the FWHT, per-row symmetric absmax quantization,
  rotate back (the QuaRot / QuIP idea against outliers);
* ``layer_errors`` / ``most_sensitive_layer``: how weight quantization error grows through a
  stack of linear layers.

Everything is float64 NumPy; ``math.erf`` for the Gaussian.
"""

import math

import numpy as np

__all__ = ["HAND_SQNR_DB", "crest_factor", "fwht", "layer_errors", "lloyd_max",
           "most_sensitive_layer", "rotated_quantize", "sqnr_db", "theoretical_sqnr_db"]

# The hand part for the class's default (10 bits): 20*log10(2)*10 + 10*log10(1.5) = 61.9669...
HAND_SQNR_DB = 61.97

_FLOATS = (np.float32, np.float64)
_LAMBDA = math.sqrt(2.0)          # the unit-variance Laplacian: f(x) = (λ/2) exp(-λ|x|)
_ANALYTIC_TOL = 1e-12             # stop when no level moves by more than this
_MAX_ITER = 100_000


def _float_array(x, name):
    if not isinstance(x, np.ndarray) or x.dtype not in _FLOATS:
        raise TypeError(f"{name} must be a numpy array of float32 or float64, "
                        f"got {getattr(x, 'dtype', type(x).__name__)}")
    return x.astype(np.float64)


def _check_int(v, name, lo, hi):
    if type(v) is not int:
        raise TypeError(f"{name} must be an int, got {type(v).__name__}")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {v}")


# --------------------------------------------------------------------------------- SQNR

def sqnr_db(x, x_hat):
    """10*log10(sum x**2 / sum (x - x_hat)**2) in float64; +inf for zero error."""
    a = _float_array(x, "x")
    b = _float_array(x_hat, "x_hat")
    if a.shape != b.shape:
        raise ValueError(f"x and x_hat must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("the SQNR of an empty signal is undefined")
    signal = float(np.sum(a * a))
    if signal == 0:
        raise ValueError("the SQNR of a zero signal is undefined")
    d = a - b
    noise = float(np.sum(d * d))
    if noise == 0:
        return math.inf
    return 10.0 * math.log10(signal / noise)


def theoretical_sqnr_db(bits):
    """20*log10(2)*bits + 10*log10(3/2): b-bit uniform quantization of a full-scale sine."""
    _check_int(bits, "bits", 1, math.inf)
    return 20.0 * math.log10(2.0) * bits + 10.0 * math.log10(1.5)


# ---------------------------------------------------------------------------- Lloyd-Max

def _gauss_parts(t):
    """(P(X <= t), P(X > t), E[X; X <= t]) for N(0, 1): (Phi(t), 1 - Phi(t), -phi(t))."""
    if t == math.inf:
        return 1.0, 0.0, 0.0
    if t == -math.inf:
        return 0.0, 1.0, 0.0
    s = t / math.sqrt(2.0)
    return 0.5 * math.erfc(-s), 0.5 * math.erfc(s), -math.exp(-t * t / 2) / math.sqrt(2 * math.pi)


def _laplace_parts(t):
    """(P(X <= t), P(X > t), E[X; X <= t]) for the unit-variance Laplacian."""
    if t == math.inf:
        return 1.0, 0.0, 0.0
    if t == -math.inf:
        return 0.0, 1.0, 0.0
    lam = _LAMBDA
    if t < 0:
        e = math.exp(lam * t)
        return 0.5 * e, 1 - 0.5 * e, 0.5 * (t - 1 / lam) * e
    e = math.exp(-lam * t)
    return 1 - 0.5 * e, 0.5 * e, -0.5 * (t + 1 / lam) * e


def _cond_means(parts, edges):
    """E[X | a < X <= b] for consecutive edges; the probability from the nearer tail."""
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        lo_a, up_a, g_a = parts(a)
        lo_b, up_b, g_b = parts(b)
        p = up_a - up_b if a > 0 else lo_b - lo_a
        out.append((g_b - g_a) / p)
    return out


def _sorted_unique(sample):
    return np.unique(sample)


def lloyd_max(levels, density):
    """Lloyd's iteration for the MSE-optimal `levels`-level quantizer of `density`.

    Returns (thresholds, reconstruction): float64 arrays of lengths levels - 1 and levels.
    """
    if type(levels) is not int:
        raise TypeError(f"levels must be an int, got {type(levels).__name__}")
    if levels < 1:
        raise ValueError(f"levels must be at least 1, got {levels}")
    if isinstance(density, str):
        if density == "gaussian":
            parts = _gauss_parts
        elif density == "laplacian":
            parts = _laplace_parts
        else:
            raise ValueError(f"unknown density {density!r}")
        r = [-3.0 + 6.0 * (i + 0.5) / levels for i in range(levels)]
        for _ in range(_MAX_ITER):
            t = [(r[i] + r[i + 1]) / 2 for i in range(levels - 1)]
            new = _cond_means(parts, [-math.inf] + t + [math.inf])
            step = max(abs(p - q) for p, q in zip(new, r))
            r = new
            if step <= _ANALYTIC_TOL:
                break
        r = np.array(r, dtype=np.float64)
        return (r[:-1] + r[1:]) / 2, r
    if not isinstance(density, np.ndarray):
        raise TypeError(f"density must be 'gaussian', 'laplacian' or a numpy array, "
                        f"got {type(density).__name__}")
    if density.dtype not in _FLOATS:
        raise TypeError(f"a sample must be float32 or float64, got {density.dtype}")
    if density.ndim != 1 or density.size == 0:
        raise ValueError(f"a sample must be a non-empty 1-D array, got shape {density.shape}")
    x = np.sort(density.astype(np.float64))
    if not np.all(np.isfinite(x)):
        raise ValueError("a sample must be finite")
    u = _sorted_unique(x)
    m = u.size
    if m < levels:
        raise ValueError(f"the sample has {m} distinct values, fewer than {levels} levels")
    r = u[[(2 * i + 1) * m // (2 * levels) for i in range(levels)]].copy()
    for _ in range(_MAX_ITER):
        t = (r[:-1] + r[1:]) / 2
        cell = np.searchsorted(t, x, side="left")      # x <= t[i] -> cell i
        new = r.copy()
        for i in range(levels):
            members = x[cell == i]
            if members.size:
                new[i] = members.mean()
        if np.array_equal(new, r):
            break
        r = new
    return (r[:-1] + r[1:]) / 2, r


# --------------------------------------------------------------------------------- FWHT

def fwht(x):
    """Orthonormal Walsh-Hadamard transform along the last axis, natural (Sylvester) order."""
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"fwht needs a float64 numpy array, got "
                        f"{getattr(x, 'dtype', type(x).__name__)}")
    if x.ndim == 0:
        raise ValueError("fwht needs at least one axis")
    n = x.shape[-1]
    if n < 1 or n & (n - 1):
        raise ValueError(f"the last axis must have a power-of-two length, got {n}")
    y = x.reshape(-1, n).copy()
    h = 1
    while h < n:
        y = y.reshape(-1, n // (2 * h), 2, h)
        a = y[:, :, 0, :].copy()
        b = y[:, :, 1, :]
        y[:, :, 0, :] = a + b
        y[:, :, 1, :] = a - b
        h *= 2
    return (y.reshape(x.shape) / math.sqrt(n))


def crest_factor(x):
    """max|x| / sqrt(mean(x**2)) over all elements, in float64."""
    a = _float_array(x, "x")
    if a.size == 0:
        raise ValueError("the crest factor of an empty array is undefined")
    peak = float(np.max(np.abs(a)))
    if peak == 0:
        raise ValueError("the crest factor of an all-zero array is undefined")
    return peak / math.sqrt(float(np.sum(a * a)) / a.size)


# ----------------------------------------------------------------------- quantization

def _absmax_rows(w, bits):
    """Per-row symmetric absmax quantization (dequantized), round half to even."""
    qmax = 2 ** (bits - 1) - 1
    peak = np.max(np.abs(w), axis=-1, keepdims=True)
    scale = peak / qmax
    safe = np.where(scale == 0, 1.0, scale)
    q = np.clip(np.round(w / safe), -qmax, qmax)
    return q * scale


def _check_matrix(w, name):
    if not isinstance(w, np.ndarray) or w.dtype != np.float64:
        raise TypeError(f"{name} must be a float64 numpy array, got "
                        f"{getattr(w, 'dtype', type(w).__name__)}")
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {w.shape}")


def rotated_quantize(W, bits):
    """fwht(Q(fwht(W))) row by row: rotate, per-row absmax quantize to `bits`, rotate back."""
    _check_matrix(W, "W")
    _check_int(bits, "bits", 2, 8)
    n = W.shape[1]
    if n & (n - 1):
        raise ValueError(f"W must have a power-of-two number of columns, got {n}")
    return fwht(_absmax_rows(fwht(W), bits))


def _check_network(weights, x, bits):
    if not isinstance(weights, list):
        raise TypeError(f"weights must be a list of matrices, got {type(weights).__name__}")
    if not weights:
        raise ValueError("weights must hold at least one layer")
    for i, w in enumerate(weights):
        _check_matrix(w, f"weights[{i}]")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("x must be a float64 numpy array")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    _check_int(bits, "bits", 2, 8)
    d = x.shape[0]
    for i, w in enumerate(weights):
        if w.shape[1] != d:
            raise ValueError(f"weights[{i}] has {w.shape[1]} columns, expected {d}")
        d = w.shape[0]


def _forward(weights, x):
    ys = []
    y = x
    for w in weights:
        y = w @ y
        ys.append(y)
    return ys


def _rel(a, b):
    return float(np.sqrt(np.sum((a - b) ** 2)) / np.sqrt(np.sum(b * b)))


def _clean_pass(weights, x):
    ys = _forward(weights, x)
    for i, y in enumerate(ys):
        if not np.any(y):
            raise ValueError(f"the output of layer {i} is zero: its relative error is undefined")
    return ys


def layer_errors(weights, x, bits):
    """Relative error of each layer's output when every layer's weights are quantized."""
    _check_network(weights, x, bits)
    ref = _clean_pass(weights, x)
    got = _forward([_absmax_rows(w, bits) for w in weights], x)
    return [_rel(g, r) for g, r in zip(got, ref)]


def most_sensitive_layer(weights, x, bits):
    """Index of the layer whose quantization alone gives the largest final-output error."""
    _check_network(weights, x, bits)
    final = _clean_pass(weights, x)[-1]
    errs = []
    for i in range(len(weights)):
        ws = list(weights)
        ws[i] = _absmax_rows(weights[i], bits)
        errs.append(_rel(_forward(ws, x)[-1], final))
    return int(np.argmax(errs))
