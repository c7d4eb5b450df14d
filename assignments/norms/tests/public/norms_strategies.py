"""Inputs for the norms grader tests: float32 arrays for the variances, Welford states, and
tensors for LayerNorm / RMSNorm, biased to the cases where the statistics go wrong.

Domain (the statement says the same): every non-zero |x_i| is between 2**-32 and 2**32, so no
square, product or sum in float32 overflows or becomes subnormal; float16 values stay below
60000. Arrays are built by NumPy from a drawn seed, so long ones are cheap to draw, and each
drawn case prints as the call that rebuilds it.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
LO, HI = 2.0 ** -32, 2.0 ** 32          # the domain of non-zero magnitudes
FP16_MAX = 60000.0


def _clean(a: np.ndarray, hi: float = HI) -> np.ndarray:
    """Flush magnitudes below 2**-32 to 0 and clip to +-hi (float64 in, float64 out)."""
    a = np.where(np.abs(a) < LO, 0.0, a)
    return np.clip(a, -hi, hi)


# ------------------------------------------------------------------------------ 1-D float32 data

ARRAY_KINDS = ["gauss", "offset", "large_mean", "ints", "halves", "constant", "sorted", "drift",
               "two_values", "outlier", "binades"]


def make_array(n: int, kind: str, seed: int, log2_scale: int = 0, log10_ratio: int = 0) -> np.ndarray:
    """A 1-D float32 array of length n: `kind` of data, spread ~2**log2_scale, and (offset kinds)
    a mean about 10**log10_ratio times the spread."""
    rng = np.random.default_rng(seed)
    s = 2.0 ** log2_scale
    mu = s * 10.0 ** log10_ratio * rng.uniform(1, 2) * rng.choice([-1, 1])
    if kind == "gauss":
        a = s * rng.standard_normal(n)
    elif kind == "offset":
        a = mu + s * rng.standard_normal(n)
    elif kind == "large_mean":              # mean ~1e4, standard deviation ~1e-2 (the hard case)
        a = rng.uniform(9000, 16000) * rng.choice([-1, 1]) \
            + rng.uniform(0.002, 0.05) * np.clip(rng.standard_normal(n), -3, 3)
    elif kind == "ints":
        a = rng.integers(-50, 51, n).astype(np.float64) + float(rng.integers(-1000, 1000))
    elif kind == "halves":
        a = rng.integers(-8, 9, n) / 2.0
    elif kind == "constant":
        a = np.full(n, mu + s * rng.standard_normal())
    elif kind == "sorted":
        a = np.sort(mu + s * rng.standard_normal(n))
    elif kind == "drift":                   # the running mean moves steadily
        a = mu * (1 + np.linspace(0, 1, n)) + s * rng.standard_normal(n)
    elif kind == "two_values":
        a = mu + s * np.where(rng.random(n) < 0.5, -1.0, 1.0)
    elif kind == "outlier":
        a = s * rng.standard_normal(n)
        a[rng.integers(n)] = mu * 1000
    else:                                   # values from many binades, either sign
        a = rng.choice([-1.0, 1.0], n) * np.exp2(rng.uniform(-30, 30, n))
    return _clean(a).astype(np.float32)


class ArrayCase:
    """A drawn 1-D float32 array; prints as the call that rebuilds it."""

    def __init__(self, n, kind, seed, log2_scale=0, log10_ratio=0, x=None, label=None):
        self.n, self.kind, self.seed, self.label = n, kind, seed, label
        self.log2_scale, self.log10_ratio = log2_scale, log10_ratio
        self.x = make_array(n, kind, seed, log2_scale, log10_ratio) if x is None \
            else np.asarray(x, dtype=np.float32)

    def __repr__(self):
        if self.kind == "explicit":
            if self.label:
                return f"norms_strategies.{self.label}  # x = {show(self.x)}"
            return f"ArrayCase(x = np.array({show(self.x)}, dtype=np.float32))"
        head = (f"norms_strategies.make_array(n={self.n}, kind={self.kind!r}, seed={self.seed}, "
                f"log2_scale={self.log2_scale}, log10_ratio={self.log10_ratio})")
        if self.n <= 12:
            head += f"  # = {self.x.tolist()}"
        return head


def show(x, limit: int = 12) -> str:
    """The values of an array as a list, shortened when long."""
    v = np.asarray(x).reshape(-1).tolist()
    return str(v) if len(v) <= limit else f"{str(v[:limit])[:-1]}, ... ({len(v)} values)]"


def explicit(values, label=None) -> ArrayCase:
    x = np.asarray(values, dtype=np.float32)
    return ArrayCase(len(x), "explicit", 0, x=x, label=label)


@st.composite
def array_cases(draw, min_len=1, max_len=64, kinds=tuple(ARRAY_KINDS), max_ratio=4):
    n = draw(st.one_of(st.integers(min_len, max_len),
                       st.sampled_from(sorted({min_len, max_len, min(max_len, max(min_len, 2))}))))
    kind = draw(st.sampled_from(list(kinds)))
    log2_scale = draw(st.integers(-20, 20))
    log10_ratio = draw(st.integers(0, max_ratio))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return ArrayCase(n, kind, seed, log2_scale, log10_ratio)


def large_mean_cases(min_len=2, max_len=256):
    """|mean| between 9000 and 16000, every value within 0.15 of it (variance below 0.05)."""
    return st.builds(lambda n, seed: ArrayCase(n, "large_mean", seed),
                     st.integers(min_len, max_len), st.integers(0, 2 ** 32 - 1))


# Hard cases named in the statement
LARGE_MEAN = ArrayCase(100, "large_mean", 2024)               # mean ~1e4, std ~1e-2
MEAN_1E4_STD_1EM2 = explicit(10000.0 + 0.01 * np.clip(np.random.default_rng(7).standard_normal(64), -3, 3),
                             label="MEAN_1E4_STD_1EM2")
ONE = explicit([3.5])
CONSTANT = explicit([0.1] * 37, label="CONSTANT")
CONSTANT_INTS = explicit([7.0] * 10)
EASY = explicit([1.0, 2.0, 3.0, 4.0])                          # variance 1.25
LONG = ArrayCase(4096, "offset", 11, 0, 2)
# mean 1000, standard deviation 1: the naive formula is off by far more than two-pass's bound
OFFSET_1E3 = explicit(1000.0 + np.random.default_rng(3).standard_normal(16), label="OFFSET_1E3")


# ------------------------------------------------------------------------------- Welford states

def _f32(v) -> np.float32:
    return np.float32(v)


@st.composite
def states(draw, max_count=10 ** 6, allow_empty=True):
    """A valid Welford state (count, mean, M2): count 0 -> (0, 0, 0); count 1 -> M2 = 0."""
    count = draw(st.one_of(st.integers(0 if allow_empty else 1, 12),
                           st.integers(1, max_count),
                           st.sampled_from([1, 2, max_count])))
    if count == 0:
        return (0, _f32(0.0), _f32(0.0))
    e = draw(st.integers(-20, 20))
    mean = _f32(_clean(np.array([draw(st.floats(-2.0, 2.0, width=32)) * 2.0 ** e]))[0])
    if count == 1:
        return (count, mean, _f32(0.0))
    sd = 2.0 ** (e - draw(st.integers(-4, 20)))
    m2 = _f32(_clean(np.array([draw(st.floats(0, 4)) * sd * sd * count]))[0])
    return (count, mean, _f32(abs(m2)))


@st.composite
def update_cases(draw):
    """(state, x) with x near the state's mean, far from it, or equal to it."""
    state = draw(states(max_count=2 ** 20))
    m = float(state[1])
    scale = max(abs(m), 2.0 ** -20)
    how = draw(st.sampled_from(["near", "far", "equal", "any"]))
    if how == "equal":
        x = m
    elif how == "near":
        x = m + scale * draw(st.floats(-1, 1)) * 2.0 ** -draw(st.integers(0, 20))
    elif how == "far":
        x = m + scale * draw(st.floats(-1, 1)) * 2.0 ** draw(st.integers(0, 10))
    else:
        x = draw(st.floats(-1e6, 1e6))
    return state, _f32(_clean(np.array([x]))[0])


@st.composite
def merge_cases(draw):
    a = draw(states())
    b = draw(states())
    if draw(st.booleans()) and a[0] and b[0]:      # close means: a tiny delta on a large mean
        b = (b[0], _f32(float(a[1]) * (1 + draw(st.floats(-1e-3, 1e-3)))), b[2])
    return a, b


def random_state(rng, max_count=10 ** 9):
    """A valid state drawn by NumPy (for batches): counts from 0 to max_count, log-uniform."""
    count = int(rng.choice([0, 1, 2, int(np.exp(rng.uniform(0, np.log(max_count))))]))
    if count == 0:
        return (0, _f32(0.0), _f32(0.0))
    e = int(rng.integers(-20, 21))
    mean = _f32(_clean(np.array([rng.uniform(-2, 2) * 2.0 ** e]))[0])
    if count == 1:
        return (count, mean, _f32(0.0))
    sd = 2.0 ** (e - int(rng.integers(-4, 21)))
    m2 = min(rng.uniform(0, 4) * sd * sd * count, 2.0 ** 100)
    return (count, mean, _f32(_clean(np.array([m2]))[0]))


def update_batch(seed, size):
    """`size` (state, x) pairs, x near, far from or equal to the state's mean."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(size):
        s = random_state(rng, 10 ** 9)
        m = float(s[1])
        scale = max(abs(m), 2.0 ** -20)
        how = rng.integers(4)
        if how == 0:
            x = m
        elif how == 1:
            x = m + scale * rng.uniform(-1, 1) * 2.0 ** -int(rng.integers(0, 21))
        elif how == 2:
            x = m + scale * rng.uniform(-1, 1) * 2.0 ** int(rng.integers(0, 11))
        else:
            x = rng.uniform(-1e6, 1e6)
        out.append((s, _f32(_clean(np.array([x]))[0])))
    return out


def merge_batch(seed, size):
    """`size` pairs of states, a third of them with nearly equal means."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(size):
        a, b = random_state(rng), random_state(rng)
        if a[0] and b[0] and rng.random() < 1 / 3:
            b = (b[0], _f32(float(a[1]) * (1 + rng.uniform(-1e-3, 1e-3))), b[2])
        out.append((a, b))
    return out


# ----------------------------------------------------------------------- LayerNorm / RMSNorm data

NORM_KINDS = ["gauss", "offset", "ints", "tiny_var", "constant_rows", "outlier", "large_mean",
              "uniform"]


def make_norm_input(shape, dtype, kind, seed, log2_scale=0, log10_ratio=1,
                    weight=False, bias=False):
    """(x, weight, bias) for layer_norm / rms_norm: x of `shape` and `dtype` (a name), weight and
    bias of shape (shape[-1],) in the same dtype, or None."""
    rng = np.random.default_rng(seed)
    n = shape[-1]
    rows = int(np.prod(shape[:-1], dtype=np.int64))
    hi = FP16_MAX if dtype == "float16" else HI
    s = 2.0 ** log2_scale
    if dtype == "float16":
        s = min(s, 256.0)
    g = rng.standard_normal((rows, n))
    mu = s * 10.0 ** log10_ratio * rng.uniform(1, 2, (rows, 1)) * rng.choice([-1, 1], (rows, 1))
    if dtype == "float16":
        mu = np.clip(mu, -FP16_MAX / 2, FP16_MAX / 2)
    if kind == "gauss":
        a = s * g
    elif kind == "offset":
        a = mu + s * g
    elif kind == "ints":
        a = rng.integers(-20, 21, (rows, n)).astype(np.float64) + rng.integers(-100, 100, (rows, 1))
    elif kind == "tiny_var":                # variance near eps: where sqrt(var + eps) matters
        a = rng.uniform(-4, 4, (rows, 1)) + 10.0 ** rng.uniform(-4, -1.5, (rows, 1)) * g
    elif kind == "constant":                # every row constant: halves, so every sum is exact
        a = np.repeat(rng.integers(-8, 9, (rows, 1)) / 2.0, n, axis=1)
    elif kind == "constant_rows":
        a = np.repeat(rng.integers(-8, 9, (rows, 1)) / 2.0, n, axis=1)
        some = rng.random(rows) < 0.5
        a[some] = (s * g)[some]
    elif kind == "outlier":
        a = s * g
        a[np.arange(rows), rng.integers(0, n, rows)] *= 2.0 ** rng.integers(4, 10, rows)
    elif kind == "large_mean":              # |mean| / std about 1e4: the naive variance breaks
        s = max(s, 2.0 ** -4)               # (a variance well above eps, so that it matters)
        a = s * (rng.uniform(9000, 16000, (rows, 1)) * rng.choice([-1, 1], (rows, 1)) + g)
        if dtype == "float16":
            a = np.clip(a, -hi, hi)
    else:
        a = s * rng.uniform(-1, 1, (rows, n)) + mu
    a = _clean(a, hi).reshape(shape)
    t = DTYPES[dtype]
    x = torch.from_numpy(a.astype(np.float32)).to(t)
    w = b = None
    if weight:
        w = torch.from_numpy((1 + 0.5 * rng.standard_normal(n)).astype(np.float32)).to(t)
    if bias:
        b = torch.from_numpy((0.5 * rng.standard_normal(n)).astype(np.float32)).to(t)
    return x, w, b


class NormCase:
    """A drawn input of layer_norm / rms_norm; prints as the call that rebuilds it."""

    def __init__(self, shape, dtype, kind, seed, log2_scale=0, log10_ratio=1, weight=False,
                 bias=False, eps=None, tensors=None):
        self.shape, self.dtype, self.kind, self.seed = tuple(shape), dtype, kind, seed
        self.log2_scale, self.log10_ratio = log2_scale, log10_ratio
        self.has_weight, self.has_bias, self.eps = weight, bias, eps
        if tensors is None:
            tensors = make_norm_input(self.shape, dtype, kind, seed, log2_scale, log10_ratio,
                                      weight, bias)
        self.x, self.weight, self.bias = tensors

    def __repr__(self):
        if self.kind == "explicit":
            return (f"NormCase(x = {show(f64(self.x))} of shape {list(self.x.shape)} "
                    f"({self.dtype}), weight = {f64list(self.weight)}, bias = "
                    f"{f64list(self.bias)}, eps = {self.eps})")
        head = (f"norms_strategies.make_norm_input(shape={self.shape}, dtype={self.dtype!r}, "
                f"kind={self.kind!r}, seed={self.seed}, log2_scale={self.log2_scale}, "
                f"log10_ratio={self.log10_ratio}, weight={self.has_weight}, "
                f"bias={self.has_bias}), eps={self.eps}")
        if self.x.numel() <= 16:
            head += f"  # x = {show(f64(self.x), 16)}"
        return head


def f64(t):
    return t.to(torch.float64).numpy()


def f64list(t):
    return None if t is None else show(f64(t))


def explicit_norm(x, dtype="float32", weight=None, bias=None, eps=None) -> NormCase:
    t = DTYPES[dtype]
    conv = lambda v: None if v is None else torch.tensor(v, dtype=torch.float32).to(t)
    return NormCase(np.shape(x), dtype, "explicit", 0, eps=eps,
                    tensors=(conv(x), conv(weight), conv(bias)))


EPS_CHOICES = [None, None, 1e-6, 1e-5, 1e-3, 0.1]


@st.composite
def norm_cases(draw, dtypes=tuple(DTYPES), kinds=tuple(NORM_KINDS), max_n=256, max_rows=6,
               min_n=1, bias=True, min_log2_scale=None):
    dtype = draw(st.sampled_from(list(dtypes)))
    # the kinds where a wrong statistic shows most are drawn twice as often
    kind = draw(st.sampled_from(list(kinds) + [k for k in ("offset", "large_mean", "tiny_var")
                                               if k in kinds]))
    n = draw(st.one_of(st.integers(min_n, max_n), st.sampled_from([min_n, max_n])))
    lead = draw(st.sampled_from([s for s in [(), (1,), (3,), (2, 2), (max_rows,)]
                                 if int(np.prod(s, dtype=np.int64)) <= max_rows]))
    lo, hi = (-12, 12) if dtype != "float16" else (-8, 6)
    if min_log2_scale is not None:
        lo = min(max(lo, min_log2_scale), hi)
    log2_scale = draw(st.integers(lo, hi))
    log10_ratio = draw(st.integers(0, 3))
    has_w = draw(st.booleans())
    has_b = bias and draw(st.booleans())
    eps = draw(st.sampled_from(EPS_CHOICES))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return NormCase(lead + (n,), dtype, kind, seed, log2_scale, log10_ratio, has_w, has_b, eps)
