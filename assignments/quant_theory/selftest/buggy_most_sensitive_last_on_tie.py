"""Buggy: most_sensitive_layer breaks ties toward the LAST index (>= in a loop)."""
import math

import numpy as np

HAND_SQNR_DB = 61.97

LAM = math.sqrt(2.0)


def _arr(x):
    if not isinstance(x, np.ndarray) or x.dtype not in (np.float32, np.float64):
        raise TypeError("need a float32/float64 numpy array")
    return np.asarray(x, dtype=np.float64)


def sqnr_db(x, x_hat):
    a, b = _arr(x), _arr(x_hat)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    if a.size == 0:
        raise ValueError("empty")
    s = np.sum(np.square(a))
    if s == 0:
        raise ValueError("zero signal")
    n = np.sum(np.square(a - b))
    if n == 0:
        return math.inf
    return float(10 * np.log10(s / n))


def theoretical_sqnr_db(bits):
    if type(bits) is not int:
        raise TypeError("bits must be an int")
    if bits < 1:
        raise ValueError("bits >= 1")
    return float(10 * math.log10(1.5) + bits * 20 * math.log10(2))


def _gauss(t):
    # lower tail, upper tail, partial first moment, for an array of edges (±inf allowed)
    lo = 0.5 * np.array([math.erfc(-v / math.sqrt(2)) for v in t])
    up = 0.5 * np.array([math.erfc(v / math.sqrt(2)) for v in t])
    g = -np.exp(-np.square(t) / 2) / math.sqrt(2 * math.pi)
    return lo, up, np.where(np.isfinite(t), g, 0.0)


def _laplace(t):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-LAM * np.abs(t))
        lo = np.where(t < 0, 0.5 * e, 1 - 0.5 * e)
        up = np.where(t < 0, 1 - 0.5 * e, 0.5 * e)
        g = np.where(t < 0, 0.5 * (t - 1 / LAM) * e, -0.5 * (t + 1 / LAM) * e)
    return lo, up, np.where(np.isfinite(t), g, 0.0)


def lloyd_max(levels, density):
    if type(levels) is not int:
        raise TypeError("levels must be an int")
    if levels < 1:
        raise ValueError("levels >= 1")
    if isinstance(density, str):
        if density not in ("gaussian", "laplacian"):
            raise ValueError("unknown density")
        parts = _gauss if density == "gaussian" else _laplace
        r = -3 + 6 * (np.arange(levels) + 0.5) / levels
        for _ in range(100000):
            t = (r[:-1] + r[1:]) / 2
            edges = np.concatenate([[-np.inf], t, [np.inf]])
            lo, up, g = parts(edges)
            a_lo, b_lo, a_up, b_up = lo[:-1], lo[1:], up[:-1], up[1:]
            p = np.where(edges[:-1] > 0, a_up - b_up, b_lo - a_lo)
            new = (g[1:] - g[:-1]) / p
            done = np.max(np.abs(new - r)) <= 1e-12
            r = new
            if done:
                break
        return (r[:-1] + r[1:]) / 2, r
    if not isinstance(density, np.ndarray):
        raise TypeError("density must be a str or an array")
    if density.dtype not in (np.float32, np.float64):
        raise TypeError("sample dtype")
    if density.ndim != 1 or density.size == 0 or not np.all(np.isfinite(density)):
        raise ValueError("bad sample")
    x = density.astype(np.float64)
    u = np.unique(x)
    m = u.size
    if m < levels:
        raise ValueError("fewer distinct values than levels")
    r = u[(2 * np.arange(levels) + 1) * m // (2 * levels)]
    for _ in range(10000):
        t = (r[:-1] + r[1:]) / 2
        c = np.searchsorted(t, x, side="left")
        cnt = np.bincount(c, minlength=levels)
        tot = np.bincount(c, weights=x, minlength=levels)
        new = np.where(cnt > 0, tot / np.maximum(cnt, 1), r)
        if np.array_equal(new, r):
            break
        r = new
    return (r[:-1] + r[1:]) / 2, r


def fwht(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("need a float64 array")
    if x.ndim == 0:
        raise ValueError("0-d")
    n = x.shape[-1]
    if n == 0 or n & (n - 1):
        raise ValueError("length must be a power of two")
    y = x.reshape(-1, n).copy()
    c = 1 / math.sqrt(2)
    h = 1
    while h < n:
        v = y.reshape(y.shape[0], -1, 2, h)
        a = v[:, :, 0, :]
        b = v[:, :, 1, :]
        y = np.stack([(a + b) * c, (a - b) * c], axis=2).reshape(-1, n)
        h *= 2
    return y.reshape(x.shape)


def crest_factor(x):
    a = _arr(x)
    if a.size == 0:
        raise ValueError("empty")
    peak = np.max(np.abs(a))
    if peak == 0:
        raise ValueError("all zero")
    return float(peak / np.sqrt(np.mean(np.square(a))))


def _quantize(w, bits):
    qmax = 2 ** (bits - 1) - 1
    s = np.max(np.abs(w), axis=1, keepdims=True) / qmax
    q = np.clip(np.round(np.divide(w, s, out=np.zeros_like(w), where=s > 0)), -qmax, qmax)
    return q * s


def _bits(bits):
    if type(bits) is not int:
        raise TypeError("bits must be an int")
    if not 2 <= bits <= 8:
        raise ValueError("bits in 2..8")


def rotated_quantize(W, bits):
    if not isinstance(W, np.ndarray) or W.dtype != np.float64:
        raise TypeError("W must be float64")
    if W.ndim != 2 or W.size == 0:
        raise ValueError("W must be 2-D")
    _bits(bits)
    if W.shape[1] & (W.shape[1] - 1):
        raise ValueError("columns must be a power of two")
    return fwht(_quantize(fwht(W), bits))


def _check(weights, x, bits):
    _bits(bits)
    if not weights:
        raise ValueError("no layers")
    for a in [x, *weights]:
        if not isinstance(a, np.ndarray) or a.dtype != np.float64:
            raise TypeError("weights and x must be float64 arrays")
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    d = x.shape[0]
    for w in weights:
        if w.ndim != 2 or w.shape[1] != d:
            raise ValueError("shapes do not chain")
        d = w.shape[0]


def _run(weights, x):
    out = []
    for w in weights:
        x = w @ x
        out.append(x)
    return out


def _clean(weights, x):
    ys = _run(weights, x)
    if any(not np.any(y) for y in ys):
        raise ValueError("a layer output is zero")
    return ys


def _rel(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def layer_errors(weights, x, bits):
    _check(weights, x, bits)
    ys = _clean(weights, x)
    qs = _run([_quantize(w, bits) for w in weights], x)
    return [_rel(q, y) for q, y in zip(qs, ys)]


def most_sensitive_layer(weights, x, bits):
    _check(weights, x, bits)
    final = _clean(weights, x)[-1]
    errs = []
    for i in range(len(weights)):
        ws = list(weights)
        ws[i] = _quantize(weights[i], bits)
        errs.append(_rel(_run(ws, x)[-1], final))
    best = 0
    for i, e in enumerate(errs):
        if e >= errs[best]:
            best = i
    return best
