"""Inputs, exact oracles and tolerances for the quant_theory tests.

Nothing here calls your code or the reference. Each drawn input is a small object whose repr is
the call that rebuilds it (`quant_theory_oracle.SqnrCase(...)` etc.); the arrays are made by NumPy
from the seed it holds. The oracles are independent of any solution:

* sqnr_db, crest_factor: exact integer sums (every float64 is an integer multiple of 2**-1074),
  then mpmath at 40 digits;
* lloyd_max: the centroid of each cell of the thresholds you return, by mpmath (Gaussian: the
  closed form with ncdf / npdf; Laplacian: the closed form of its exponential tails), and for a
  sample exact rational means;
* fwht: the explicit Sylvester matrix H (H_1 = [1], H_2m = [[H_m, H_m], [H_m, -H_m]]) applied
  exactly: in Fractions / mpmath for short rows, in float64 on integer data (where every partial
  sum is an integer below 2**53, so exact) for long ones;
* rotated_quantize, layer_errors, most_sensitive_layer: the same Sylvester matrix and a
  per-row absmax quantizer written here, with the error bounds derived in the statement.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath
import numpy as np
from hypothesis import strategies as st

U = 2.0 ** -53
SCALE = 1100                       # 2**SCALE * v is an integer for every finite float64 v


# ------------------------------------------------------------------------------ showing values

def show(x, limit: int = 6) -> str:
    a = np.asarray(x)
    items = [repr(float(v)) for v in a.reshape(-1)[:limit]]
    more = f", ... ({a.size} values)" if a.size > limit else ""
    return f"array([{', '.join(items)}{more}], shape={list(a.shape)}, dtype={a.dtype})"


def require_float(call: str, got) -> float:
    if not isinstance(got, float):
        raise AssertionError(f"{call} must return a Python float, got {type(got).__name__}: "
                             f"{got!r}")
    return float(got)


def _ints(a) -> list[int]:
    out = []
    for v in np.asarray(a, dtype=np.float64).reshape(-1).tolist():
        p, q = float(v).as_integer_ratio()
        k, r = divmod(p << SCALE, q)
        assert r == 0
        out.append(k)
    return out


# ---------------------------------------------------------------------------------- SQNR

class SqnrCase:
    """x and x_hat for sqnr_db. kind: gauss | wide | sparse | onehot | quantized."""

    def __init__(self, shape, dtype, kind, seed, noise_exp):
        self.args = (tuple(shape), dtype, kind, seed, noise_exp)
        rng = np.random.default_rng(seed)
        shape = tuple(shape)
        n = int(np.prod(shape))
        if kind == "wide":
            x = np.exp2(rng.uniform(-20, 20, n)) * rng.choice([-1.0, 1.0], n)
        elif kind == "sparse":
            x = np.where(rng.random(n) < 0.2, rng.standard_normal(n) * 100, 0.0)
        elif kind == "onehot":
            x = np.zeros(n)
            x[int(rng.integers(n))] = 3.0
        else:
            x = rng.standard_normal(n)
        if not np.any(x):
            x[0] = 1.0
        x = x.astype(dtype)
        if kind == "quantized":
            step = 2.0 ** noise_exp
            xh = (np.round(x.astype(np.float64) / step) * step).astype(dtype)
        else:
            xh = (x.astype(np.float64) * (1 + 2.0 ** noise_exp * rng.standard_normal(n))
                  + 2.0 ** (noise_exp - 4) * rng.standard_normal(n)).astype(dtype)
        self.x, self.x_hat = x.reshape(shape), xh.reshape(shape)

    def __repr__(self):
        return "quant_theory_oracle.SqnrCase" + repr(self.args)


@st.composite
def sqnr_cases(draw, max_n=200):
    n = draw(st.integers(1, max_n))
    shape = draw(st.sampled_from([(n,), (1, n), (2, (n + 1) // 2)]))
    return SqnrCase(shape, draw(st.sampled_from(["float32", "float64"])),
                    draw(st.sampled_from(["gauss", "wide", "sparse", "onehot", "quantized"])),
                    draw(st.integers(0, 2 ** 32 - 1)), draw(st.integers(-30, 0)))


def sqnr_exact(x, x_hat):
    """(SQNR in dB as an mpf, or +inf; S, N as floats) from exact integer sums."""
    a, b = _ints(x), _ints(x_hat)
    s = sum(k * k for k in a)
    nn = sum((p - q) * (p - q) for p, q in zip(a, b))
    with mpmath.workdps(40):
        S = mpmath.mpf(s) / mpmath.mpf(2) ** (2 * SCALE)
        N = mpmath.mpf(nn) / mpmath.mpf(2) ** (2 * SCALE)
        if nn == 0:
            return math.inf, S, N
        return 10 * mpmath.log10(S / N), S, N


def sqnr_tolerance(n, S, N, value):
    """4.35·(2n + 8)·u + 8u·(|10 log10 S| + |10 log10 N| + |SQNR|)."""
    with mpmath.workdps(40):
        logs = abs(10 * mpmath.log10(S)) + abs(10 * mpmath.log10(N)) + abs(value)
        return float(4.35 * (2 * n + 8) * U + 8 * U * logs)


def theoretical_exact(bits):
    with mpmath.workdps(40):
        return 20 * mpmath.log10(2) * bits + 10 * mpmath.log10(mpmath.mpf(3) / 2)


# ----------------------------------------------------------------------------- Lloyd-Max

LAMBDA = mpmath.sqrt(2)


def _laplace_tail(x):
    """(P[X > x], E[X; X > x]) of the unit-variance Laplacian, for x >= 0 (or +inf):
    e^(-λx)/2 and (x + 1/λ) e^(-λx)/2, the integrals of λ/2 e^(-λt) and of t times it."""
    if x == mpmath.inf:
        return mpmath.mpf(0), mpmath.mpf(0)
    tail = mpmath.exp(-LAMBDA * x) / 2
    return tail, (x + 1 / LAMBDA) * tail


def centroid(density, a, b):
    """E[X | a < X <= b] for 'gaussian' or 'laplacian', by closed forms at 30 digits."""
    with mpmath.workdps(30):
        a = mpmath.mpf(a) if a != -math.inf else -mpmath.inf
        b = mpmath.mpf(b) if b != math.inf else mpmath.inf
        if density == "gaussian":
            if a >= 0:   # the upper tail, without cancellation
                p = mpmath.ncdf(-a) - mpmath.ncdf(-b)
            else:
                p = mpmath.ncdf(b) - mpmath.ncdf(a)
            return (mpmath.npdf(a) - mpmath.npdf(b)) / p
        zero = mpmath.mpf(0)
        mass = first = zero
        if b > 0:   # the cell's part above 0
            (m0, f0), (m1, f1) = _laplace_tail(max(a, zero)), _laplace_tail(b)
            mass, first = mass + m0 - m1, first + f0 - f1
        if a < 0:   # its part below 0, by the density's symmetry
            (m0, f0), (m1, f1) = _laplace_tail(max(-b, zero)), _laplace_tail(-a)
            mass, first = mass + m0 - m1, first - (f0 - f1)
        return first / mass


LLOYD_THRESHOLD_TOL = 1e-12
LLOYD_LEVEL_TOL = 1e-9


def check_lloyd_shapes(call, got, levels):
    if not isinstance(got, tuple) or len(got) != 2:
        raise AssertionError(f"{call} must return a tuple (thresholds, levels), got "
                             f"{type(got).__name__}")
    t, r = got
    for name, arr, size in (("thresholds", t, levels - 1), ("levels", r, levels)):
        if not isinstance(arr, np.ndarray) or arr.dtype != np.float64 or arr.shape != (size,):
            raise AssertionError(
                f"{call}: {name} must be a float64 numpy array of shape ({size},), got "
                f"{type(arr).__name__} {getattr(arr, 'dtype', '')} {getattr(arr, 'shape', '')}")
        if not np.all(np.isfinite(arr)):
            raise AssertionError(f"{call}: {name} = {show(arr)} is not finite")
    if levels > 1 and not np.all(np.diff(r) > 0):
        raise AssertionError(f"{call}: the levels {show(r, 16)} are not strictly increasing")
    mid = (r[:-1] + r[1:]) / 2
    bad = np.abs(t - mid) > LLOYD_THRESHOLD_TOL * (1 + np.abs(mid))
    if bad.any():
        i = int(np.argmax(bad))
        raise AssertionError(
            f"{call}: thresholds[{i}] = {t[i]!r}, but the midpoint of levels {i} and {i + 1} "
            f"is {mid[i]!r}: each threshold is the midpoint of its two neighbouring levels")
    return t, r


def check_lloyd_analytic(call, got, levels, density):
    """Midpoint thresholds and each level the conditional mean of its cell (within 1e-9)."""
    t, r = check_lloyd_shapes(call, got, levels)
    edges = [-math.inf] + t.tolist() + [math.inf]
    worst = 0.0
    for i in range(levels):
        c = float(centroid(density, edges[i], edges[i + 1]))
        err = abs(r[i] - c)
        worst = max(worst, err)
        if err > LLOYD_LEVEL_TOL:
            raise AssertionError(
                f"{call}: levels[{i}] = {r[i]!r}, but the {density} conditional mean of its cell "
                f"({edges[i]!r}, {edges[i + 1]!r}] is {c!r} (off by {err:.3g} > {LLOYD_LEVEL_TOL}): "
                f"not converged, or the conditional mean is wrong. Levels: {show(r, 16)}")
    return worst


def sample_cells(x, t):
    """Cell index of every sample value: x <= t[i] (and > t[i-1]) is cell i."""
    return np.searchsorted(t, x, side="left")


def initial_levels(sample, levels):
    u = np.unique(np.asarray(sample, dtype=np.float64))
    m = u.size
    return u[[(2 * i + 1) * m // (2 * levels) for i in range(levels)]]


def distortion(x, r):
    t = (r[:-1] + r[1:]) / 2
    d = x - r[sample_cells(x, t)]
    return float(np.sum(d * d))


def check_lloyd_sample(call, got, levels, sample):
    t, r = check_lloyd_shapes(call, got, levels)
    x = np.sort(sample.astype(np.float64))
    cells = sample_cells(x, t)
    for i in range(levels):
        members = x[cells == i]
        if members.size == 0:
            continue
        exact = sum(Fraction(v) for v in members.tolist()) / members.size
        tol = (members.size + 2) * U * float(np.max(np.abs(members)))
        err = abs(Fraction(float(r[i])) - exact)
        if err > tol:
            raise AssertionError(
                f"{call}: levels[{i}] = {r[i]!r}, but the mean of the {members.size} sample "
                f"values in its cell ({t[i - 1] if i else -math.inf!r}, "
                f"{t[i] if i < levels - 1 else math.inf!r}] is {float(exact)!r} "
                f"(off by {float(err):.3g} > {tol:.3g}): iterate until no level changes")
    if levels > 1:
        lo, hi = float(x[0]), float(x[-1])
        if r[0] < lo or r[-1] > hi:
            raise AssertionError(f"{call}: the levels {show(r, 16)} leave the sample's range "
                                 f"[{lo!r}, {hi!r}]")
    d0 = distortion(x, initial_levels(x, levels))
    d1 = distortion(x, r)
    if d1 > d0 * (1 + 1e-9):
        raise AssertionError(
            f"{call}: the squared error of your quantizer, {d1!r}, exceeds that of the stated "
            f"initial levels {show(initial_levels(x, levels), 16)}, {d0!r}: start from the "
            f"stated initialization (Lloyd's iteration never increases the error)")


class SampleCase:
    """A 1-D float64 sample for lloyd_max. kind: gauss | rounded | ints | outlier | bimodal."""

    def __init__(self, n, kind, seed):
        self.args = (n, kind, seed)
        rng = np.random.default_rng(seed)
        if kind == "rounded":
            x = np.round(rng.standard_normal(n), 1)
        elif kind == "ints":
            x = rng.integers(-3, 4, n).astype(np.float64)
        elif kind == "outlier":
            x = rng.standard_normal(n)
            x[int(rng.integers(n))] = 40.0
        elif kind == "bimodal":
            x = np.concatenate([rng.standard_normal(n // 2) - 5, 0.3 * rng.standard_normal(n - n // 2) + 5])
        else:
            x = rng.standard_normal(n)
        self.x = x

    @property
    def distinct(self):
        return int(np.unique(self.x).size)

    def __repr__(self):
        return "quant_theory_oracle.SampleCase" + repr(self.args)


# ----------------------------------------------------------------------------------- FWHT

@functools.lru_cache(maxsize=4)
def sylvester(n: int) -> np.ndarray:
    """The n×n Hadamard matrix in Sylvester (natural) order, entries ±1 (read-only)."""
    h = np.ones((1, 1))
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    h.flags.writeable = False
    return h


class FwhtCase:
    """An array for fwht. kind: gauss | wide | dyadic | onehot | outlier | zero."""

    def __init__(self, shape, kind, seed, exp=0):
        self.args = (tuple(shape), kind, seed, exp)
        rng = np.random.default_rng(seed)
        shape = tuple(shape)
        size = int(np.prod(shape))
        n = shape[-1]
        if kind == "wide":
            x = np.exp2(rng.uniform(-30, 30, size)) * rng.choice([-1.0, 1.0], size)
        elif kind == "dyadic":
            x = rng.integers(-2 ** 40, 2 ** 40, size).astype(np.float64)
        elif kind == "onehot":
            x = np.zeros(size)
            x.reshape(-1, n)[:, int(rng.integers(n))] = -1.5
        elif kind == "outlier":
            x = rng.integers(-1000, 1000, size).astype(np.float64)
            x.reshape(-1, n)[:, int(rng.integers(n))] = 2.0 ** 30
        elif kind == "zero":
            x = np.zeros(size)
        else:
            x = rng.standard_normal(size)
        self.x = (x * 2.0 ** exp).reshape(shape)
        self.exact_in_float = kind in ("dyadic", "onehot", "outlier", "zero")

    def __repr__(self):
        return "quant_theory_oracle.FwhtCase" + repr(self.args)


@st.composite
def fwht_cases(draw, max_k=6, kinds=("gauss", "wide", "dyadic", "onehot", "outlier", "zero")):
    k = draw(st.integers(0, max_k))
    lead = draw(st.sampled_from([(), (1,), (3,), (2, 2)]))
    kind = draw(st.sampled_from(kinds))
    return FwhtCase(lead + (2 ** k,), kind, draw(st.integers(0, 2 ** 32 - 1)),
                    draw(st.integers(-20, 20)))


def fwht_bound(n: int, norm: float) -> float:
    """(3k + 8)·u·‖x‖₂ for n = 2**k (your (3k + 4)·u·‖x‖ plus the grader's 4u‖x‖)."""
    k = n.bit_length() - 1
    return (3 * k + 8) * U * norm * (1 + 2.0 ** -20)


def fwht_row_errors(x: np.ndarray, y: np.ndarray, exact_in_float: bool):
    """‖y_row − H x_row / √n‖₂ for every row (n = the last axis)."""
    n = x.shape[-1]
    xr = x.reshape(-1, n)
    yr = y.reshape(-1, n)
    if exact_in_float:
        # integer data: H @ x is exact in float64 (every partial sum below 2**53)
        s = xr @ sylvester(n).T
        return np.sqrt(np.sum((yr - s / math.sqrt(n)) ** 2, axis=-1))
    h = sylvester(n).astype(np.int64)
    out = []
    with mpmath.workdps(50):
        rt = mpmath.sqrt(n)
        for row, yrow in zip(xr, yr):
            fr = [Fraction(v) for v in row.tolist()]
            acc = mpmath.mpf(0)
            for i in range(n):
                s = sum(f if h[i, j] > 0 else -f for j, f in enumerate(fr))
                e = mpmath.mpf(float(yrow[i])) - mpmath.mpf(s.numerator) / s.denominator / rt
                acc += e * e
            out.append(float(mpmath.sqrt(acc)))
    return np.array(out)


def check_fwht(call, case: FwhtCase, got, observe=None, label=None):
    x = case.x
    if not isinstance(got, np.ndarray) or got.dtype != np.float64:
        raise AssertionError(f"{call} must return a float64 numpy array, got "
                             f"{type(got).__name__} {getattr(got, 'dtype', '')}")
    if got.shape != x.shape:
        raise AssertionError(f"{call} must return x's shape {list(x.shape)}, got "
                             f"{list(got.shape)} (transform along the last axis only)")
    if not np.all(np.isfinite(got)):
        raise AssertionError(f"{call} returned a non-finite value for x = {show(x)}")
    n = x.shape[-1]
    errs = fwht_row_errors(x, got, case.exact_in_float)
    norms = np.sqrt(np.sum(x.reshape(-1, n) ** 2, axis=-1))
    for r, (err, nrm) in enumerate(zip(errs, norms)):
        bound = fwht_bound(n, float(nrm))
        if observe is not None:
            observe(float(err), bound, label=label)
        if err > bound:
            want = (x.reshape(-1, n)[r] @ sylvester(n).T) / math.sqrt(n)
            raise AssertionError(
                f"{call}: row {r} is {show(got.reshape(-1, n)[r])}, expected H·x/√n = "
                f"{show(want)} (Sylvester order, orthonormal scaling 1/√{n}): error "
                f"‖y − Hx/√n‖ = {err:.3g} > bound (3k + 8)·u·‖x‖ = {bound:.3g}, n = {n}")


# ---------------------------------------------------------------------------- crest factor

class CrestCase:
    """An array for crest_factor. kind: gauss | onehot | constant | outlier | wide."""

    def __init__(self, shape, dtype, kind, seed):
        self.args = (tuple(shape), dtype, kind, seed)
        rng = np.random.default_rng(seed)
        size = int(np.prod(shape))
        if kind == "onehot":
            x = np.zeros(size)
            x[int(rng.integers(size))] = -2.5
        elif kind == "constant":
            x = np.full(size, -0.1)
        elif kind == "outlier":
            x = rng.standard_normal(size)
            x[int(rng.integers(size))] = 100.0
        elif kind == "wide":
            x = np.exp2(rng.uniform(-20, 20, size)) * rng.choice([-1.0, 1.0], size)
        else:
            x = rng.standard_normal(size)
        self.x = x.astype(dtype).reshape(tuple(shape))

    def __repr__(self):
        return "quant_theory_oracle.CrestCase" + repr(self.args)


@st.composite
def crest_cases(draw, max_n=300):
    n = draw(st.integers(1, max_n))
    shape = draw(st.sampled_from([(n,), (1, n), (2, (n + 1) // 2)]))
    return CrestCase(shape, draw(st.sampled_from(["float32", "float64"])),
                     draw(st.sampled_from(["gauss", "onehot", "constant", "outlier", "wide"])),
                     draw(st.integers(0, 2 ** 32 - 1)))


def crest_exact(x):
    ks = _ints(x)
    m = max(abs(k) for k in ks)
    s = sum(k * k for k in ks)
    with mpmath.workdps(40):
        return m * mpmath.sqrt(mpmath.mpf(len(ks)) / s)


def check_crest(call, x, got):
    value = require_float(call, got)
    n = x.size
    c = crest_exact(x)
    tol = (n / 2 + 4) * U * float(c)
    err = float(abs(mpmath.mpf(value) - c))
    if err > tol:
        raise AssertionError(
            f"{call} = {value!r} for x = {show(x)}, expected max|x| / sqrt(mean(x²)) = "
            f"{float(c)!r} (error {err:.3g} > (n/2 + 4)·u·c = {tol:.3g}, n = {n}): compute "
            f"the sum of squares in float64")


# ------------------------------------------------------------------- absmax quantization

def absmax_rows(w: np.ndarray, bits: int) -> np.ndarray:
    """Per-row symmetric absmax quantization, dequantized (the grader's own)."""
    qmax = 2 ** (bits - 1) - 1
    m = np.max(np.abs(w), axis=1, keepdims=True)
    s = m / qmax
    q = np.clip(np.round(np.divide(w, s, out=np.zeros_like(w), where=s > 0)), -qmax, qmax)
    return q * s


def near_tie(w: np.ndarray, bits: int) -> bool:
    """Is some w·qmax/max|row| within 1e-6 of a half-integer (where rounding could go either way)?"""
    qmax = 2 ** (bits - 1) - 1
    m = np.max(np.abs(w), axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(m > 0, np.abs(w) * qmax / np.where(m > 0, m, 1), 0.0)
    return bool(np.any(np.abs(v - np.floor(v) - 0.5) < 1e-6))


class MatrixCase:
    """W for rotated_quantize. kind: gauss | outlier_cols | zero_rows | onehot | ints."""

    def __init__(self, rows, n, kind, seed, bits):
        self.args = (rows, n, kind, seed, bits)
        self.bits = bits
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((rows, n))
        if kind == "outlier_cols":
            cols = rng.choice(n, size=max(1, n // 32), replace=False)
            w[:, cols] *= 10
        elif kind == "zero_rows":
            w[::2] = 0.0
        elif kind == "onehot":
            w = np.zeros((rows, n))
            w[np.arange(rows), rng.integers(0, n, rows)] = rng.choice([-3.0, 0.5, 7.0], rows)
        elif kind == "ints":
            w = rng.integers(-8, 9, (rows, n)).astype(np.float64)
        self.W = w

    def __repr__(self):
        return "quant_theory_oracle.MatrixCase" + repr(self.args)


@st.composite
def matrix_cases(draw, max_k=7):
    n = 2 ** draw(st.integers(0, max_k))
    return MatrixCase(draw(st.integers(1, 6)), n,
                      draw(st.sampled_from(["gauss", "outlier_cols", "zero_rows", "onehot", "ints"])),
                      draw(st.integers(0, 2 ** 32 - 1)), draw(st.integers(2, 8)))


def rq_eps(n: int, norm: float) -> float:
    return 64 * n * U * norm


def check_rotated(call, W, bits, got):
    if not isinstance(got, np.ndarray) or got.dtype != np.float64 or got.shape != W.shape:
        raise AssertionError(f"{call} must return a float64 numpy array of W's shape "
                             f"{list(W.shape)}, got {type(got).__name__} "
                             f"{getattr(got, 'dtype', '')} {list(getattr(got, 'shape', []))}")
    if not np.all(np.isfinite(got)):
        raise AssertionError(f"{call} returned a non-finite value (a row of zeros must give "
                             f"zeros: its scale is 0, do not divide by it)")
    qmax = 2 ** (bits - 1) - 1
    n = W.shape[1]
    H = sylvester(n) / math.sqrt(n)
    for r, (w, y) in enumerate(zip(W, got)):
        norm = float(np.sqrt(np.sum(w * w)))
        if norm == 0:
            if np.any(y != 0):
                raise AssertionError(f"{call}: row {r} of W is zero, so row {r} of the result "
                                     f"must be exactly zero, got {show(y)}")
            continue
        eps = rq_eps(n, norm)
        R = H @ w
        s = float(np.max(np.abs(R))) / qmax
        D = H @ y
        q = np.round(D / s)
        off = np.abs(D - q * s)
        far = np.abs(q * s - R)
        bad = (off > eps) | (np.abs(q) > qmax) | (far > s / 2 + eps)
        if bad.any():
            i = int(np.argmax(bad))
            raise AssertionError(
                f"{call}, bits = {bits}: row {r} rotated back by H/√n gives {D[i]!r} at "
                f"position {i}, where the rotated row is {R[i]!r} and the row's scale "
                f"s = max|rotated row| / {qmax} = {s!r}: the quantized rotated value must be "
                f"an integer multiple q·s with |q| <= {qmax} within s/2 of the rotated value "
                f"(round to nearest), then rotated back (tolerance {eps:.3g}). "
                f"W[{r}] = {show(w)}")


# ------------------------------------------------------------------------ layers and errors

class NetCase:
    """A stack of linear layers and an input. kind: gauss | outlier | ongrid | onehot | mixed."""

    def __init__(self, widths, kind, seed, bits, hot=0):
        self.args = (tuple(widths), kind, seed, bits, hot)
        self.bits = bits
        qmax = 2 ** (bits - 1) - 1
        for attempt in range(50):
            rng = np.random.default_rng([seed, attempt])
            ws = []
            for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
                if kind == "ongrid" or (kind == "mixed" and i != hot % (len(widths) - 1)):
                    w = rng.integers(-qmax, qmax + 1, (b, a)).astype(np.float64)
                    w[np.arange(b), rng.integers(0, a, b)] = qmax
                    w *= 2.0 ** int(rng.integers(-3, 4))
                else:
                    w = rng.standard_normal((b, a))
                    if kind == "outlier" and i == hot % (len(widths) - 1):
                        w[:, int(rng.integers(a))] *= 40
                ws.append(w)
            x = rng.standard_normal(widths[0])
            if kind == "onehot":
                x = np.zeros(widths[0])
                x[int(rng.integers(widths[0]))] = 2.0
            if not any(near_tie(w, bits) for w in ws) and all(np.any(y) for y in passes(ws, x)[0]):
                break
        self.weights, self.x = ws, x

    def __repr__(self):
        return "quant_theory_oracle.NetCase" + repr(self.args)


@st.composite
def net_cases(draw, max_layers=4, max_width=16, kinds=("gauss", "outlier", "ongrid", "onehot", "mixed")):
    L = draw(st.integers(1, max_layers))
    widths = [draw(st.integers(1, max_width)) for _ in range(L + 1)]
    return NetCase(widths, draw(st.sampled_from(kinds)), draw(st.integers(0, 2 ** 32 - 1)),
                   draw(st.integers(2, 8)), draw(st.integers(0, 7)))


def passes(mats, x):
    """The outputs of each layer and the bound R_l on their relative float64 error."""
    ys, Rs = [], []
    y, R = x, 0.0
    for w in mats:
        nxt = w @ y
        nn = float(np.sqrt(np.sum(nxt * nxt)))
        if nn == 0:
            kappa = math.inf
        else:
            kappa = float(np.sqrt(np.sum(w * w))) * float(np.sqrt(np.sum(y * y))) / nn
        R = kappa * (R + (max(w.shape) + 4) * U) * (1 + 2.0 ** -20)
        ys.append(nxt)
        Rs.append(R)
        y = nxt
    return ys, Rs


def rel(a, b):
    return float(np.sqrt(np.sum((a - b) ** 2)) / np.sqrt(np.sum(b * b)))


def expected_layer_errors(weights, x, bits):
    """[(e_l, tol_l)]: tol_l = 4·(1 + e_l)·(R_l + R̂_l)."""
    ys, Rs = passes(weights, x)
    qs, Rq = passes([absmax_rows(w, bits) for w in weights], x)
    out = []
    for y, R, yq, Rh in zip(ys, Rs, qs, Rq):
        e = rel(yq, y)
        out.append((e, 4 * (1 + e) * (R + Rh)))
    return out


def sensitivities(weights, x, bits):
    """[(E_l, tol_l, exact_zero)] for quantizing layer l alone."""
    ys, Rs = passes(weights, x)
    out = []
    for i, w in enumerate(weights):
        qw = absmax_rows(w, bits)
        if np.array_equal(qw, w):
            out.append((0.0, 0.0, True))
            continue
        mats = list(weights)
        mats[i] = qw
        qs, Rq = passes(mats, x)
        e = rel(qs[-1], ys[-1])
        out.append((e, 4 * (1 + e) * (Rs[-1] + Rq[-1]), False))
    return out


def accepted_layers(weights, x, bits):
    sens = sensitivities(weights, x, bits)
    if all(z for _, _, z in sens):
        return [0], sens
    top = max(e - t for e, t, _ in sens)
    return [i for i, (e, t, _) in enumerate(sens) if e + t >= top], sens
