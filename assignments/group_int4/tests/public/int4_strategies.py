"""Inputs and independent checks for the group_int4 grader tests.

Nothing here calls your code or the reference: the checks are written from the contract, with
NumPy in float64 (every float32 value, and every product of a float32 by a small integer, is
exact in float64), so a check can only fail for a reason the contract states.

How the tolerances are derived (u = 2**-24, the unit roundoff of float32):

* scale.  Asymmetric: scale = (hi - lo) / 15; symmetric: scale = max|g| / 7. Computing it as
  fl(fl(hi - lo) / 15) has relative error <= 2u; via a reciprocal, fl(hi - lo) * fl(1/15),
  <= 3u; in float64 then rounded to float32, <= u. We accept |scale - exact| <= 4u * exact.
* codes and zero point are judged with YOUR scale s and YOUR zero z, so a 1-ulp difference in
  the scale cannot fail you. Let M = max(|lo|, |hi|) of the group. The exact target is
  t = w / s + z; whatever order you evaluate it in (w / s, w * (1 / s), a float64 scale,
  floor(t + 0.5)), the float32 value you round is within 8u * M / s of t (M / s >= 7, so the
  roundings of values of size <= 16 are inside this too). So every code must dequantize within
        |(code - z) * s - w| <= s / 2 + 16u * M        (SLACK_ULPS = 16)
  which is "the nearest code, and either neighbour at an exact tie (or within 16u of one)".
  The zero point must likewise satisfy |z - (-lo / s)| <= 1/2 + 16u * M / s.
  The bound holds for every element of the group (the range [lo, hi] is covered by codes
  0..15 to within half a step at each end), so clamping never excuses a larger error.
* dequantize: (code - zero) * scale rounds once in float32; computing code*scale - zero*scale
  instead rounds three values of size <= 15 * scale. We accept |got - exact| <= 48u * scale.
* int4_linear: y = x @ W.T over K = cols terms. With S = sum_k |x_k| |W_k| and u_x the unit
  roundoff of x's dtype, the textbook bound for products and float32 accumulation in any order
  is K u S; W may be rounded to x's dtype (u_x S), products may round in x's dtype (u_x S), your
  dequantization may differ from the reference's (48u S), and the final cast rounds
  (u_x |y|). We accept
        |got - y| <= u_x |y| + (3 u_x + (K + 64) u) S + eta_x (sum_k |x_k| + K + 1)
  where eta_x is half the smallest subnormal of x's dtype (W or a product underflowing when
  rounded to x's dtype).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st

from autograder.testing import observe_worst

U32 = 2.0 ** -24
SCALE_ULPS = 4          # |scale - exact| <= SCALE_ULPS * u * exact
SLACK_ULPS = 16         # per-element slack: SLACK_ULPS * u * max(|lo|, |hi|)
DEQ_ULPS = 48           # dequantize: |got - (code - zero) * scale| <= DEQ_ULPS * u * scale
SQNR_MARGIN_DB = 0.05   # hidden SQNR test: no worse than the reference by more than this

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
# unit roundoff and half of the smallest subnormal, per dtype
UNIT_ROUNDOFF = {torch.float32: 2.0 ** -24, torch.float16: 2.0 ** -11, torch.bfloat16: 2.0 ** -8}
HALF_TINY = {torch.float32: 2.0 ** -150, torch.float16: 2.0 ** -25, torch.bfloat16: 2.0 ** -134}


# ------------------------------------------------------------------------------ packing oracle

def np_pack(codes: np.ndarray) -> np.ndarray:
    """Byte j = code[2j] | code[2j+1] << 4 (low nibble = even code)."""
    c = np.asarray(codes, dtype=np.uint8)
    return (c[..., 0::2] | (c[..., 1::2] << 4)).astype(np.uint8)


def np_unpack(packed: np.ndarray) -> np.ndarray:
    p = np.asarray(packed, dtype=np.uint8)
    out = np.empty(p.shape[:-1] + (2 * p.shape[-1],), dtype=np.uint8)
    out[..., 0::2] = p & 0x0F
    out[..., 1::2] = p >> 4
    return out


def np_unpack_swapped(packed: np.ndarray) -> np.ndarray:
    """The wrong convention (high nibble = even code), only used to explain a failure."""
    p = np.asarray(packed, dtype=np.uint8)
    out = np.empty(p.shape[:-1] + (2 * p.shape[-1],), dtype=np.uint8)
    out[..., 0::2] = p >> 4
    out[..., 1::2] = p & 0x0F
    return out


def np_dequantize(codes: np.ndarray, scale: np.ndarray, zero, group_size: int) -> np.ndarray:
    """Exact (float64) dequantized values: (code - zero) * scale, or q * scale (symmetric)."""
    rows, cols = codes.shape
    c = codes.astype(np.float64).reshape(rows, cols // group_size, group_size)
    if zero is None:
        q = np.where(c >= 8, c - 16, c)
    else:
        q = c - np.asarray(zero, dtype=np.float64)[..., None]
    return (q * np.asarray(scale, dtype=np.float64)[..., None]).reshape(rows, cols)


def f64(t) -> np.ndarray:
    """A torch tensor of any float dtype (bf16 included) as exact float64 NumPy values."""
    return t.detach().to(torch.float64).numpy()


# -------------------------------------------------------------------------------- weight inputs

KINDS = ["gauss", "uniform", "positive", "negative", "outlier_col", "outlier_row", "rowscale",
         "sparse", "ties_asym", "ties_sym", "constant", "ints"]
SPECIALS = ["zero", "neg_zero", "constant", "one_hot", "tiny_and_big"]


def _ties_groups(rng, rows, n_groups, gs, symmetric):
    """Groups whose values are half-integer multiples of the scale: many exact ties."""
    out = np.empty((rows, n_groups, gs))
    for r in range(rows):
        for j in range(n_groups):
            m = float(rng.choice([1, 1, 1, 3, 5, 7, 0.1])) * 2.0 ** int(rng.integers(-4, 5))
            if symmetric:
                k = rng.integers(-14, 15, size=gs) / 2.0          # in [-7, 7]
                k[rng.integers(gs)] = 7.0 * rng.choice([-1, 1])
            else:
                L = rng.integers(0, 31) / 2.0                      # lo = -L, hi = 15 - L
                k = -L + rng.integers(0, 31, size=gs) / 2.0
                i, i2 = rng.choice(gs, size=2, replace=False)
                k[i], k[i2] = -L, 15.0 - L
            out[r, j] = k * m
    return out.reshape(rows, n_groups * gs)


def make_weight(rows, n_groups, group_size, dtype, kind, seed, log2_mag, specials=()):
    """A weight [rows, n_groups * group_size] of `dtype` (a name), reproducibly from `seed`."""
    rng = np.random.default_rng(seed)
    cols = n_groups * group_size
    shape = (rows, cols)
    if kind == "gauss":
        a = rng.standard_normal(shape)
    elif kind == "uniform":
        a = rng.uniform(-1, 1, shape)
    elif kind == "positive":
        a = np.abs(rng.standard_normal(shape))
    elif kind == "negative":
        a = -np.abs(rng.standard_normal(shape))
    elif kind == "outlier_col":              # a few input channels 16x..1024x larger
        a = rng.standard_normal(shape)
        idx = rng.choice(cols, size=max(1, cols // 64), replace=False)
        a[:, idx] *= 2.0 ** rng.integers(4, 11, size=idx.size)
    elif kind == "outlier_row":              # one output channel far larger
        a = rng.standard_normal(shape)
        a[rng.integers(rows)] *= 2.0 ** int(rng.integers(4, 11))
    elif kind == "rowscale":
        a = rng.standard_normal(shape) * 2.0 ** rng.integers(-10, 11, size=(rows, 1))
    elif kind == "sparse":
        a = rng.standard_normal(shape) * (rng.random(shape) < 0.1)
    elif kind == "ties_asym":
        a = _ties_groups(rng, rows, n_groups, group_size, symmetric=False)
    elif kind == "ties_sym":
        a = _ties_groups(rng, rows, n_groups, group_size, symmetric=True)
    elif kind == "constant":
        a = np.repeat(rng.standard_normal((rows, n_groups)), group_size, axis=1)
    elif kind == "ints":
        a = rng.integers(-8, 8, size=shape).astype(np.float64)
    else:
        raise ValueError(kind)
    a = a * 2.0 ** log2_mag
    g = a.reshape(rows, n_groups, group_size)
    for (r, j, what) in specials:
        r, j = r % rows, j % n_groups
        if what == "zero":
            g[r, j] = 0.0
        elif what == "neg_zero":
            g[r, j] = -0.0
            g[r, j, ::2] = 0.0
        elif what == "constant":
            g[r, j] = g[r, j, 0] if g[r, j, 0] != 0 else 2.0 ** log2_mag
        elif what == "one_hot":
            v = g[r, j, 0] if g[r, j, 0] != 0 else -(2.0 ** log2_mag)
            g[r, j] = 0.0
            g[r, j, rng.integers(group_size)] = v
        elif what == "tiny_and_big":     # elements far below the step next to a big one
            g[r, j] *= 2.0 ** -20
            g[r, j, rng.integers(group_size)] = 2.0 ** log2_mag * rng.choice([-3.0, 3.0])
    a = g.reshape(shape)
    if dtype == "float16":
        a = np.clip(a, -60000.0, 60000.0)
    else:
        # keep every group's range >= 2**-110 (or exactly 0) so that the float32 scale is a
        # normal number: flush elements more than 2**24 below the drawn magnitude
        a = np.where(np.abs(a) < 2.0 ** (log2_mag - 24), 0.0, a)
    return torch.from_numpy(a.astype(np.float32)).to(DTYPES[dtype])


class WeightCase:
    """A drawn weight; rebuild it with make_weight(**case.params()).

    (A plain class, not a dataclass, so that hypothesis prints it with __repr__.)
    """

    def __init__(self, rows, n_groups, group_size, dtype, kind, seed, log2_mag, specials=(),
                 w=None):
        self.rows, self.n_groups, self.group_size = rows, n_groups, group_size
        self.dtype, self.kind, self.seed, self.log2_mag = dtype, kind, seed, log2_mag
        self.specials = tuple(specials)
        self.w = make_weight(**self.params()) if w is None else w

    @property
    def cols(self):
        return self.n_groups * self.group_size

    def params(self):
        return dict(rows=self.rows, n_groups=self.n_groups, group_size=self.group_size,
                    dtype=self.dtype, kind=self.kind, seed=self.seed, log2_mag=self.log2_mag,
                    specials=self.specials)

    def __repr__(self):
        """A call that rebuilds this case (``int4_strategies.WeightCase(...).w``)."""
        if self.kind == "explicit":
            return (f"WeightCase(w = {f64(self.w).tolist()} ({self.dtype}), "
                    f"group_size={self.group_size})")
        head = (f"WeightCase(rows={self.rows}, n_groups={self.n_groups}, "
                f"group_size={self.group_size}, dtype={self.dtype!r}, kind={self.kind!r}, "
                f"seed={self.seed}, log2_mag={self.log2_mag}, specials={self.specials!r})")
        if self.w.numel() <= 32:
            head += f"\n  # w = {f64(self.w).tolist()}"
        return head


def group_sizes(max_gs=256):
    small = [g for g in (2, 4, 6, 8, 16, 32, 64, 128, 256) if g <= max_gs]
    return st.one_of(st.sampled_from(small), st.integers(1, max_gs // 2).map(lambda k: 2 * k))


@st.composite
def weight_cases(draw, dtypes=("float32", "float16", "bfloat16"), kinds=tuple(KINDS),
                 max_rows=8, max_cols=512, mag=None, max_gs=256):
    gs = draw(group_sizes(max_gs))
    n_groups = draw(st.integers(1, max(1, min(16, max_cols // gs))))
    rows = draw(st.integers(1, max_rows))
    dtype = draw(st.sampled_from(list(dtypes)))
    kind = draw(st.sampled_from(list(kinds)))
    if mag is None:
        mag = (-12, 4) if dtype == "float16" else (-40, 40)
    log2_mag = draw(st.integers(*mag))
    specials = tuple(draw(st.lists(
        st.tuples(st.integers(0, 15), st.integers(0, 15), st.sampled_from(SPECIALS)),
        max_size=3)))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return WeightCase(rows, n_groups, gs, dtype, kind, seed, log2_mag, specials)


# ------------------------------------------------------------------------------------ checking

def _fmt(v):
    return f"{float(v):.9g}"


def check_tensor(name, t, dtype, shape):
    assert isinstance(t, torch.Tensor), (
        f"{name} must be a torch.Tensor, got {type(t).__name__}")
    assert t.dtype == dtype, f"{name} must have dtype {dtype}, got {t.dtype}"
    assert tuple(t.shape) == tuple(shape), (
        f"{name} must have shape {list(shape)}, got {list(t.shape)}")


def check_quantize_result(result, w, group_size, symmetric):
    """Types, dtypes and shapes; returns (packed, scale, zero) as NumPy arrays (zero or None)."""
    call = f"quantize_int4(w, group_size={group_size}, symmetric={symmetric})"
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        f"{call} must return a tuple (packed, scale, zero), got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
    packed, scale, zero = result
    rows, cols = w.shape
    ng = cols // group_size
    check_tensor(f"{call}: packed", packed, torch.uint8, (rows, cols // 2))
    check_tensor(f"{call}: scale", scale, torch.float32, (rows, ng))
    if symmetric:
        assert zero is None, f"{call}: zero must be None in the symmetric scheme, got {zero!r}"
        z = None
    else:
        check_tensor(f"{call}: zero", zero, torch.uint8, (rows, ng))
        z = zero.numpy().astype(np.int64)
    return packed.numpy(), scale.numpy().astype(np.float64), z


def group_stats(w, group_size):
    """lo, hi, M = max(|lo|, |hi|), amax per group, and the groups, all float64."""
    a = f64(w.to(torch.float32))
    rows, cols = a.shape
    g = a.reshape(rows, cols // group_size, group_size)
    lo = np.minimum(0.0, g.min(-1))
    hi = np.maximum(0.0, g.max(-1))
    amax = np.abs(g).max(-1)
    return g, lo, hi, amax


def _group_text(g, r, j, limit=8):
    vals = g[r, j]
    body = ", ".join(_fmt(v) for v in vals[:limit])
    return f"[{body}{', ...' if vals.size > limit else ''}]"


def check_scale(call, g, lo, hi, amax, scale, symmetric):
    exact = amax / 7.0 if symmetric else (hi - lo) / 15.0
    formula = "max|g| / 7" if symmetric else "(hi - lo) / 15"
    zero_group = exact == 0
    want = np.where(zero_group, 1.0, exact)
    tol = np.where(zero_group, 0.0, SCALE_ULPS * U32 * exact + 2.0 ** -52 * exact)
    bad = ~(np.abs(scale - want) <= tol)
    if bad.any():
        r, j = np.argwhere(bad)[0]
        what = ("an all-zero group must get scale 1.0" if zero_group[r, j]
                else f"expected {formula} = {_fmt(exact[r, j])} (within {SCALE_ULPS} ulps)")
        extra = "" if symmetric else f", lo = {_fmt(lo[r, j])}, hi = {_fmt(hi[r, j])}"
        raise AssertionError(
            f"{call}: scale[{r}, {j}] = {_fmt(scale[r, j])}, {what}; "
            f"group = {_group_text(g, r, j)}{extra}")


def check_zero(call, g, lo, hi, scale, zero):
    M = np.maximum(-lo, hi)
    zstar = -lo / scale
    slack = 0.5 + SLACK_ULPS * U32 * M / scale
    bad = ~((np.abs(zero - zstar) <= slack) & (zero >= 0) & (zero <= 15))
    if bad.any():
        r, j = np.argwhere(bad)[0]
        raise AssertionError(
            f"{call}: zero[{r}, {j}] = {zero[r, j]}, expected round(-lo / scale) = "
            f"round({_fmt(zstar[r, j])}) (either neighbour at an exact tie), clamped to 0..15; "
            f"lo = {_fmt(lo[r, j])}, scale = {_fmt(scale[r, j])}, group = {_group_text(g, r, j)}")


def check_codes(call, g, lo, hi, packed, scale, zero, group_size):
    """Every element dequantizes within scale/2 (+ slack) of its value."""
    rows, ng, gs = g.shape
    M = np.maximum(-lo, hi)
    bound = (scale / 2 + SLACK_ULPS * U32 * M)[..., None]

    def errors(codes):
        deq = np_dequantize(codes, scale, zero, group_size).reshape(rows, ng, gs)
        return deq, np.abs(deq - g)

    codes = np_unpack(packed)
    deq, err = errors(codes)
    bad = ~(err <= bound)
    observe_worst(err, bound, bad,
                  "quantize: worst element's |dequantized - w| vs scale/2 (+slack)")
    if not bad.any():
        return
    r, j, k = np.argwhere(bad)[0]
    col = j * gs + k
    code = codes[r, col]
    if zero is None:
        code = int(code)
        q = code - 16 if code >= 8 else code
        how = (f"q = {q} (nibble {code}), scale = {_fmt(scale[r, j])}: "
               f"q * scale = {_fmt(deq[r, j, k])}")
        want = "q = clamp(round(w / scale), -8, 7), stored as q & 0xF"
    else:
        how = (f"code = {code}, zero = {zero[r, j]}, scale = {_fmt(scale[r, j])}: "
               f"(code - zero) * scale = {_fmt(deq[r, j, k])}")
        want = "code = clamp(round(w / scale) + zero, 0, 15)"
    msg = (f"{call}: element [{r}, {col}] (group {j}) w = {_fmt(g[r, j, k])}; {how}; error "
           f"{_fmt(err[r, j, k])} > scale/2 (+{SLACK_ULPS}u*max(|lo|,|hi|)) = "
           f"{_fmt(bound[r, j, 0])}. Expected {want}, the nearest code "
           f"(either neighbour at an exact tie). Group = {_group_text(g, r, j)}")
    _, err_swapped = errors(np_unpack_swapped(packed))
    if (err_swapped <= bound).all():
        msg += (". Hint: your bytes decode correctly with the nibbles swapped: byte j must hold "
                "code 2j in its LOW nibble and code 2j+1 in its HIGH nibble")
    raise AssertionError(msg)


def check_quantization(result, w, group_size, symmetric):
    """All contract checks of one quantize_int4 result; returns (packed, scale, zero) arrays."""
    call = (f"quantize_int4(w: {str(w.dtype).removeprefix('torch.')} {list(w.shape)}, "
            f"group_size={group_size}, symmetric={symmetric})")
    packed, scale, zero = check_quantize_result(result, w, group_size, symmetric)
    g, lo, hi, amax = group_stats(w, group_size)
    check_scale(call, g, lo, hi, amax, scale, symmetric)
    if not symmetric:
        check_zero(call, g, lo, hi, scale, zero)
    check_codes(call, g, lo, hi, packed, scale, zero, group_size)
    return packed, scale, zero


def sqnr_db(w, packed, scale, zero, group_size):
    a = f64(w.to(torch.float32))
    deq = np_dequantize(np_unpack(packed), scale, zero, group_size)
    noise = float(np.sum((a - deq) ** 2))
    signal = float(np.sum(a ** 2))
    return math.inf if noise == 0 else 10 * math.log10(signal / noise)


# -------------------------------------------------------------------- quantized inputs (random)

class QuantCase:
    """Random packed codes, scales and zero points (not made by any quantizer)."""

    def __init__(self, rows, n_groups, group_size, symmetric, seed, scale_log2=(-20, 20)):
        self.rows, self.n_groups, self.group_size = rows, n_groups, group_size
        self.symmetric, self.seed, self.scale_log2 = symmetric, seed, tuple(scale_log2)
        rng = np.random.default_rng(self.seed)
        cols = self.n_groups * self.group_size
        self.codes = rng.integers(0, 16, size=(self.rows, cols)).astype(np.uint8)
        lo, hi = self.scale_log2
        e = rng.uniform(lo, hi, size=(self.rows, self.n_groups))
        s = (2.0 ** e).astype(np.float32)
        s[rng.random(s.shape) < 0.1] = 1.0
        self.scale = s
        self.zero = (None if self.symmetric else
                     rng.integers(0, 16, size=(self.rows, self.n_groups)).astype(np.uint8))

    @property
    def cols(self):
        return self.n_groups * self.group_size

    def tensors(self):
        packed = torch.from_numpy(np_pack(self.codes))
        scale = torch.from_numpy(self.scale.copy())
        zero = None if self.zero is None else torch.from_numpy(self.zero.copy())
        return packed, scale, zero

    def exact(self):
        return np_dequantize(self.codes, self.scale, self.zero, self.group_size)

    def __repr__(self):
        head = (f"QuantCase(rows={self.rows}, n_groups={self.n_groups}, "
                f"group_size={self.group_size}, symmetric={self.symmetric}, seed={self.seed}, "
                f"scale_log2={self.scale_log2})")
        if self.codes.size <= 16:
            head += (f"\n  # codes = {self.codes.tolist()}\n  # scale = {self.scale.tolist()}"
                     f"\n  # zero = {None if self.zero is None else self.zero.tolist()}")
        return head


@st.composite
def quant_cases(draw, symmetric=None, max_rows=8, max_cols=512, scale_log2=(-20, 20)):
    gs = draw(group_sizes())
    n_groups = draw(st.integers(1, max(1, min(16, max_cols // gs))))
    rows = draw(st.integers(1, max_rows))
    sym = draw(st.booleans()) if symmetric is None else symmetric
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return QuantCase(rows, n_groups, gs, sym, seed, scale_log2)


def check_dequantized(call, got, exact, scale, group_size):
    rows, cols = exact.shape
    check_tensor(call, got, torch.float32, (rows, cols))
    g = f64(got)
    tol = np.repeat(DEQ_ULPS * U32 * np.asarray(scale, dtype=np.float64), group_size, axis=1)
    bad = ~(np.abs(g - exact) <= tol)
    observe_worst(np.abs(g - exact), tol, bad, "dequantize: worst element's |error| vs 48u·scale")
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise AssertionError(
            f"{call}: element [{r}, {c}] = {_fmt(g[r, c])}, expected {_fmt(exact[r, c])} "
            f"(within {DEQ_ULPS}u * scale = {_fmt(tol[r, c])})")


# ------------------------------------------------------------------------------------ linear

@st.composite
def activations(draw, cols, dtypes=("float32", "float16", "bfloat16")):
    dtype = draw(st.sampled_from(list(dtypes)))
    lead = draw(st.sampled_from([(), (1,), (3,), (2, 3), (4,)]))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    a = np.random.default_rng(seed).standard_normal(lead + (cols,)).astype(np.float32)
    return torch.from_numpy(a).to(DTYPES[dtype])


def linear_tolerance(x, W64):
    """Per-output tolerance of int4_linear (see the module docstring)."""
    xd = f64(x)
    K = W64.shape[1]
    y = xd @ W64.T
    S = np.abs(xd) @ np.abs(W64).T
    ux = UNIT_ROUNDOFF[x.dtype]
    eta = HALF_TINY[x.dtype]
    tol = ux * np.abs(y) + (3 * ux + (K + 64) * U32) * S + eta * (np.abs(xd).sum(-1)[..., None] + K + 1)
    return y, tol


def check_linear(call, got, x, W64):
    rows = W64.shape[0]
    want_shape = tuple(x.shape[:-1]) + (rows,)
    assert isinstance(got, torch.Tensor), (
        f"{call} must return a torch.Tensor, got {type(got).__name__}")
    assert tuple(got.shape) == want_shape, (
        f"{call} must return shape {list(want_shape)} (x [..., cols] -> [..., rows]), "
        f"got {list(got.shape)}")
    y, tol = linear_tolerance(x, W64)
    g = f64(got)
    bad = ~(np.abs(g - y) <= tol)
    observe_worst(np.abs(g - y), tol, bad, "int4_linear: worst output's |error| vs its tolerance")
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{call}: output{list(idx)} = {_fmt(g[idx])}, expected x @ W.T = {_fmt(y[idx])} "
            f"within {_fmt(tol[idx])} (W = (code - zero) * scale, or q * scale when zero is None)")
