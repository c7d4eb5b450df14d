"""Correct: plain Python loops and lists. statistics.NormalDist for the Gaussian, the in-place
butterfly over Python lists with one 1/sqrt(n) at the end, k-means by walking the sorted sample."""
import math
from statistics import NormalDist

import numpy as np

HAND_SQNR_DB = 61.97

_N = NormalDist()


def _floats(x):
    if not isinstance(x, np.ndarray) or x.dtype.name not in ("float32", "float64"):
        raise TypeError("expected a float32 or float64 array")
    return [float(v) for v in x.reshape(-1).tolist()]


def sqnr_db(x, x_hat):
    a = _floats(x)
    b = _floats(x_hat)
    if x.shape != x_hat.shape:
        raise ValueError("shapes differ")
    if not a:
        raise ValueError("empty")
    s = 0.0
    for v in a:
        s += v * v
    if s == 0.0:
        raise ValueError("zero signal")
    e = 0.0
    for v, w in zip(a, b):
        e += (v - w) * (v - w)
    if e == 0.0:
        return math.inf
    return 10.0 * math.log10(s) - 10.0 * math.log10(e)


def theoretical_sqnr_db(bits):
    if not isinstance(bits, int) or isinstance(bits, bool):
        raise TypeError("int bits")
    if bits < 1:
        raise ValueError("bits >= 1")
    return 10.0 * math.log10(1.5 * 4.0 ** bits) if bits < 500 else \
        20.0 * math.log10(2.0) * bits + 10.0 * math.log10(1.5)


def _moments(density, a, b):
    """(P(a < X <= b), E[X; a < X <= b])."""
    if density == "gaussian":
        def lo(t):
            return 0.0 if t == -math.inf else 1.0 if t == math.inf else _N.cdf(t)

        def up(t):
            return 1.0 if t == -math.inf else 0.0 if t == math.inf else _N.cdf(-t)

        def g(t):
            return 0.0 if math.isinf(t) else -_N.pdf(t)
    else:
        lam = math.sqrt(2.0)

        def lo(t):
            if t == -math.inf:
                return 0.0
            if t == math.inf:
                return 1.0
            return 0.5 * math.exp(lam * t) if t < 0 else 1.0 - 0.5 * math.exp(-lam * t)

        def up(t):
            if t == -math.inf:
                return 1.0
            if t == math.inf:
                return 0.0
            return 1.0 - 0.5 * math.exp(lam * t) if t < 0 else 0.5 * math.exp(-lam * t)

        def g(t):
            if math.isinf(t):
                return 0.0
            if t < 0:
                return 0.5 * (t - 1 / lam) * math.exp(lam * t)
            return -0.5 * (t + 1 / lam) * math.exp(-lam * t)
    p = up(a) - up(b) if a > 0 else lo(b) - lo(a)
    return p, g(b) - g(a)


def lloyd_max(levels, density):
    if not isinstance(levels, int) or isinstance(levels, bool):
        raise TypeError("levels must be an int")
    if levels < 1:
        raise ValueError("levels >= 1")
    if isinstance(density, str):
        if density not in ("gaussian", "laplacian"):
            raise ValueError("unknown density")
        r = [-3.0 + 6.0 * (i + 0.5) / levels for i in range(levels)]
        for _ in range(100000):
            edges = [-math.inf] + [(r[i] + r[i + 1]) / 2 for i in range(levels - 1)] + [math.inf]
            new = []
            for i in range(levels):
                p, m = _moments(density, edges[i], edges[i + 1])
                new.append(m / p)
            moved = max(abs(a - b) for a, b in zip(new, r))
            r = new
            if moved <= 1e-12:
                break
        t = [(r[i] + r[i + 1]) / 2 for i in range(levels - 1)]
        return np.array(t, dtype=np.float64), np.array(r, dtype=np.float64)
    if not isinstance(density, np.ndarray):
        raise TypeError("density must be a name or an array")
    if density.dtype.name not in ("float32", "float64"):
        raise TypeError("sample must be float")
    if density.ndim != 1 or density.size == 0:
        raise ValueError("sample must be 1-D and non-empty")
    xs = sorted(float(v) for v in density.tolist())
    if any(math.isinf(v) or math.isnan(v) for v in xs):
        raise ValueError("sample must be finite")
    distinct = sorted(set(xs))
    m = len(distinct)
    if m < levels:
        raise ValueError("fewer distinct values than levels")
    r = [distinct[(2 * i + 1) * m // (2 * levels)] for i in range(levels)]
    for _ in range(10000):
        t = [(r[i] + r[i + 1]) / 2 for i in range(levels - 1)]
        sums = [0.0] * levels
        counts = [0] * levels
        cell = 0
        for v in xs:                        # xs is sorted: the cell index only grows
            while cell < levels - 1 and v > t[cell]:
                cell += 1
            sums[cell] += v
            counts[cell] += 1
        new = [sums[i] / counts[i] if counts[i] else r[i] for i in range(levels)]
        if new == r:
            break
        r = new
    t = [(r[i] + r[i + 1]) / 2 for i in range(levels - 1)]
    return np.array(t, dtype=np.float64), np.array(r, dtype=np.float64)


def _fwht_list(v):
    n = len(v)
    h = 1
    while h < n:
        for start in range(0, n, 2 * h):
            for j in range(start, start + h):
                a, b = v[j], v[j + h]
                v[j], v[j + h] = a + b, a - b
        h *= 2
    s = math.sqrt(n)
    return [e / s for e in v]


def fwht(x):
    if not isinstance(x, np.ndarray) or x.dtype.name != "float64":
        raise TypeError("float64 array needed")
    if x.ndim == 0:
        raise ValueError("0-d")
    n = x.shape[-1]
    if n < 1 or bin(n).count("1") != 1:
        raise ValueError("not a power of two")
    rows = x.reshape(-1, n).tolist()
    out = [_fwht_list(list(r)) for r in rows]
    return np.array(out, dtype=np.float64).reshape(x.shape)


def crest_factor(x):
    a = _floats(x)
    if not a:
        raise ValueError("empty")
    peak = max(abs(v) for v in a)
    if peak == 0.0:
        raise ValueError("all zero")
    s = 0.0
    for v in a:
        s += v * v
    return peak / math.sqrt(s / len(a))


def _quantize_row(row, bits):
    qmax = 2 ** (bits - 1) - 1
    peak = max(abs(v) for v in row)
    if peak == 0.0:
        return [0.0] * len(row)
    s = peak / qmax
    return [max(-qmax, min(qmax, round(v / s))) * s for v in row]   # round(): ties to even


def _check_bits(bits):
    if not isinstance(bits, int) or isinstance(bits, bool):
        raise TypeError("bits must be an int")
    if bits < 2 or bits > 8:
        raise ValueError("bits in 2..8")


def rotated_quantize(W, bits):
    if not isinstance(W, np.ndarray) or W.dtype.name != "float64":
        raise TypeError("W must be a float64 array")
    if W.ndim != 2 or W.size == 0:
        raise ValueError("W must be non-empty 2-D")
    _check_bits(bits)
    n = W.shape[1]
    if bin(n).count("1") != 1:
        raise ValueError("columns must be a power of two")
    out = []
    for row in W.tolist():
        out.append(_fwht_list(_quantize_row(_fwht_list(list(row)), bits)))
    return np.array(out, dtype=np.float64)


def _matvec(w, y):
    return [math.fsum(a * b for a, b in zip(row, y)) for row in w]


def _norm(v):
    return math.sqrt(math.fsum(e * e for e in v))


def _prepare(weights, x, bits):
    _check_bits(bits)
    if len(weights) == 0:
        raise ValueError("no layers")
    for a in [x] + list(weights):
        if not isinstance(a, np.ndarray) or a.dtype.name != "float64":
            raise TypeError("weights and x must be float64 arrays")
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    d = x.shape[0]
    for w in weights:
        if w.ndim != 2 or w.shape[1] != d:
            raise ValueError("shapes do not chain")
        d = w.shape[0]
    return [w.tolist() for w in weights], x.tolist()


def _passes(ws, y):
    out = []
    for w in ws:
        y = _matvec(w, y)
        out.append(y)
    return out


def _quantize_matrix(w, bits):
    return [_quantize_row(row, bits) for row in w]


def _rel(a, b):
    return _norm([p - q for p, q in zip(a, b)]) / _norm(b)


def layer_errors(weights, x, bits):
    ws, y0 = _prepare(weights, x, bits)
    ref = _passes(ws, y0)
    for y in ref:
        if all(v == 0.0 for v in y):
            raise ValueError("zero layer output")
    got = _passes([_quantize_matrix(w, bits) for w in ws], y0)
    return [_rel(g, r) for g, r in zip(got, ref)]


def most_sensitive_layer(weights, x, bits):
    ws, y0 = _prepare(weights, x, bits)
    ref = _passes(ws, y0)
    for y in ref:
        if all(v == 0.0 for v in y):
            raise ValueError("zero layer output")
    best, best_err = 0, -1.0
    for i in range(len(ws)):
        mod = list(ws)
        mod[i] = _quantize_matrix(ws[i], bits)
        e = _rel(_passes(mod, y0)[-1], ref[-1])
        if e > best_err:
            best, best_err = i, e
    return best
