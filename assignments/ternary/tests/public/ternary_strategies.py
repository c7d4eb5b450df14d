"""Inputs and independent checks for the ternary grader tests.

Nothing here calls your code or the reference: every check is written from the contract, in
float64 NumPy (every float32 value, and every product of two float32 values, is exact in
float64) or with Python integers, so a check can only fail for a reason the statement gives.

Tolerances (u = 2**-24, float32's unit roundoff; n = the number of weights):

* gamma = mean(|w|) in float32: any summation order of n non-negative terms, then the division,
  is within (n + 2) * u * gamma* of the exact mean gamma* (Higham, Accuracy and Stability of
  Numerical Algorithms, 2nd ed., Sec. 4.2). All-zero weights: exactly 0.
* codes are judged with YOUR gamma (or YOUR scale): t* = w / (gamma + eps) (activations:
  t* = x * scale) evaluated exactly; a float32 evaluation in any order (a division, a reciprocal
  then a product, float64 inside) is within 4u * |t*| of it, so a code must be round-half-even
  of some value within 4u * |t*| of t*: the nearest integer, or either neighbour when t* is
  within 4u * |t*| of a half-integer. The tie tests use inputs on which every allowed order is
  exact, and there only the even neighbour is right.
* scale = 127 / max(max|x|, eps): one division (or a reciprocal and a product), and eps as a
  float32 or a double: within 3u * scale* of the exact 127 / max(max|x|, 1e-5).
* ternary_linear: the integer product is exact; gamma / x_scale and the product round at most
  three times in float32 (3u relative), then the cast to the output dtype (u_x relative, or
  half its smallest subnormal absolute).
* TernarySTE forward: gamma * code is exact in float32, then rounded once to w's dtype.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import torch
from hypothesis import strategies as st

from autograder.testing import observe, observe_worst

U = 2.0 ** -24
EPS = 1e-5
CODE_SLACK = 4          # codes: round-half-even of a value within CODE_SLACK * u * |t*| of t*
SCALE_ULPS = 3          # activation scale within SCALE_ULPS * u of 127 / max(max|x|, eps)
LINEAR_ULPS = 3         # ternary_linear: float32 scaling within LINEAR_ULPS * u (relative)

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16,
          "float64": torch.float64}
NAMES = {v: k for k, v in DTYPES.items()}
UNIT = {torch.float32: 2.0 ** -24, torch.float16: 2.0 ** -11, torch.bfloat16: 2.0 ** -8,
        torch.float64: 2.0 ** -53}
HALF_TINY = {torch.float32: 2.0 ** -150, torch.float16: 2.0 ** -25,
             torch.bfloat16: 2.0 ** -134, torch.float64: 2.0 ** -1075}


def f64(t) -> np.ndarray:
    """A torch tensor of any dtype (bf16 included) as exact float64 NumPy values."""
    return t.detach().to(torch.float64).numpy()


def w32(t) -> np.ndarray:
    """The tensor converted to float32 (exact except for float64 input), as float64 values."""
    return f64(t.detach().to(torch.float32))


def _fmt(v) -> str:
    return f"{float(v):.9g}"


def _at(shape, flat_index):
    return tuple(int(i) for i in np.unravel_index(int(flat_index), shape)) if shape else ()


def check_tensor(name, t, dtype, shape):
    assert isinstance(t, torch.Tensor), f"{name} must be a torch.Tensor, got {type(t).__name__}"
    assert t.dtype == dtype, f"{name} must have dtype {dtype}, got {t.dtype}"
    assert tuple(t.shape) == tuple(shape), (
        f"{name} must have shape {list(shape)}, got {list(t.shape)}")


def code_bounds(t, rel, lo, hi):
    """Smallest and largest clamp(round-half-even(s)) over s within rel * |t| of t."""
    a = np.clip(np.round(t - rel * np.abs(t)), lo, hi)
    b = np.clip(np.round(t + rel * np.abs(t)), lo, hi)
    return a, b


def dtype_name(t) -> str:
    return NAMES.get(t.dtype, str(t.dtype))


# ---------------------------------------------------------------------------------- weights

def gamma_exact(w) -> float:
    """mean(|w32|), correctly rounded to float64 (fsum is exact before its one rounding)."""
    a = np.abs(w32(w)).ravel()
    return math.fsum(a.tolist()) / a.size


def gamma_tol(n, g):
    return (n + 2) * U * g


def check_ternarize(call, w, result, check_codes=True):
    """Types first, then gamma against the exact mean, then the codes with YOUR gamma."""
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{call} must return a tuple (codes, gamma), got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
    codes, gamma = result
    check_tensor(f"{call}: codes", codes, torch.int8, w.shape)
    check_tensor(f"{call}: gamma", gamma, torch.float32, ())
    g = float(gamma)
    n = w.numel()
    gstar = gamma_exact(w)
    if gstar == 0:
        assert g == 0, (f"{call}: every weight is 0, so gamma = mean(|w|) must be exactly 0, "
                        f"got {_fmt(g)}")
    else:
        tol = gamma_tol(n, gstar)
        observe(abs(g - gstar), tol, label="ternarize: |gamma - mean|w|| vs (n+2)u·gamma")
        assert abs(g - gstar) <= tol, (
            f"{call}: gamma = {_fmt(g)}, expected mean(|w|) = {_fmt(gstar)} over the {n} "
            f"weights (converted to float32), within (n+2)u·gamma = {tol:.3g}"
            + (" — it looks like max(|w|), not the mean" if math.isclose(
                g, float(np.abs(w32(w)).max()), rel_tol=1e-6) and n > 1 else ""))
    if not check_codes:
        return codes, g
    c = codes.numpy().astype(np.int64)
    a = w32(w)
    t = a / (g + EPS)
    lo, hi = code_bounds(t, CODE_SLACK * U, -1, 1)
    bad = (c < lo) | (c > hi)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        at = _at(a.shape, i)
        tv, cv = float(t.ravel()[i]), int(c.ravel()[i])
        want = int(lo.ravel()[i]) if lo.ravel()[i] == hi.ravel()[i] else None
        hint = ""
        if abs(abs(tv) - 0.5) < 1e-6 and cv != 0:
            hint = " (round half to even: a ratio of exactly ±0.5 gives 0)"
        elif abs(cv) > 1:
            hint = " (clamp to [-1, 1])"
        raise AssertionError(
            f"{call}: codes{list(at)} = {cv} for w = {_fmt(a.ravel()[i])}: with your gamma = "
            f"{_fmt(g)}, w / (gamma + eps) = {tv:.9g}, so the code must be "
            f"{want if want is not None else f'{int(lo.ravel()[i])} or {int(hi.ravel()[i])}'}"
            f"{hint}")
    return codes, g


KINDS = ["gauss", "uniform", "laplace", "sparse", "outlier", "constant", "ints", "halves",
         "tiny"]


def _halves(rng, n, mag):
    """Multiples of gamma/2 whose mean |w| is exactly gamma = 2**mag: ratios of exactly ±1/2,
    ±1, ±3/2 and ±2 (every sum exact in float32, in any order)."""
    k = rng.choice([0, 1, 1, 2, 2, 3, 3, 4], size=n)      # in units of gamma/2
    deficit = 2 * n - int(k.sum())
    while deficit != 0:
        i = int(rng.integers(n))
        if deficit > 0 and k[i] < 4:
            k[i] += 1
            deficit -= 1
        elif deficit < 0 and k[i] > 0:
            k[i] -= 1
            deficit += 1
    signs = rng.choice([-1.0, 1.0], size=n)
    return signs * k * 2.0 ** (mag - 1)


def make_weight(shape, dtype, kind, seed, log2_mag):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape)) if shape else 1
    if kind == "gauss":
        a = rng.standard_normal(n)
    elif kind == "uniform":
        a = rng.uniform(-1, 1, n)
    elif kind == "laplace":
        a = rng.laplace(size=n)
    elif kind == "sparse":
        a = rng.standard_normal(n) * (rng.random(n) < 0.2)
    elif kind == "outlier":
        a = rng.standard_normal(n)
        a[rng.integers(n)] *= 2.0 ** int(rng.integers(4, 10))
    elif kind == "constant":
        a = np.full(n, rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2))
    elif kind == "ints":
        a = rng.integers(-3, 4, n).astype(np.float64)
    elif kind == "halves":
        a = _halves(rng, n, 0)
    elif kind == "tiny":          # |w| around eps: eps decides the codes
        a = rng.standard_normal(n) * 2.0 ** -17
    else:
        raise ValueError(kind)
    a = a * 2.0 ** log2_mag
    if dtype == "float16":
        a = np.clip(a, -60000.0, 60000.0)
    return torch.from_numpy(a.reshape(shape)).to(DTYPES[dtype])


class _TensorCase:
    """A drawn tensor, rebuilt from its recipe (shape, dtype, kind, seed, log2_mag) by
    ``make``; its repr is the recipe, plus the values when there are few."""

    name = ""  # the attribute holding the tensor: w or x

    def __init__(self, shape, dtype, kind, seed, log2_mag, tensor=None):
        self.shape, self.dtype, self.kind = tuple(shape), dtype, kind
        self.seed, self.log2_mag = seed, log2_mag
        value = self.make(self.shape, dtype, kind, seed, log2_mag) if tensor is None else tensor
        setattr(self, self.name, value)

    def __repr__(self):
        t, cls = getattr(self, self.name), type(self).__name__
        if self.kind == "explicit":
            return f"{cls}({self.name} = {f64(t).tolist()} ({self.dtype}))"
        head = (f"{cls}(shape={self.shape}, dtype={self.dtype!r}, kind={self.kind!r}, "
                f"seed={self.seed}, log2_mag={self.log2_mag})")
        if t.numel() <= 24:
            head += f"\n  # {self.name} = {f64(t).ravel().tolist()}"
        return head


class WeightCase(_TensorCase):
    """A drawn weight tensor: ``ternary_strategies.WeightCase(...).w`` rebuilds it."""

    name = "w"
    make = staticmethod(make_weight)


def explicit_weight(values, dtype="float32"):
    return WeightCase((), dtype, "explicit", 0, 0,
                      torch.tensor(values, dtype=torch.float64).to(DTYPES[dtype]))


@st.composite
def shapes(draw, max_numel=2048, max_dims=3):
    nd = draw(st.integers(1, max_dims))
    dims = []
    left = max_numel
    for _ in range(nd):
        d = draw(st.integers(1, max(1, min(64, left))))
        dims.append(d)
        left = max(1, left // d)
    return tuple(dims)


@st.composite
def weight_cases(draw, dtypes=tuple(DTYPES), kinds=tuple(KINDS), max_numel=2048, mag=None,
                 max_dims=3):
    shape = draw(shapes(max_numel, max_dims))
    dtype = draw(st.sampled_from(list(dtypes)))
    kind = draw(st.sampled_from(list(kinds)))
    if mag is None:
        mag = (-8, 6) if dtype == "float16" else (-30, 30)
    if kind == "tiny":
        mag = (-4, 3)
    log2_mag = draw(st.integers(*mag))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return WeightCase(shape, dtype, kind, seed, log2_mag)


# -------------------------------------------------------------------------------- activations

def check_activations(call, x, result):
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{call} must return a tuple (codes, scale), got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
    codes, scale = result
    check_tensor(f"{call}: codes", codes, torch.int8, x.shape)
    check_tensor(f"{call}: scale", scale, torch.float32, tuple(x.shape[:-1]) + (1,))
    a = w32(x)
    s = f64(scale)
    m = np.abs(a).max(axis=-1, keepdims=True)
    star = 127.0 / np.maximum(m, EPS)
    err = np.abs(s - star)
    tol = SCALE_ULPS * U * star
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label="quantize_activations: |scale - 127/max| vs 3u·scale")
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        row = _at(s.shape[:-1], i)
        mi = float(m.ravel()[i])
        extra = (" — max|x| is below eps: the row's max must be clamped to eps = 1e-5"
                 if mi < EPS else "")
        raise AssertionError(
            f"{call}: scale{list(row) + [0]} = {_fmt(s.ravel()[i])}, expected 127 / "
            f"max(max|x|, 1e-5) = 127 / max({_fmt(mi)}, 1e-5) = {_fmt(star.ravel()[i])} for "
            f"the token (row) at {list(row)}{extra}")
    c = codes.numpy().astype(np.int64)
    t = a * s
    lo, hi = code_bounds(t, CODE_SLACK * U, -128, 127)
    bad = (c < lo) | (c > hi)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        at = _at(a.shape, i)
        tv, cv = float(t.ravel()[i]), int(c.ravel()[i])
        want = (str(int(lo.ravel()[i])) if lo.ravel()[i] == hi.ravel()[i]
                else f"{int(lo.ravel()[i])} or {int(hi.ravel()[i])}")
        hint = " (round half to even)" if abs(abs(tv) % 1 - 0.5) < 1e-6 else ""
        raise AssertionError(
            f"{call}: codes{list(at)} = {cv} for x = {_fmt(a.ravel()[i])}: with your scale "
            f"{_fmt(s.ravel()[_flat_row(a.shape, i)])} for its row, x * scale = {tv:.9g}, so "
            f"the code must be {want}{hint}")
    return codes, scale


def _flat_row(shape, flat_index):
    return int(flat_index) // shape[-1]


ACT_KINDS = ["gauss", "outlier_channels", "uniform", "ints", "tiny_rows", "ties", "zero_rows"]


def make_activation(shape, dtype, kind, seed, log2_mag):
    rng = np.random.default_rng(seed)
    d = shape[-1]
    rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    if kind == "gauss":
        a = rng.standard_normal((rows, d))
    elif kind == "outlier_channels":     # a few channels 16x..256x larger, as in LLM activations
        a = rng.standard_normal((rows, d))
        idx = rng.choice(d, size=max(1, d // 16), replace=False)
        a[:, idx] *= 2.0 ** rng.integers(4, 9, size=idx.size)
    elif kind == "uniform":
        a = rng.uniform(-1, 1, (rows, d))
    elif kind == "ints":
        a = rng.integers(-300, 301, (rows, d)).astype(np.float64)
    elif kind == "tiny_rows":            # rows whose max|x| is below eps
        a = rng.standard_normal((rows, d)) * 2.0 ** -20
        a = a * 2.0 ** -log2_mag         # undo the magnitude below: stays tiny
    elif kind == "ties":                 # max = 127 * 2**k: scale 2**-k, x * scale half-integers
        k = rng.integers(-3, 4, size=(rows, 1))
        j = rng.integers(-127, 127, size=(rows, d)) + 0.5
        a = j * 2.0 ** k
        a[:, 0] = 127.0 * 2.0 ** k[:, 0] * rng.choice([-1, 1], size=rows)
        a = a * 2.0 ** -log2_mag
    elif kind == "zero_rows":
        a = rng.standard_normal((rows, d))
        a[rng.random(rows) < 0.5] = 0.0
    else:
        raise ValueError(kind)
    a = a * 2.0 ** log2_mag
    if dtype == "float16":
        a = np.clip(a, -60000.0, 60000.0)
    return torch.from_numpy(a.reshape(shape)).to(DTYPES[dtype])


class ActCase(_TensorCase):
    """A drawn activation tensor: ``ternary_strategies.ActCase(...).x`` rebuilds it."""

    name = "x"
    make = staticmethod(make_activation)


def explicit_act(values, dtype="float32"):
    return ActCase((), dtype, "explicit", 0, 0,
                   torch.tensor(values, dtype=torch.float64).to(DTYPES[dtype]))


@st.composite
def act_cases(draw, dtypes=tuple(DTYPES), kinds=tuple(ACT_KINDS), max_numel=2048, mag=None,
              max_dims=3):
    shape = draw(shapes(max_numel, max_dims))
    dtype = draw(st.sampled_from(list(dtypes)))
    # rows at or below eps are where implementations differ most: drawn twice as often
    weighted = list(kinds) + [k for k in kinds if k in ("zero_rows", "tiny_rows")]
    kind = draw(st.sampled_from(weighted))
    if mag is None:
        mag = (-8, 6) if dtype == "float16" else (-30, 30)
    log2_mag = draw(st.integers(*mag))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return ActCase(shape, dtype, kind, seed, log2_mag)


# ------------------------------------------------------------------------------------ linear

def check_linear(call, y, x_codes, x_scale, w_codes, gamma, out_dtype):
    dtype = DTYPES[out_dtype]
    n = w_codes.shape[0]
    check_tensor(call, y, dtype, tuple(x_codes.shape[:-1]) + (n,))
    acc = x_codes.numpy().astype(np.int64) @ w_codes.numpy().astype(np.int64).T
    g = float(gamma)
    s = x_scale.numpy().astype(np.float64)
    star = acc.astype(np.float64) * g / s          # acc * g is exact; one float64 rounding
    got = f64(y)
    ux = UNIT[dtype]
    tol = (LINEAR_ULPS * U + ux * (1 + LINEAR_ULPS * U) + 2.0 ** -51) * np.abs(star) \
        + HALF_TINY[dtype]
    err = np.abs(got - star)
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label=f"ternary_linear ({out_dtype}): |y - acc·gamma/scale|")
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        at = _at(star.shape, i)
        a = int(acc.ravel()[i])
        hint = ""
        row = _flat_row(star.shape, i)
        wrapped = ((a + 128) % 256) - 128
        if wrapped != a and math.isclose(wrapped * g / s.ravel()[row], got.ravel()[i],
                                         rel_tol=1e-2, abs_tol=1e-30):
            hint = " — the integer product wrapped around: accumulate in int32/int64, not int8"
        raise AssertionError(
            f"{call}: y{list(at)} = {_fmt(got.ravel()[i])}, expected acc * gamma / scale = "
            f"{a} * {_fmt(g)} / {_fmt(s.ravel()[_flat_row(star.shape, i)])} = "
            f"{star.ravel()[i]:.9g} (acc = the exact integer dot product of the codes), within "
            f"{tol.ravel()[i]:.3g} (3u of float32 scaling, then one rounding to {out_dtype}){hint}")


class LinCase:
    """Drawn codes and scales: ``ternary_strategies.LinCase(...).tensors()`` gives
    (x_codes, x_scale, w_codes, gamma), passed with out_dtype."""

    def __init__(self, lead, k, n, seed, gamma_log2, scale_log2, out_dtype, sparse=False):
        self.lead, self.k, self.n, self.seed = tuple(lead), k, n, seed
        self.gamma_log2, self.scale_log2 = gamma_log2, scale_log2
        self.out_dtype, self.sparse = out_dtype, sparse

    def tensors(self):
        rng = np.random.default_rng(self.seed)
        rows = int(np.prod(self.lead)) if self.lead else 1
        xc = rng.integers(-127, 128, size=(rows, self.k))
        xc[rng.random((rows, self.k)) < 0.02] = -128
        # some rows saturate (every code +-127): the integer sums run up to 127 * K
        for r in range(rows):
            if rng.random() < 0.25:
                xc[r] = 127 * rng.choice([-1, 1])
        wc = rng.integers(-1, 2, size=(self.n, self.k))
        if self.sparse:
            wc[rng.random((self.n, self.k)) < 0.7] = 0
        if rng.random() < 0.3:
            wc[rng.integers(self.n)] = 1          # a row of +1: acc = the sum of x's codes
        s = (rng.uniform(1, 2, size=(rows, 1)) * 2.0 ** self.scale_log2).astype(np.float32)
        g = np.float32(rng.uniform(1, 2) * 2.0 ** self.gamma_log2)
        if self.out_dtype == "float16":
            # keep |y| below float16's largest value 65504
            top = float(np.max(np.abs(xc @ wc.T) * float(g) / s.astype(np.float64), initial=0))
            while top > 60000:
                g = np.float32(g / 4)
                top /= 4
        x_codes = torch.from_numpy(xc.astype(np.int8).reshape(self.lead + (self.k,)))
        x_scale = torch.from_numpy(s.reshape(self.lead + (1,)))
        return (x_codes, x_scale, torch.from_numpy(wc.astype(np.int8)),
                torch.tensor(float(g), dtype=torch.float32))

    def __repr__(self):
        return (f"LinCase(lead={self.lead}, k={self.k}, n={self.n}, seed={self.seed}, "
                f"gamma_log2={self.gamma_log2}, scale_log2={self.scale_log2}, "
                f"out_dtype={self.out_dtype!r}, sparse={self.sparse})")


@st.composite
def lin_cases(draw, max_k=512, max_rows=8, out_dtypes=tuple(DTYPES), max_lead=4):
    nd = draw(st.integers(0, 3 if max_lead >= 4 else 1))
    lead = tuple(draw(st.lists(st.integers(1, max_lead), min_size=nd, max_size=nd)))
    k = draw(st.one_of(st.sampled_from([1, 2, 5, 64, 128, max_k]), st.integers(1, max_k)))
    n = draw(st.integers(1, max_rows))
    out_dtype = draw(st.sampled_from(list(out_dtypes)))
    glog = draw(st.integers(-20, 6))
    slog = draw(st.integers(-10, 20))
    if out_dtype == "float16":
        glog, slog = draw(st.integers(-12, 2)), draw(st.integers(-2, 12))
    return LinCase(lead, k, n, draw(st.integers(0, 2 ** 32 - 1)), glog, slog, out_dtype,
                   draw(st.booleans()))


# ----------------------------------------------------------------------------------- packing

def pack_oracle(codes) -> list[int]:
    flat = [int(v) for v in np.asarray(codes).ravel()]
    flat += [0] * (-len(flat) % 5)
    return [sum((flat[5 * j + i] + 1) * 3 ** i for i in range(5)) for j in range(len(flat) // 5)]


def unpack_oracle(byte: int) -> list[int]:
    out = []
    for _ in range(5):
        out.append(byte % 3 - 1)
        byte //= 3
    return out


def all_trit_groups() -> list[tuple[int, ...]]:
    """Every group of five codes, in the order of the byte it packs to (0..242)."""
    return [tuple(unpack_oracle(b)) for b in range(243)]


# ---------------------------------------------------------------------------------- the STE

def check_ste_result(call, w, result):
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        f"{call} must return (out, grad, unchanged) as the statement's harness does, got "
        f"{type(result).__name__}")
    out, grad, unchanged = result
    check_tensor(f"{call}: out (the forward)", out, w.dtype, w.shape)
    check_tensor(f"{call}: grad (w.grad after backward)", grad, w.dtype, w.shape)
    assert unchanged is True, (
        f"{call}: your TernarySTE.forward modified its input w in place (the harness found w "
        f"changed after the call): work on a copy, e.g. w.to(torch.float32) or w.abs(), never "
        f"w.abs_(), w.div_(...), w /= ...")
    return out, grad


def check_ste_forward(call, w, out):
    """out = gamma * code rounded to w's dtype, with some gamma within tolerance of mean|w|."""
    n = w.numel()
    gstar = gamma_exact(w)
    o = f64(out)
    assert np.all(np.isfinite(o)), f"{call}: the forward returned NaN or infinity"
    nz = o != 0
    ux, eta = UNIT[out.dtype], HALF_TINY[out.dtype]
    if nz.any():
        mags = np.abs(o[nz])
        g = float(mags[0])
        assert np.all(mags == g), (
            f"{call}: the forward must be gamma * code with ONE gamma for the whole tensor, so "
            f"every non-zero output has the same magnitude; got {_fmt(mags.min())} and "
            f"{_fmt(mags.max())}")
        tol = (gamma_tol(n, gstar) + ux * (1 + (n + 2) * U) * gstar) + eta
        assert abs(g - gstar) <= tol, (
            f"{call}: the non-zero outputs are ±{_fmt(g)}, expected ±gamma with gamma = "
            f"mean(|w|) = {_fmt(gstar)} (within {tol:.3g}, the rounding to "
            f"{dtype_name(out)} included)"
            + (" — did you return the codes without multiplying by gamma?"
               if g == 1.0 and abs(gstar - 1) > tol else ""))
    c = np.sign(o).astype(np.int64)
    t = w32(w) / (gstar + EPS)
    lo, hi = code_bounds(t, (n + 8) * U, -1, 1)
    bad = (c < lo) | (c > hi)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise AssertionError(
            f"{call}: out{list(_at(o.shape, i))} = {_fmt(o.ravel()[i])} for w = "
            f"{_fmt(w32(w).ravel()[i])}: w / (gamma + eps) = {float(t.ravel()[i]):.7g} with "
            f"gamma = mean(|w|) = {_fmt(gstar)}, so the code is "
            f"{int(lo.ravel()[i])}{'' if lo.ravel()[i] == hi.ravel()[i] else ' or ' + str(int(hi.ravel()[i]))}"
            f" and out must be gamma * code")


def clip_masks(w):
    """(must_pass, must_zero) for the clipped STE: |w| <= gamma passes, |w| > gamma is zeroed;
    within the gamma tolerance of the boundary either is accepted."""
    n = w.numel()
    gstar = gamma_exact(w)
    tol = gamma_tol(n, gstar)
    a = np.abs(w32(w))
    return a <= gstar - tol, a > gstar + tol


def check_ste_backward(call, w, grad_out, grad, clipped):
    gin = f64(grad_out)
    got = f64(grad)
    if not clipped:
        same = (got == gin) | (np.isnan(got) & np.isnan(gin))
        if not same.all():
            i = int(np.flatnonzero(~same.ravel())[0])
            raise AssertionError(
                f"{call}: grad{list(_at(got.shape, i))} = {_fmt(got.ravel()[i])}, but the "
                f"straight-through estimator passes grad_out unchanged: expected "
                f"{_fmt(gin.ravel()[i])} (gamma is a constant; no mask without clipped=True)")
        return
    must_pass, must_zero = clip_masks(w)
    bad = (must_pass & (got != gin)) | (must_zero & (got != 0)) | \
        (~must_pass & ~must_zero & (got != gin) & (got != 0))
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        a = float(np.abs(w32(w)).ravel()[i])
        g = gamma_exact(w)
        want = (_fmt(gin.ravel()[i]) + " (|w| <= gamma: passes)" if must_pass.ravel()[i]
                else "0 (|w| > gamma: clipped)" if must_zero.ravel()[i]
                else f"{_fmt(gin.ravel()[i])} or 0")
        raise AssertionError(
            f"{call}: grad{list(_at(got.shape, i))} = {_fmt(got.ravel()[i])} where |w| = "
            f"{_fmt(a)} and gamma = mean(|w|) = {_fmt(g)}: expected {want}. The clipped "
            f"estimator keeps grad_out where |w| <= gamma and zeroes it where |w| > gamma")


def grad_like(w, seed):
    """A grad_out for w: random, no zeros (so a zeroed gradient shows), in w's dtype."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(tuple(w.shape)) + 0.25 * np.sign(rng.standard_normal(tuple(w.shape)))
    g[g == 0] = 1.0
    return torch.from_numpy(g).to(w.dtype)


def hand_expected(values):
    """gamma and the six codes of the hand part, exactly (eps = 1/100000 as a rational)."""
    ws = [Fraction(v) for v in values]
    gamma = sum(abs(v) for v in ws) / len(ws)
    d = gamma + Fraction(1, 100000)
    codes = []
    for v in ws:
        t = v / d
        r = round(t)           # Fraction.__round__ is half to even
        codes.append(max(-1, min(1, int(r))))
    return float(gamma), tuple(codes)


def hand_packed(trits):
    return sum((t + 1) * 3 ** i for i, t in enumerate(trits))
