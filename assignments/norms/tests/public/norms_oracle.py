"""Exact values, error bounds and tolerances for the norms grader tests.

Nothing here calls your code or the reference. The variances are checked with exact rational
arithmetic (every float32 is an integer multiple of 2**-149, so sums of them and of their
squares are exact integers after scaling); LayerNorm and RMSNorm against the defining formula
evaluated in float64 (two-pass) on your (exactly converted) input, which is what
``torch.nn.functional.layer_norm`` / ``rms_norm`` compute in float64, to within T(2**-53).

The bounds (u = 2**-24; n the length; v the exact population variance; Q = mean(x*x);
M = max|x_i|; sigma = sqrt(v)), derived in the statement:

    naive_variance     |v^ - v| <= 4 (n + 2) u Q
    two_pass_variance  |v^ - v| <= (n + 8) u v + 2 (n u M)**2
    welford_variance   |v^ - v| <= (n + 8) u v + 3 E sigma + 2 E**2,   E = (n + 16) u M / 2

    welford_update     |mean' - mean'*| <= u |mean'*| + 4 u |delta| / k
                       |M2' - M2'*|     <= 2 u M2'* + 8 u t* + 2 u |delta| (|mean'*| + 4 |delta| / k)
                       (k the new count, delta = x - mean, t* = delta**2 (k - 1) / k)
    welford_merge      |mean - mean*|   <= u |mean*| + 6 u |delta|
                       |M2 - M2*|       <= 3 u M2* + 10 u c*,   c* = delta**2 na nb / n

    layer_norm, per element, y* exact, z = (x - mu) / s, s = sqrt(v + eps):
        E = (n + 16) u M,  D = (n + 8) u v + 3 E sigma + 2 E**2,  tau = (D + 2 u (v + eps)) / (v + eps)
        T = |w| (|z| (tau + 8u) + (E / s)(1 + tau + 8u)) + 2 u |y*|      (T = inf when tau > 1/2)
    rms_norm, per element:  T = (n / 2 + 10) u |y*|

    both: |y - y*| <= T(u) + T(2**-53) + ulp_out(|y*| + T(u) + T(2**-53))

T(2**-53) is the same bound for the grader's float64 computation of y*; ulp_out(a) is the
spacing of the output dtype at magnitude a (its subnormal spacing near 0).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import torch

from autograder.testing import observe, observe_worst

U = Fraction(1, 2 ** 24)
U32 = 2.0 ** -24
U64 = 2.0 ** -53
SCALE = 149                       # every float32 is an integer multiple of 2**-149
DEFAULT_EPS = 1e-5

# precision p and smallest normal exponent of each output dtype
_FORMAT = {torch.float32: (24, -126), torch.float16: (11, -14), torch.bfloat16: (8, -126)}


# ------------------------------------------------------------------------------ showing values

def show_array(x, limit: int = 8) -> str:
    items = [repr(float(v)) for v in np.asarray(x).reshape(-1)[:limit]]
    more = f", ... ({np.asarray(x).size} values)" if np.asarray(x).size > limit else ""
    return "[" + ", ".join(items) + more + "]"


def show32(v) -> str:
    return f"{float(v)!r}" if isinstance(v, np.float32) else f"{v!r} (a {type(v).__name__})"


def require_float32(name: str, got) -> Fraction:
    """The answer must be a numpy.float32 holding a finite value; returns it exactly."""
    if type(got) is not np.float32:
        raise AssertionError(f"{name} must return a numpy.float32, got {type(got).__name__}: "
                             f"{got!r}")
    if not math.isfinite(float(got)):
        raise AssertionError(f"{name} returned {float(got)!r}: the exact answer is finite here")
    return Fraction(float(got))


# ------------------------------------------------------------------------ exact variance data

class Stats:
    """Exact statistics of a 1-D float32 array: n, mean, variance v, Q = mean(x*x), M = max|x|."""

    def __init__(self, x: np.ndarray):
        ks = [_units(v) for v in x.tolist()]
        self.n = n = len(ks)
        s1 = sum(ks)
        s2 = sum(k * k for k in ks)
        unit = Fraction(1, 2 ** SCALE)
        self.mean = Fraction(s1, n) * unit
        self.v = Fraction(n * s2 - s1 * s1, n * n) * unit * unit
        self.Q = Fraction(s2, n) * unit * unit
        self.M = max(abs(k) for k in ks) * unit
        # an upper bound on sqrt(v): float sqrt of a float, widened by far more than its error
        self.sigma = Fraction(math.sqrt(float(self.v))) * (1 + Fraction(1, 2 ** 40)) \
            if self.v else Fraction(0)


def _units(v: float) -> int:
    p, q = float(v).as_integer_ratio()
    k, r = divmod(p << SCALE, q)
    assert r == 0
    return k


def variance_bound(name: str, s: Stats) -> tuple[Fraction, str]:
    n, v, M = s.n, s.v, s.M
    if name == "naive_variance":
        return 4 * (n + 2) * U * s.Q, "4(n+2)·u·mean(x²)"
    if name == "two_pass_variance":
        return (n + 8) * U * v + 2 * (n * U * M) ** 2, "(n+8)·u·v + 2(n·u·M)²"
    if name == "welford_variance":
        E = (n + 16) * U * M / 2
        return (n + 8) * U * v + 3 * E * s.sigma + 2 * E * E, \
            "(n+8)·u·v + 3·E·σ + 2E², E = (n+16)·u·M/2"
    raise KeyError(name)


def check_variance(name: str, x: np.ndarray, got) -> None:
    """|got - v| <= the bound of `name`; got must be a finite numpy.float32."""
    value = require_float32(f"{name}(x)", got)
    s = Stats(x)
    err = abs(value - s.v)
    bound, formula = variance_bound(name, s)
    observe(err, bound, label=f"{name}: |v^ - v| vs {formula}", over=err > bound)
    if err > bound:
        raise AssertionError(
            f"{name}(x) = {float(value)!r} for x = {show_array(x)} (n = {s.n}):\n"
            f"  the exact variance is v = {float(s.v)!r} (mean {float(s.mean)!r}, "
            f"max|x| = {float(s.M)!r});\n"
            f"  error {float(err):.6g} > bound {formula} = {float(bound):.6g}")
    if name != "naive_variance" and value < 0:
        raise AssertionError(f"{name}(x) = {float(value)!r} for x = {show_array(x)}: a sum of "
                             f"squares divided by n is never negative")


# ----------------------------------------------------------------------------- Welford states

def check_state(call: str, got) -> tuple[int, Fraction, Fraction]:
    """A state is a tuple (int count, numpy.float32 mean, numpy.float32 M2), finite."""
    if not isinstance(got, tuple) or len(got) != 3:
        raise AssertionError(f"{call} must return a tuple (count, mean, M2), got "
                             f"{type(got).__name__}: {got!r}")
    count, mean, m2 = got
    if type(count) is not int:
        raise AssertionError(f"{call}: the count must be a Python int, got "
                             f"{type(count).__name__} {count!r}")
    return count, require_float32(f"{call}: mean", mean), require_float32(f"{call}: M2", m2)


def show_state(s) -> str:
    return f"({s[0]}, {float(s[1])!r}, {float(s[2])!r})"


def check_update(state, x, got) -> None:
    """welford_update(state, x) against the exact update of the exact state."""
    call = f"welford_update({show_state(state)}, {float(x)!r})"
    count, mean, m2 = check_state(call, got)
    k = state[0] + 1
    m, q, xv = Fraction(float(state[1])), Fraction(float(state[2])), Fraction(float(x))
    delta = xv - m
    mean_x = m + delta / k
    t = delta * delta * (k - 1) / k
    m2_x = q + t
    assert count == k, f"{call}: count = {count}, expected {k} (one more value)"
    tol_mean = U * abs(mean_x) + 4 * U * abs(delta) / k
    tol_m2 = 2 * U * m2_x + 8 * U * t + 2 * U * abs(delta) * (abs(mean_x) + 4 * abs(delta) / k)
    err_mean, err_m2 = abs(mean - mean_x), abs(m2 - m2_x)
    observe(err_m2, tol_m2, label="welford_update: |M2' - M2'*| vs its tolerance",
            over=err_m2 > tol_m2)
    if err_mean > tol_mean:
        raise AssertionError(
            f"{call}: mean' = {float(mean)!r}, but mean + (x - mean)/{k} = {float(mean_x)!r} "
            f"(error {float(err_mean):.3g} > tolerance u·|mean'| + 4u·|delta|/k = "
            f"{float(tol_mean):.3g}): mean' = mean + delta / count', with count' the NEW count")
    if err_m2 > tol_m2:
        raise AssertionError(
            f"{call}: M2' = {float(m2)!r}, but M2 + delta·(x - mean') = M2 + delta²·(k-1)/k = "
            f"{float(m2_x)!r} (error {float(err_m2):.3g} > tolerance {float(tol_m2):.3g}): "
            f"M2' = M2 + delta·(x - mean'), delta = x - mean with the OLD mean, mean' the NEW one")


def check_merge(a, b, got) -> None:
    """welford_merge(a, b) against Chan's formula in exact arithmetic."""
    call = f"welford_merge({show_state(a)}, {show_state(b)})"
    count, mean, m2 = check_state(call, got)
    na, nb = a[0], b[0]
    n = na + nb
    assert count == n, f"{call}: count = {count}, expected {na} + {nb} = {n}"
    if n == 0:
        assert mean == 0 and m2 == 0, (
            f"{call} = ({count}, {float(mean)!r}, {float(m2)!r}): two empty states merge to "
            f"the empty state (0, 0.0, 0.0)")
        return
    ma, mb = Fraction(float(a[1])), Fraction(float(b[1]))
    qa, qb = Fraction(float(a[2])), Fraction(float(b[2]))
    delta = mb - ma
    mean_x = ma + delta * nb / n
    c = delta * delta * na * nb / n
    m2_x = qa + qb + c
    tol_mean = U * abs(mean_x) + 6 * U * abs(delta)
    tol_m2 = 3 * U * m2_x + 10 * U * c
    err_mean, err_m2 = abs(mean - mean_x), abs(m2 - m2_x)
    observe(err_m2, tol_m2, label="welford_merge: |M2 - M2*| vs 3u·M2* + 10u·c*",
            over=err_m2 > tol_m2)
    if err_mean > tol_mean:
        raise AssertionError(
            f"{call}: mean = {float(mean)!r}, but mean_a + delta·nb/n = {float(mean_x)!r} "
            f"(error {float(err_mean):.3g} > tolerance u·|mean| + 6u·|delta| = "
            f"{float(tol_mean):.3g})")
    if err_m2 > tol_m2:
        raise AssertionError(
            f"{call}: M2 = {float(m2)!r}, but M2_a + M2_b + delta²·na·nb/n = {float(m2_x)!r} "
            f"(error {float(err_m2):.3g} > tolerance 3u·M2 + 10u·delta²·na·nb/n = "
            f"{float(tol_m2):.3g})")


# --------------------------------------------------------------------------- LayerNorm, RMSNorm

def f64(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float64).numpy()


def ulp_out(a: np.ndarray, dtype) -> np.ndarray:
    """Spacing of `dtype` at magnitude a (its subnormal spacing below the smallest normal)."""
    p, emin = _FORMAT[dtype]
    a = np.abs(np.asarray(a, dtype=np.float64))
    with np.errstate(divide="ignore"):
        e = np.floor(np.log2(np.where(a > 0, a, 1.0)))
    e = np.where(a > 0, np.maximum(e, emin), emin)
    return np.exp2(e - (p - 1))


def _ln_bound(x, w, y, eps, u):
    """T(u) per element for layer_norm (x, w, y float64 [rows, n]); inf where tau > 1/2."""
    n = x.shape[-1]
    mu = x.mean(axis=-1, keepdims=True)
    v = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    s = np.sqrt(v + eps)
    z = (x - mu) / s
    M = np.abs(x).max(axis=-1, keepdims=True)
    E = (n + 16) * u * M
    D = (n + 8) * u * v + 3 * E * np.sqrt(v) + 2 * E * E
    tau = (D + 2 * u * (v + eps)) / (v + eps)
    T = np.abs(w) * (np.abs(z) * (tau + 8 * u) + (E / s) * (1 + tau + 8 * u)) + 2 * u * np.abs(y)
    return np.where(tau > 0.5, np.inf, T * (1 + 2.0 ** -20))


def _rms_bound(x, y, u):
    n = x.shape[-1]
    return (n / 2 + 10) * u * np.abs(y) * (1 + 2.0 ** -20)


class NormExpected:
    """The float64 result y* of layer_norm / rms_norm and the tolerance on each element."""

    def __init__(self, kind: str, x: torch.Tensor, weight=None, bias=None, eps=None):
        self.kind, self.x, self.dtype = kind, x, x.dtype
        e = DEFAULT_EPS if eps is None else eps
        n = x.shape[-1]
        x64 = x.detach().to(torch.float64)
        w64 = None if weight is None else weight.detach().to(torch.float64)
        b64 = None if bias is None else bias.detach().to(torch.float64)
        xr = x64.numpy().reshape(-1, n)
        if kind == "layer_norm":
            mu = xr.mean(axis=-1, keepdims=True)
            d = xr - mu
            y = d / np.sqrt((d * d).mean(axis=-1, keepdims=True) + e)
        else:
            y = xr / np.sqrt((xr * xr).mean(axis=-1, keepdims=True) + e)
        if w64 is not None:
            y = y * w64.numpy()
        if b64 is not None:
            y = y + b64.numpy()
        self.y = y
        wr = np.ones(n) if w64 is None else w64.numpy()
        wr = np.broadcast_to(wr, xr.shape)
        if kind == "layer_norm":
            t = _ln_bound(xr, wr, self.y, e, U32) + _ln_bound(xr, wr, self.y, e, U64)
        else:
            t = _rms_bound(xr, self.y, U32) + _rms_bound(xr, self.y, U64)
        with np.errstate(invalid="ignore", over="ignore"):
            self.tol = t + ulp_out(np.abs(self.y) + t, self.dtype)
        self.shape = tuple(x.shape)


def check_norm(call: str, got, exp: NormExpected, label: str) -> None:
    """Type, dtype, shape, finiteness, then every element within its tolerance."""
    if not isinstance(got, torch.Tensor):
        raise AssertionError(f"{call} must return a torch.Tensor, got {type(got).__name__}")
    if got.dtype != exp.dtype:
        raise AssertionError(f"{call} must return x's dtype {exp.dtype}, got {got.dtype} "
                             f"(compute in float32, then round the result once to x's dtype)")
    if tuple(got.shape) != exp.shape:
        raise AssertionError(f"{call} must return x's shape {list(exp.shape)}, got "
                             f"{list(got.shape)} (normalise over the last axis only)")
    n = exp.shape[-1]
    g = f64(got).reshape(-1, n)
    bad_nan = ~np.isfinite(g)
    if bad_nan.any():
        r, i = map(int, np.argwhere(bad_nan)[0])
        raise AssertionError(
            f"{call}: row {r}, element {i} is {float(g[r, i])!r}, expected {float(exp.y[r, i])!r}: every output "
            f"is finite here. x[row] = {show_array(f64(exp.x).reshape(-1, n)[r])}")
    err = np.abs(g - exp.y)
    bad = err > exp.tol
    observe_worst(err, exp.tol, bad, label=label, among=np.isfinite(exp.tol))
    if bad.any():
        ratio = np.where(bad, err / exp.tol, 0)
        r, i = map(int, np.unravel_index(int(np.argmax(ratio)), ratio.shape))
        xr = f64(exp.x).reshape(-1, n)[r]
        raise AssertionError(
            f"{call}: row {r}, element {i} = {float(g[r, i])!r}, expected {float(exp.y[r, i])!r} "
            f"(error {err[r, i]:.3g} > tolerance {exp.tol[r, i]:.3g}); {int(bad.sum())} of "
            f"{bad.size} elements are out of tolerance.\n"
            f"  row {r} of x (d = {n}): {show_array(xr)}, mean {float(xr.mean())!r}, "
            f"variance {float(((xr - xr.mean()) ** 2).mean())!r}")
