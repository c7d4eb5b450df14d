"""The grader's exact oracle and tolerances for stable_softmax.

Exact values: for float16/float32 inputs, float64 arithmetic (z - m is exact or nearly so in
float64, exp/log are accurate to 1 ulp of float64, the sum of n terms to n·2**-53): its own
error is below 2**-45·(1 + |z_i - m| + n) relative, which we add to the tolerance. For
float64 inputs, mpmath with 160-bit arithmetic, rounded once to float64 (error ≤ 2**-53
relative, also added to the tolerance).

Tolerances (the statement states the same constants; u is the unit roundoff of z's dtype,
t the smallest positive subnormal, n the length of the slice, m its max, d_i = z_i - m):

    log_softmax : |y_i - y_i*| <= K·u·(1 + |d_i|) + C·n·u                      (absolute)
    softmax     : |p_i - p_i*| <= (K·u·(1 + |d_i|) + C·n·u)·p_i* + F·t          (relative + floor)
    logsumexp   : |L - L*|     <= K·u·(1 + |L*|) + C·n·u                        (absolute)

with K = 32, C = 2, F = 8. An exact result outside the dtype's range may come back as ±inf
(that is what rounding it gives), masked entries must give probability 0 and log-probability
-inf, and the special slices (all -inf, or containing NaN) must give exactly the NaN / -inf
pattern of the contract.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from autograder.testing import observe_worst

K = 32          # multiple of u·(1 + |z_i - m|)
C = 2           # multiple of n·u for summing the slice
F = 8           # multiple of the smallest subnormal, the floor for softmax

DTYPES = (np.float16, np.float32, np.float64)
U = {np.dtype(np.float16): 2.0**-11, np.dtype(np.float32): 2.0**-24, np.dtype(np.float64): 2.0**-53}
TINY = {np.dtype(np.float16): 2.0**-24, np.dtype(np.float32): 2.0**-149,
        np.dtype(np.float64): 2.0**-1074}
REF_REL = {np.dtype(np.float16): 2.0**-45, np.dtype(np.float32): 2.0**-45,
           np.dtype(np.float64): 2.0**-52}
_MP_PREC = 160


class Exact:
    """Exact results for one input, in float64, laid out like z (L like z without the axis)."""

    def __init__(self, z: np.ndarray, axis: int):
        self.z = z
        self.axis = axis % z.ndim
        self.dtype = z.dtype
        self.n = z.shape[self.axis]
        rows = np.moveaxis(z, self.axis, -1)
        self.out_shape = rows.shape[:-1]
        flat = rows.reshape(-1, self.n)
        w = flat.astype(np.float64)
        self.nan_rows = np.isnan(w).any(axis=1)
        self.masked_rows = ~self.nan_rows & np.all(np.isneginf(w), axis=1)
        ok = ~(self.nan_rows | self.masked_rows)
        shape = w.shape
        m = np.zeros(shape[0])
        d = np.full(shape, np.nan)
        p = np.full(shape, np.nan)
        y = np.full(shape, np.nan)
        L = np.full(shape[0], np.nan)
        L[self.masked_rows] = -np.inf
        # y_over[r, j]: the exact log_softmax is beyond float64's range (float64 inputs only)
        y_over = np.zeros(shape, dtype=bool)
        if self.dtype == np.float64:
            for r in np.flatnonzero(ok):
                m[r], d[r], p[r], y[r], L[r], y_over[r] = _exact_rows_mp(w[r])
        elif ok.any():
            m[ok], d[ok], p[ok], y[ok], L[ok] = _exact_rows_f64(w[ok])
        back = lambda a: np.moveaxis(a.reshape(rows.shape), -1, self.axis)
        self.m = m.reshape(self.out_shape)
        self.d, self.p, self.y, self.y_over = back(d), back(p), back(y), back(y_over)
        self.L = L.reshape(self.out_shape)
        self.nan_mask = back(np.repeat(self.nan_rows[:, None], self.n, axis=1))
        self.allmasked_mask = back(np.repeat(self.masked_rows[:, None], self.n, axis=1))
        self.nan_rows = self.nan_rows.reshape(self.out_shape)
        self.masked_rows = self.masked_rows.reshape(self.out_shape)


def _exact_rows_f64(rows):
    """Rows of float16/float32 values (as float64), none all -inf, none with NaN.

    In float64, z - m is exact for float16 inputs and within 2**-53 relative for float32, exp
    and log are within 1 ulp, and the sum of at most a few hundred terms within n·2**-53: all
    far inside the REF_REL allowance."""
    m = np.max(rows, axis=1)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        d = rows - m[:, None]                   # -inf for masked entries
        e = np.exp(d)
        s = np.sum(e, axis=1)                   # >= 1: the max's term is exp(0) = 1
        ls = np.log(s)
        return m, d, e / s[:, None], d - ls[:, None], m + ls


def _exact_rows_mp(row):
    with mpmath.workprec(_MP_PREC):
        zs = [mpmath.mpf(float(v)) if np.isfinite(v) else None for v in row]
        m = max(v for v in zs if v is not None)
        ds = [None if v is None else v - m for v in zs]
        es = [mpmath.mpf(0) if (dv is None or dv < -2000) else mpmath.exp(dv) for dv in ds]
        s = mpmath.fsum(es)
        ls = mpmath.log(s)
        n = len(row)
        d = np.empty(n)
        p = np.empty(n)
        y = np.empty(n)
        over = np.zeros(n, dtype=bool)
        for j, dv in enumerate(ds):
            if dv is None:
                d[j], p[j], y[j] = -np.inf, 0.0, -np.inf
                continue
            d[j] = float(dv)
            p[j] = float(es[j] / s)
            yv = dv - ls
            y[j] = float(yv)
            over[j] = math.isinf(y[j])
        return float(m), d, p, y, float(m + ls), over


# ----------------------------------------------------------------------------- formatting

def show(z: np.ndarray, limit: int = 12) -> str:
    """A short, exact description of an input array."""
    if z.size <= limit:
        body = np.array2string(z, separator=", ", floatmode="unique", max_line_width=200)
        return f"np.array({body}, dtype=np.{z.dtype})"
    return f"an array of dtype {z.dtype} and shape {z.shape}"


def _fmt(v) -> str:
    return repr(float(v))


def _where(z, idx, axis):
    """The slice of z through idx along axis, for the message."""
    sl = list(idx)
    sl[axis] = slice(None)
    row = z[tuple(sl)]
    if row.size <= 12:
        return np.array2string(row, separator=", ", floatmode="unique", max_line_width=200)
    return f"a slice of {row.size} values, max {row.max()!r}"


def _call(fname, z, axis):
    return f"{fname}({show(z)}, axis={axis})"


# ----------------------------------------------------------------------------- type checks

def check_type(fname, z, axis, got, want_shape):
    """The answer is an array (or a NumPy scalar for a 0-d logsumexp) of z's dtype and shape."""
    call = _call(fname, z, axis)
    if fname == "logsumexp" and want_shape == ():
        if isinstance(got, float) and not isinstance(got, np.generic) and z.dtype == np.float64:
            got = np.float64(got)
        assert isinstance(got, (np.ndarray, np.generic)), (
            f"{call} must return a NumPy array (or NumPy scalar) of dtype {z.dtype}, "
            f"got {type(got).__name__}")
        got = np.asarray(got)
    else:
        assert isinstance(got, np.ndarray), (
            f"{call} must return a numpy.ndarray, got {type(got).__name__}")
    assert got.dtype == z.dtype, (
        f"{call} returned dtype {got.dtype}; the output must keep z's dtype {z.dtype} "
        "(compute in a wider dtype inside if you like, then convert back)")
    assert got.shape == tuple(want_shape), (
        f"{call} returned shape {got.shape}, expected {tuple(want_shape)}"
        + (" (logsumexp reduces the axis away: no keepdims)" if fname == "logsumexp" else ""))
    return got


# ----------------------------------------------------------------------------- value checks

def tol_log_softmax(ex: Exact):
    u = U[ex.dtype]
    with np.errstate(invalid="ignore"):
        return (K * u * (1 + np.abs(ex.d)) + C * ex.n * u
                + REF_REL[ex.dtype] * (1 + np.abs(ex.d) + ex.n + np.abs(ex.y)))


def tol_softmax(ex: Exact):
    u = U[ex.dtype]
    with np.errstate(invalid="ignore"):
        ad = np.where(np.isneginf(ex.d), 0.0, np.abs(ex.d))   # masked entries: p* = 0
        rel = K * u * (1 + ad) + C * ex.n * u + REF_REL[ex.dtype] * (1 + ad + ex.n)
        return rel * ex.p + F * TINY[ex.dtype]


def tol_logsumexp(ex: Exact):
    u = U[ex.dtype]
    with np.errstate(invalid="ignore"):
        return (K * u * (1 + np.abs(ex.L)) + C * ex.n * u
                + REF_REL[ex.dtype] * (1 + ex.n + np.abs(ex.L)))


def _worst(bad, err):
    """The index of the largest error among the bad entries (NaN counts as the largest)."""
    with np.errstate(invalid="ignore"):
        e = np.where(bad, np.nan_to_num(err, nan=np.inf, posinf=np.inf), -1.0)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(e)), e.shape))


def _observe_worst(fname, g, exact, tol, considered, bad):
    """Record the call's worst entry (a bad one if any) for the report's error-vs-bound plot."""
    with np.errstate(invalid="ignore", over="ignore"):
        observe_worst(np.abs(g - exact), tol, bad,
                      f"{fname}: worst entry's |error| vs its tolerance", among=considered)


def _first(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _special_slices(fname, z, axis, ex: Exact, got, nan_mask, masked_mask, masked_value):
    call = _call(fname, z, axis)
    with np.errstate(invalid="ignore"):
        bad = nan_mask & ~np.isnan(got)
    if bad.any():
        i = _first(bad)
        raise AssertionError(
            f"{call}: the slice through index {i} contains NaN ({_where(z, i, ex.axis)}), so "
            f"every output of that slice must be NaN; got {_fmt(got[i])} at {i}")
    if masked_value is np.nan:
        bad = masked_mask & ~np.isnan(got)
        what = "NaN (as PyTorch gives)"
    else:
        bad = masked_mask & ~(got == masked_value)
        what = repr(masked_value)
    if bad.any():
        i = _first(bad)
        raise AssertionError(
            f"{call}: the slice through index {i} is all -inf (every entry masked), so its "
            f"{fname} must be {what}; got {_fmt(got[i])} at {i}")


def check_softmax(z, axis, got):
    ex = Exact(z, axis)
    got = check_type("softmax", z, axis, got, z.shape)
    _special_slices("softmax", z, axis, ex, got, ex.nan_mask, ex.allmasked_mask, np.nan)
    ok = ~(ex.nan_mask | ex.allmasked_mask)
    g = got.astype(np.float64)
    tol = tol_softmax(ex)
    with np.errstate(invalid="ignore"):
        bad = ok & ~(np.abs(g - ex.p) <= tol)
    _observe_worst("softmax", g, ex.p, tol, ok, bad)
    if bad.any():
        i = _worst(bad, np.abs(g - ex.p) / tol)
        raise AssertionError(
            f"{_call('softmax', z, axis)}: at index {i} (z = {_fmt(z[i])}, slice "
            f"{_where(z, i, ex.axis)}, slice max {_fmt(np.max(_slice(z, i, ex.axis)))}) "
            f"expected {_fmt(ex.p[i])} (within ±{float(tol[i]):.3g}), got {_fmt(g[i])}"
            + _hint_softmax(g[i], ex.p[i], z.dtype))


def check_log_softmax(z, axis, got):
    ex = Exact(z, axis)
    got = check_type("log_softmax", z, axis, got, z.shape)
    _special_slices("log_softmax", z, axis, ex, got, ex.nan_mask, ex.allmasked_mask, np.nan)
    ok = ~(ex.nan_mask | ex.allmasked_mask)
    call = _call("log_softmax", z, axis)
    g = got.astype(np.float64)
    masked_entry = ok & np.isneginf(z)
    bad = masked_entry & ~np.isneginf(g)
    if bad.any():
        i = _first(bad)
        raise AssertionError(
            f"{call}: z{list(i)} = -inf is a masked entry, so its log_softmax must be -inf "
            f"(probability 0); got {_fmt(g[i])}")
    big = np.finfo(z.dtype).max
    tol = tol_log_softmax(ex)
    live = ok & ~masked_entry
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(g - ex.y) <= tol
        # beyond the dtype's range: rounding the exact value gives -inf
        overflow_ok = np.isneginf(g) & (ex.y - tol <= -big)
        # float64 inputs whose exact log_softmax is beyond float64's range
        near_max = np.isfinite(g) & (g <= -big * (1 - 4 * U[z.dtype]))
        beyond = ex.y_over & (np.isneginf(g) | near_max)
        bad = live & ~(close | overflow_ok | beyond)
    _observe_worst("log_softmax", g, ex.y, tol, live & ~(overflow_ok | beyond), bad)
    if bad.any():
        i = _worst(bad, np.abs(g - ex.y) / tol)
        raise AssertionError(
            f"{call}: at index {i} (z = {_fmt(z[i])}, slice {_where(z, i, ex.axis)}, slice max "
            f"{_fmt(np.max(_slice(z, i, ex.axis)))}) expected {_fmt(ex.y[i])} "
            f"(within ±{float(tol[i]):.3g}), got {_fmt(g[i])}" + _hint_log_softmax(g[i], ex, i))


def check_logsumexp(z, axis, got):
    ex = Exact(z, axis)
    got = check_type("logsumexp", z, axis, got, ex.out_shape)
    call = _call("logsumexp", z, axis)
    with np.errstate(invalid="ignore"):
        bad = ex.nan_rows & ~np.isnan(got)
    if bad.any():
        i = _first(bad)
        raise AssertionError(
            f"{call}: slice {i} contains NaN, so its logsumexp must be NaN; got {_fmt(got[i])}")
    bad = ex.masked_rows & ~np.isneginf(got)
    if bad.any():
        i = _first(bad)
        raise AssertionError(
            f"{call}: slice {i} is all -inf (every entry masked), so its logsumexp must be -inf "
            f"(log of an empty sum); got {_fmt(got[i])}")
    ok = ~(ex.nan_rows | ex.masked_rows)
    g = got.astype(np.float64)
    big = np.finfo(z.dtype).max
    tol = tol_logsumexp(ex)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(g - ex.L) <= tol
        overflow_ok = (np.isposinf(g) & (ex.L + tol >= big)) | (np.isneginf(g) & (ex.L - tol <= -big))
        bad = ok & ~(close | overflow_ok)
    _observe_worst("logsumexp", g, ex.L, tol, ok & ~overflow_ok, bad)
    if bad.any():
        i = _first(bad)
        row = np.moveaxis(z, ex.axis, -1)[i]
        rs = (np.array2string(row, separator=", ", floatmode="unique", max_line_width=200)
              if row.size <= 12 else f"a slice of {row.size} values, max {row.max()!r}")
        hint = ""
        if not np.isfinite(g[i]):
            hint = (" — an overflow: subtract the slice max before exponentiating"
                    if np.isinf(g[i]) or np.isnan(g[i]) else "")
        raise AssertionError(
            f"{call}: for slice {i} ({rs}) expected {_fmt(ex.L[i])} (within ±{float(tol[i]):.3g}), "
            f"got {_fmt(g[i])}{hint}")


def _slice(z, idx, axis):
    sl = list(idx)
    sl[axis] = slice(None)
    return z[tuple(sl)]


def _hint_softmax(g, p, dtype):
    if np.isnan(g):
        return (" — NaN for finite logits usually means exp overflowed (inf/inf) or every "
                "exp of the slice underflowed (0/0): subtract each slice's own max first")
    return ""


def _hint_log_softmax(g, ex, i):
    if np.isneginf(g) and np.isfinite(ex.y[i]):
        return (" — -inf where the exact value is finite: the probability underflowed; use "
                "(z - m) - log Σ exp(z - m), not log(softmax(z))")
    if np.isnan(g):
        return " — NaN for finite logits usually means exp overflowed: subtract the slice max first"
    m = float(np.max(_slice(ex.z, i, ex.axis)))
    if abs(m) * U[ex.dtype] > abs(float(g) - float(ex.y[i])) / 4:
        return (" — with huge logits, z - logsumexp(z) loses log Σ in the rounding of "
                "m + log Σ: compute (z - m) - log Σ exp(z - m)")
    return ""
