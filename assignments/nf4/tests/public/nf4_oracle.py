"""Inputs and independent checks for the nf4 grader tests.

Nothing here calls your code or the reference. The oracles are written from the statement:
mpmath's erfinv for the code book (an implementation of the inverse normal CDF independent of
statistics.NormalDist), exact float64 / Fraction comparisons for nearest codes, and a numerical
integral for the expected MSE of block-wise absmax quantization of N(0, 1) data.

Tolerances (u = 2**-24, float32's unit roundoff), derived in the statement:
* code book: within one float32 ulp of the exact construction (rounding once gives half an ulp;
  NormalDist().inv_cdf in float64 adds about 1e-16), and within 4e-7 of the published table.
* quantize: the code of the value nearest to x / absmax; where x / absmax is within 4u (relative)
  of the midpoint of two codes (but not exactly on it) either code is accepted, since x / absmax
  computed in float32, or as x * (1 / absmax), is within 2u of the exact quotient. At an exact
  midpoint the lower index is required: every way of dividing gets the midpoint exactly there.
* double quantization: judged with YOUR mean and YOUR scales; mean within (m + 1) u of the exact
  mean (a float32 sum of m non-negative values); scale within 3u of max|c| / 127; every q within
  1/2 + 4u |c| / scale of c / scale (either neighbour at a near-tie).
* double_dequantize: within 3u (|q scale| + |mean|) of the exact q * scale + mean.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe, observe_worst

U = 2.0 ** -24
PUBLISHED_NF4 = np.array([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0])   # bitsandbytes / QLoRA
PUBLISHED_TOL = 4e-7
INT4 = (np.arange(-7, 8) / 7).astype(np.float32)        # the uniform 15-level grid k / 7


# ----------------------------------------------------------------------------- code book

@functools.lru_cache(maxsize=None)
def exact_codebook(bits: int) -> tuple:
    """The stated construction with mpmath (80 bits): sqrt(2) erfinv(2p - 1) = Phi^-1(p)."""
    import mpmath

    with mpmath.workprec(80):
        n = 2 ** bits
        h = n // 2
        off = 1 - (Fraction(1, 2 * (n - 1)) + Fraction(1, 2 * n)) / 2

        def ppf(p):
            return mpmath.sqrt(2) * mpmath.erfinv(
                mpmath.mpf(2 * p.numerator - p.denominator) / p.denominator)

        qmax = ppf(off)
        pos = [ppf(off + (Fraction(1, 2) - off) * i / h) / qmax for i in range(h)]
        neg = [-ppf(off + (Fraction(1, 2) - off) * i / (h - 1)) / qmax for i in range(h - 1)]
        vals = sorted(pos + neg + [mpmath.mpf(0)])
        return tuple(float(v) for v in vals)


def nf(bits: int) -> np.ndarray:
    """The float32 NF code book (the exact values rounded to float32), for use as an input."""
    return np.array(exact_codebook(bits), dtype=np.float32)


def check_codebook(call, got, bits):
    n = 2 ** bits
    assert isinstance(got, np.ndarray), f"{call} must return a numpy ndarray, got {type(got).__name__}"
    assert got.dtype == np.float32, f"{call} must have dtype float32, got {got.dtype}"
    assert got.shape == (n,), f"{call} must have shape ({n},), got {got.shape}"
    exact = np.array(exact_codebook(bits))
    g = got.astype(np.float64)
    assert g[0] == -1.0 and g[-1] == 1.0, (
        f"{call}: the ends must be exactly -1.0 and 1.0 (normalised by the largest value), "
        f"got {g[0]!r} and {g[-1]!r}")
    zi = n // 2 - 1
    assert g[zi] == 0.0, (
        f"{call}: value {zi} must be exactly 0.0 ({n // 2 - 1} negative values, then 0, then "
        f"{n // 2} positive ones), got {g[zi]!r}")
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    err = np.abs(g - exact)
    bad = ~(err <= ulp)
    observe_worst(err, ulp, bad, label=f"nf_codebook({bits}) vs exact, 1 ulp")
    if bad.any():
        i = int(np.argmax(bad))
        hint = ""
        if np.all(np.abs(g - exact) <= 2e-6):
            hint = (" (close but not within 1 ulp: use the offset exactly, 1 - (1/(2(N-1)) + "
                    "1/(2N)) / 2 = 929/960 for 4 bits, compute in float64 and round to float32 "
                    "once at the end; a pasted published table is off by up to 8 ulps)")
        raise AssertionError(
            f"{call}[{i}] = {g[i]!r}, the construction gives {exact[i]!r} (within 1 float32 ulp "
            f"= {ulp[i]:.3g}){hint}")
    assert np.all(g[1:] > g[:-1]), f"{call} must be strictly increasing"


# -------------------------------------------------------------------------- nearest codes

def midpoints(cb) -> np.ndarray:
    c = np.asarray(cb, dtype=np.float64)
    return (c[:-1] + c[1:]) / 2            # exact: the codes are float32 in [-1, 1]


def exact_nearest(y, cb) -> np.ndarray:
    """Index of the nearest code to each float32 y, the lower at a tie (exact in float64)."""
    return np.searchsorted(midpoints(cb), np.asarray(y, dtype=np.float64), side="left")


def check_uint8(call, got, n):
    assert isinstance(got, np.ndarray), f"{call} must return a numpy ndarray, got {type(got).__name__}"
    assert got.dtype == np.uint8, f"{call} must have dtype uint8, got {got.dtype}"
    assert got.shape == (n,), f"{call} must have shape ({n},), got {got.shape}"


def check_nearest(call, got, y, cb):
    check_uint8(call, got, len(y))
    want = exact_nearest(y, cb)
    bad = np.flatnonzero(got.astype(np.int64) != want)
    if bad.size:
        j = int(bad[0])
        c = np.asarray(cb, dtype=np.float64)
        k, w = int(got[j]), int(want[j])
        yj = float(y[j])
        gk = f"{c[k]!r}" if 0 <= k < c.size else "out of range"
        tie = ""
        if 0 <= k < c.size and abs(yj - c[k]) == abs(yj - c[w]):
            tie = " (an exact tie: the LOWER index wins)"
        raise AssertionError(
            f"{call}: y[{j}] = {yj!r} got index {k} (code {gk}), the nearest code is index {w} "
            f"(code {c[w]!r}){tie}; {bad.size} of {len(y)} indices wrong")


# ---------------------------------------------------------------------- block-wise absmax

def exact_absmax(x, block_size) -> np.ndarray:
    n = x.size
    nb = -(-n // block_size)
    pad = np.zeros(nb * block_size - n, dtype=np.float32)
    return np.abs(np.concatenate([x, pad])).reshape(nb, block_size).max(axis=1)


def max_half_gap(cb) -> float:
    """The largest distance from a point of [-1, 1] to the code book."""
    c = np.asarray(cb, dtype=np.float64)
    return float(max(np.max(np.diff(c)) / 2, 1 - c[-1], c[0] + 1))


def accepted_codes(x, a_per_elem, cb):
    """(lo, hi): the accepted code indices of each element (lo == hi unless a near-tie)."""
    c = np.asarray(cb, dtype=np.float64)
    mid = midpoints(c)
    xx = x.astype(np.float64)
    a = a_per_elem.astype(np.float64)
    zero = a == 0
    t = np.where(zero, 0.0, xx / np.where(zero, 1.0, a))      # within 2**-53 of x / a
    k = np.searchsorted(mid, t, side="left")
    lo, hi = k.copy(), k.copy()
    i = np.clip(np.searchsorted(mid, t), 0, mid.size - 1)
    for cand in (i - 1, i):
        cand = np.clip(cand, 0, mid.size - 1)
        near = (~zero) & (np.abs(t - mid[cand]) <= 4 * U * np.abs(mid[cand]))
        for j in np.flatnonzero(near):
            m = (Fraction(float(c[cand[j]])) + Fraction(float(c[cand[j] + 1]))) / 2
            if Fraction(float(xx[j])) == m * Fraction(float(a[j])):
                lo[j] = hi[j] = cand[j]                           # exact tie: lower index
            else:
                lo[j], hi[j] = cand[j], cand[j] + 1
    return lo, hi


def check_quantized(call, result, x, cb, block_size, label="quantize error vs bound"):
    """Types, exact absmax, nearest codes; observes |x - absmax * code| against its bound."""
    n = x.size
    nb = -(-n // block_size)
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{call} must return a tuple (codes, absmax), got {type(result).__name__}")
    codes, absmax = result
    assert isinstance(absmax, np.ndarray), (
        f"{call}: absmax must be a numpy ndarray, got {type(absmax).__name__}")
    assert absmax.dtype == np.float32, f"{call}: absmax must have dtype float32, got {absmax.dtype}"
    assert absmax.shape == (nb,), (
        f"{call}: absmax must have shape ({nb},) = ceil({n} / {block_size}) blocks, the last one "
        f"shorter when {block_size} does not divide {n}; got {absmax.shape}")
    check_uint8(f"{call}: codes", codes, n)
    want_a = exact_absmax(x, block_size)
    bad = np.flatnonzero(absmax != want_a)
    if bad.size:
        b = int(bad[0])
        blk = x[b * block_size:(b + 1) * block_size]
        raise AssertionError(
            f"{call}: absmax[{b}] = {float(absmax[b])!r}, expected max|x| of block {b} = "
            f"{float(want_a[b])!r} (elements {b * block_size} to {b * block_size + blk.size - 1}: "
            f"{blk[:6].tolist()}{' ...' if blk.size > 6 else ''})")
    a = want_a[np.arange(n) // block_size]
    lo, hi = accepted_codes(x, a, cb)
    k = codes.astype(np.int64)
    c = np.asarray(cb, dtype=np.float64)
    ok = (k >= lo) & (k <= hi)
    kk = np.clip(k, 0, c.size - 1)
    xhat = (a.astype(np.float64) * c[kk]).astype(np.float32).astype(np.float64)
    err = np.abs(x.astype(np.float64) - xhat)
    bound = a * max_half_gap(c) + 8 * U * a
    observe_worst(err, bound, ~ok, label=label)
    if not ok.all():
        j = int(np.flatnonzero(~ok)[0])
        aj = float(a[j])
        if aj == 0:
            why = (f"block {j // block_size} is all zeros (absmax 0): every element gets the code "
                   f"nearest to 0.0, index {lo[j]}")
        else:
            y = float(x[j]) / aj
            why = (f"x / absmax = {float(x[j])!r} / {aj!r} = {y!r}: the nearest code is index "
                   f"{lo[j]} ({c[lo[j]]!r})")
            if lo[j] != hi[j]:
                why += f" or, this close to their midpoint, {hi[j]} ({c[hi[j]]!r})"
            elif lo[j] + 1 < c.size and Fraction(float(x[j])) == (
                    Fraction(float(c[lo[j]])) + Fraction(float(c[lo[j] + 1]))) / 2 * Fraction(aj):
                why += " (x / absmax is exactly the midpoint of two codes: the LOWER index wins)"
        raise AssertionError(
            f"{call}: codes[{j}] = {int(k[j])}, {why}; {int((~ok).sum())} of {n} codes wrong")
    assert np.all(err <= bound)


# ------------------------------------------------------------------------------ expected MSE

def _Phi(x):
    return 0.5 * (1 + np.frompyfunc(math.erf, 1, 1)(np.asarray(x) / math.sqrt(2)).astype(float))


def _phi(x):
    return np.exp(-np.asarray(x) ** 2 / 2) / math.sqrt(2 * math.pi)


@functools.lru_cache(maxsize=None)
def expected_mse(cb_key: tuple, block_size: int) -> float:
    """E[(x - x_hat)^2] per element for iid N(0, 1) data, block-wise absmax, nearest code.

    Given the block's absmax M = m, the block's other B - 1 values are iid N(0, 1) conditioned on
    |x| < m, and the maximal one is exact (code +-1). So the MSE is
        (B - 1) / B * integral f_M(m) g(m) dm,  f_M(m) = B 2 phi(m) (2 Phi(m) - 1)^(B - 1),
    g(m) = sum over codes k of the integral of (x - m c_k)^2 phi(x) over x in m * [cell of k],
    divided by 2 Phi(m) - 1; each cell integral is [(1 + a^2) Phi(x) + (2a - x) phi(x)] with
    a = m c_k. The outer integral is a trapezoid rule on 4001 points of [0.3, 8].
    """
    c = np.array(cb_key, dtype=np.float64)
    mid = (c[:-1] + c[1:]) / 2
    lo = np.clip(np.concatenate([[-1.0], mid]), -1, 1)
    hi = np.clip(np.concatenate([mid, [1.0]]), -1, 1)
    m = np.linspace(0.3, 8.0, 4001)

    def F(x, a):
        return (1 + a * a) * _Phi(x) + (2 * a - x) * _phi(x)

    g = np.zeros_like(m)
    for k in range(c.size):
        a = m * c[k]
        g += F(m * hi[k], a) - F(m * lo[k], a)
    P = 2 * _Phi(m) - 1
    B = block_size
    f = B * 2 * _phi(m) * P ** (B - 1)
    y = f * g / P
    return float((B - 1) / B * np.sum((y[1:] + y[:-1]) / 2 * np.diff(m)))


# ------------------------------------------------------------------------------- inputs

CODEBOOK_KINDS = ["nf2", "nf3", "nf4", "nf5", "nf8", "int4", "dyadic", "random"]


def make_codebook(kind, seed=0):
    """A float32 code book: NF(bits), INT4 k/7, dyadic (multiples of 1/16) or random float32,
    always strictly increasing in [-1, 1] with -1 and 1 at the ends."""
    if kind.startswith("nf"):
        return nf(int(kind[2:]))
    if kind == "int4":
        return INT4.copy()
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 15))
    if kind == "dyadic":
        inner = rng.choice(np.arange(-15, 16), size=size, replace=False) / 16.0
    else:
        inner = rng.uniform(-1, 1, size=size)
        inner[np.abs(inner) < 2.0 ** -20] = 0.0
    vals = np.unique(np.concatenate([[-1.0, 1.0], inner]).astype(np.float32))
    return vals


def tie_values(cb, rng, size):
    """Exact midpoints of adjacent codes (where float32 holds them), their float32 neighbours,
    the codes themselves, -0.0 and values beyond the ends."""
    c = np.asarray(cb, dtype=np.float64)
    mid = midpoints(c)
    exact = mid[mid.astype(np.float32).astype(np.float64) == mid].astype(np.float32)
    near = mid.astype(np.float32)
    pool = np.concatenate([
        exact, near, np.nextafter(near, np.float32(2)), np.nextafter(near, np.float32(-2)),
        c.astype(np.float32), np.array([-0.0, 0.0, 1.5, -1.5, 2.0 ** -30], dtype=np.float32)])
    return rng.choice(pool, size=size)


class NearestCase:
    """nearest_code input: NearestCase(codebook kind, seed, n).y and .cb rebuild it."""

    def __init__(self, kind, seed, n, cb=None, y=None):
        self.kind, self.seed, self.n = kind, seed, n
        rng = np.random.default_rng(seed)
        self.cb = make_codebook(kind, seed) if cb is None else np.asarray(cb, dtype=np.float32)
        if y is None:
            half = n // 2
            y = np.concatenate([tie_values(self.cb, rng, n - half),
                                rng.uniform(-1.2, 1.2, size=half).astype(np.float32)])
            rng.shuffle(y)
        self.y = np.asarray(y, dtype=np.float32)

    def __repr__(self):
        if self.kind == "explicit":
            return f"NearestCase(y={self.y.tolist()}, codebook={self.cb.tolist()})"
        return f"NearestCase(kind={self.kind!r}, seed={self.seed}, n={self.n})"


@st.composite
def nearest_cases(draw, kinds=tuple(CODEBOOK_KINDS), max_n=300):
    return NearestCase(draw(st.sampled_from(list(kinds))), draw(st.integers(0, 2 ** 32 - 1)),
                       draw(st.integers(1, max_n)))


X_KINDS = ["gauss", "uniform", "ties", "outlier", "sparse"]
SPECIALS = ["zero_block", "neg_zero_block", "one_hot", "plus_absmax", "minus_absmax", "ties"]


def make_x(cb, n, block_size, kind, seed, log2_scale, specials=()):
    """A float32 x of n values: Gaussian, uniform, exact ties (x = midpoint * absmax with absmax a
    power of two, so x / absmax is the midpoint whatever the division), an outlier per block,
    or sparse; then special blocks (all zero, signed zeros, a single non-zero, +-absmax)."""
    rng = np.random.default_rng(seed)
    s = 2.0 ** log2_scale
    nb = -(-n // block_size)
    if kind == "gauss":
        x = rng.standard_normal(n)
    elif kind == "uniform":
        x = rng.uniform(-1, 1, n)
    elif kind == "outlier":
        x = rng.standard_normal(n)
        idx = np.arange(nb) * block_size + rng.integers(0, block_size, nb)
        idx = idx[idx < n]
        x[idx] *= 2.0 ** rng.integers(3, 12, idx.size)
    elif kind == "sparse":
        x = rng.standard_normal(n) * (rng.random(n) < 0.15)
    else:
        x = np.zeros(n)
    x = x * s
    xb = np.concatenate([x, np.zeros(nb * block_size - n)]).reshape(nb, block_size)
    blocks_ties = set(range(nb)) if kind == "ties" else set()
    for (b, what) in specials:
        b %= nb
        if what == "ties":
            blocks_ties.add(b)
        elif what in ("zero_block", "neg_zero_block"):
            xb[b] = 0.0
            if what == "neg_zero_block":
                xb[b, ::2] = -0.0
        elif what == "one_hot":
            v = xb[b, 0] if xb[b, 0] != 0 else -s
            xb[b] = 0.0
            xb[b, rng.integers(0, block_size)] = v
        elif what in ("plus_absmax", "minus_absmax"):
            a = np.abs(xb[b]).max()
            a = a if a else s
            xb[b, rng.integers(0, block_size, 3)] = a if what == "plus_absmax" else -a
    c = np.asarray(cb, dtype=np.float64)
    mid = midpoints(c)
    exact_mid = mid[mid.astype(np.float32).astype(np.float64) == mid]
    pool = np.concatenate([exact_mid, c, exact_mid, [-0.0]])
    for b in blocks_ties:
        a = 2.0 ** np.round(np.log2(s))
        xb[b] = rng.choice(pool, block_size) * a
        xb[b, rng.integers(0, block_size)] = a * rng.choice([-1.0, 1.0])
    return xb.reshape(-1)[:n].astype(np.float32)


class QuantCase:
    """quantize_blockwise input: QuantCase(...).x and .cb rebuild it (nf4_oracle.QuantCase)."""

    def __init__(self, cb_kind, n, block_size, kind, seed, log2_scale, specials=(), cb=None,
                 x=None):
        self.cb_kind, self.n, self.block_size = cb_kind, n, block_size
        self.kind, self.seed, self.log2_scale = kind, seed, log2_scale
        self.specials = tuple(specials)
        self.cb = make_codebook(cb_kind, seed) if cb is None else np.asarray(cb, np.float32)
        self.x = (make_x(self.cb, n, block_size, kind, seed, log2_scale, self.specials)
                  if x is None else np.asarray(x, dtype=np.float32))

    def __repr__(self):
        if self.kind == "explicit":
            return (f"QuantCase(x={self.x.tolist()}, codebook={self.cb_kind}, "
                    f"block_size={self.block_size})")
        return (f"QuantCase(cb_kind={self.cb_kind!r}, n={self.n}, block_size={self.block_size}, "
                f"kind={self.kind!r}, seed={self.seed}, log2_scale={self.log2_scale}, "
                f"specials={self.specials!r})")


def block_sizes():
    return st.one_of(st.sampled_from([1, 2, 3, 8, 16, 32, 64, 64, 128, 256]),
                     st.integers(1, 200))


@st.composite
def quant_cases(draw, cb_kinds=("nf4",), kinds=tuple(X_KINDS), max_blocks=8):
    bs = draw(block_sizes())
    n = draw(st.integers(1, bs * max_blocks))
    specials = tuple(draw(st.lists(st.tuples(st.integers(0, 7), st.sampled_from(SPECIALS)),
                                   max_size=3)))
    if draw(st.booleans()):        # half the inputs hold an all-zero block
        specials += ((draw(st.integers(0, 7)), draw(st.sampled_from(["zero_block",
                                                                     "neg_zero_block"]))),)
    return QuantCase(draw(st.sampled_from(list(cb_kinds))), n, bs,
                     draw(st.sampled_from(list(kinds))), draw(st.integers(0, 2 ** 32 - 1)),
                     draw(st.integers(-30, 30)), specials)


# ------------------------------------------------------------------------ double quantization

class AbsmaxCase:
    """double_quantize input: AbsmaxCase(...).a rebuilds it (non-negative float32)."""

    def __init__(self, m, kind, seed, log2_scale, a=None):
        self.m, self.kind, self.seed, self.log2_scale = m, kind, seed, log2_scale
        if a is None:
            rng = np.random.default_rng(seed)
            s = 2.0 ** log2_scale
            if kind == "chi":          # absmax of 64 Gaussians: around 2.4 s
                a = np.abs(rng.standard_normal((m, 64))).max(axis=1) * s
            elif kind == "spread":
                a = s * 2.0 ** rng.uniform(-8, 8, m)
            elif kind == "constant":
                a = np.full(m, s * 1.5)
            elif kind == "zeros_and_one":
                a = np.zeros(m)
                a[rng.integers(0, m)] = s
            else:                      # a few equal values
                a = s * rng.choice([0.0, 0.5, 1.0, 1.25], m)
            a = a.astype(np.float32)
        self.a = np.asarray(a, dtype=np.float32)

    def __repr__(self):
        if self.kind == "explicit":
            return f"AbsmaxCase(a={self.a.tolist()})"
        return (f"AbsmaxCase(m={self.m}, kind={self.kind!r}, seed={self.seed}, "
                f"log2_scale={self.log2_scale})")


ABSMAX_KINDS = ["chi", "chi", "spread", "constant", "zeros_and_one", "levels"]


@st.composite
def absmax_cases(draw, max_m=1200, kinds=tuple(ABSMAX_KINDS)):
    return AbsmaxCase(draw(st.integers(1, max_m)), draw(st.sampled_from(list(kinds))),
                      draw(st.integers(0, 2 ** 32 - 1)), draw(st.integers(-20, 20)))


def check_double_quantized(call, result, a, block_size):
    m = a.size
    nb = -(-m // block_size)
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        f"{call} must return a tuple (q, scale, mean), got {type(result).__name__}")
    q, scale, mean = result
    assert isinstance(q, np.ndarray) and q.dtype == np.int8 and q.shape == (m,), (
        f"{call}: q must be a numpy int8 array of shape ({m},), got "
        f"{type(q).__name__} {getattr(q, 'dtype', '')} {getattr(q, 'shape', '')}")
    assert isinstance(scale, np.ndarray) and scale.dtype == np.float32 and scale.shape == (nb,), (
        f"{call}: scale must be a numpy float32 array of shape ({nb},) (one per block of "
        f"{block_size}), got {type(scale).__name__} {getattr(scale, 'dtype', '')} "
        f"{getattr(scale, 'shape', '')}")
    assert type(mean) is np.float32, (
        f"{call}: mean must be a numpy.float32 scalar, got {type(mean).__name__}")
    a64 = a.astype(np.float64)
    exact_mean = math.fsum(a64) / m
    tol = (m + 1) * U * exact_mean + 2.0 ** -60
    assert abs(float(mean) - exact_mean) <= tol, (
        f"{call}: mean = {float(mean)!r}, expected the mean of the {m} absmax values = "
        f"{exact_mean!r} (within (m + 1)u relative)")
    mu = float(mean)
    c = a64 - mu                                   # exact: two float32 values
    cb = np.concatenate([np.abs(c), np.zeros(nb * block_size - m)]).reshape(nb, block_size)
    S = cb.max(axis=1) / 127
    s = scale.astype(np.float64)
    bad = ~(np.abs(s - S) <= 3 * U * S)
    if bad.any():
        b = int(np.argmax(bad))
        raise AssertionError(
            f"{call}: scale[{b}] = {s[b]!r}, expected max|absmax - mean| / 127 = {S[b]!r} over "
            f"block {b} (with your mean {mu!r}; an all-equal block gets scale 0.0)")
    sj = s[np.arange(m) // block_size]
    qj = q.astype(np.float64)
    zero = sj == 0
    t = np.where(zero, 0.0, c / np.where(zero, 1.0, sj))
    ok = (np.abs(qj - t) <= 0.5 + 4 * U * np.abs(t)) & (np.abs(qj) <= 127)
    err = np.abs(qj * sj + mu - a64)
    bound = sj / 2 + 4 * U * (np.abs(c) + 127 * sj) + 2 * U * (np.abs(mu) + np.abs(a64))
    observe_worst(err, bound, ~ok, label="double quantization: |q scale + mean - absmax|")
    if not ok.all():
        j = int(np.argmax(~ok))
        raise AssertionError(
            f"{call}: q[{j}] = {int(q[j])}, expected round((absmax - mean) / scale) = "
            f"round(({float(a[j])!r} - {mu!r}) / {sj[j]!r}) = round({t[j]!r}) in -127..127 "
            f"(either neighbour at a tie; 0 where the scale is 0)")


def check_double_dequantized(call, got, q, scale, mean, block_size):
    m = q.size
    assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.shape == (m,), (
        f"{call} must return a numpy float32 array of shape ({m},), got {type(got).__name__} "
        f"{getattr(got, 'dtype', '')} {getattr(got, 'shape', '')}")
    qs = q.astype(np.float64) * scale.astype(np.float64)[np.arange(m) // block_size]
    exact = qs + float(mean)
    tol = 3 * U * (np.abs(qs) + abs(float(mean))) + 2.0 ** -140
    err = np.abs(got.astype(np.float64) - exact)
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label="double_dequantize vs q scale + mean")
    if bad.any():
        j = int(np.argmax(bad))
        raise AssertionError(
            f"{call}[{j}] = {float(got[j])!r}, expected q * scale + mean = {int(q[j])} * "
            f"{float(scale[j // block_size])!r} + {float(mean)!r} = {exact[j]!r} (scale index "
            f"j // block_size = {j // block_size})")


__all__ = [name for name in dir() if not name.startswith("_")] + ["observe"]
