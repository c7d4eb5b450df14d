"""Inputs and independent checks for the int8_quant grader tests.

Nothing here calls your code or the reference. The checks follow the contract literally: every
quantity the statement defines as one float32 operation (absmax / 127, hi - lo, (hi - lo) / 255,
-lo / scale, w / scale) is computed here as that one IEEE float32 operation, which is correctly
rounded whatever library does it (NumPy, torch, a Python loop over np.float32 scalars), so the
expected scales, zero points and codes are exact. Error bounds and metrics are computed in float64
(every float32 value, and every product of a float32 by an integer of at most 9 bits, is exact
in float64).

Tolerances (u = 2**-24, the unit roundoff of float32):

* error bound of a quantization, for every element that was not clipped:
      |w - (code - zero) * scale| <= scale * (1/2 + 2**-12)
  rint adds at most 1/2; the float32 quotient w / scale (|w / scale| <= 256) is off by at most
  256u; at the ends of the asymmetric range the zero point's own rounding (256u) and the two
  roundings inside scale (2 * 255u) can add to that; the float32 product of dequantization adds
  at most 255u. In all at most 1277u < 2**-12 = 4096u, in units of the scale.
* percentile_clip: within 2**-21 * b of the exact linear interpolation, where b is the larger
  of the two sorted |w| values it interpolates between (a few float32 roundings of b).
* mse: relative 2**-20; sqnr_db: 1e-5 dB absolute; max_abs_error: relative 2**-23. Computing
  the differences in float32 costs at most u (relative) per difference (2u per square); the
  float64 sums of at most 2**16 terms cost at most 2**-37. Accumulating squares in float32 is
  NOT enough: squares of |w| near 2**60 overflow float32.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe_worst

F32 = np.float32
BOUND_SLACK = 2.0 ** -12     # error bound: scale * (1/2 + BOUND_SLACK)
PCT_TOL = 2.0 ** -21         # percentile_clip: |got - exact| <= PCT_TOL * b
MSE_TOL = 2.0 ** -20         # relative
MAX_ABS_TOL = 2.0 ** -23     # relative
SQNR_TOL_DB = 1e-5           # absolute, in dB

GRANULARITIES = ("tensor", "channel", "group")


def _fmt(v):
    return f"{float(v):.9g}"


# --------------------------------------------------------------------------------- blocks

def blocks_of(w, granularity, group_size):
    """w (float32, 2-D) as blocks [a, b, n]: one scale per [i, j]."""
    rows, cols = w.shape
    if granularity == "tensor":
        return w.reshape(1, 1, rows * cols)
    if granularity == "channel":
        return w.reshape(rows, 1, cols)
    return w.reshape(rows, cols // group_size, group_size)


def scale_shape(shape, granularity, group_size):
    rows, cols = shape
    return {"tensor": (1, 1), "channel": (rows, 1)}.get(granularity,
                                                        (rows, cols // (group_size or 1)))


def block_name(granularity, i, j, group_size):
    if granularity == "tensor":
        return "the tensor"
    if granularity == "channel":
        return f"row {i}"
    return f"row {i}, group {j} (columns {j * group_size}..{(j + 1) * group_size - 1})"


def show_block(b, limit=8):
    body = ", ".join(_fmt(v) for v in b.reshape(-1)[:limit])
    return f"[{body}{', ...' if b.size > limit else ''}]"


def block_index(granularity, shape, group_size, r, c):
    """Which block [i, j] and which position k in it element [r, c] of w is."""
    rows, cols = shape
    if granularity == "tensor":
        return 0, 0, r * cols + c
    if granularity == "channel":
        return r, 0, c
    return r, c // group_size, c % group_size


# ------------------------------------------------------------------------- expected values

def expected_sym_scale(b):
    """float32(absmax) / float32(127), 1.0 for an all-zero block: a float32 array [a, b]."""
    absmax = np.abs(b).max(axis=-1).astype(F32)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (absmax / F32(127)).astype(F32)
    return np.where(absmax == 0, F32(1.0), s).astype(F32)


def asym_range(b):
    lo = np.minimum(b.min(axis=-1), F32(0)).astype(F32)
    hi = np.maximum(b.max(axis=-1), F32(0)).astype(F32)
    return lo, hi


def expected_asym_scale(b):
    lo, hi = asym_range(b)
    rng = (hi - lo).astype(F32)
    s = (rng / F32(255)).astype(F32)
    return np.where(rng == 0, F32(1.0), s).astype(F32)


def f32_quotient(num, den):
    """The float32 quotient num / den, correctly rounded (IEEE)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        return (np.asarray(num, F32) / np.asarray(den, F32)).astype(F32)


# ------------------------------------------------------------------------------- type checks

def check_array(name, a, dtype, shape):
    assert isinstance(a, np.ndarray), (
        f"{name} must be a numpy ndarray, got {type(a).__name__}")
    assert a.dtype == dtype, f"{name} must have dtype {np.dtype(dtype).name}, got {a.dtype}"
    assert tuple(a.shape) == tuple(shape), (
        f"{name} must have shape {tuple(shape)}, got {tuple(a.shape)}")


def check_result(call, result, w, granularity, group_size, symmetric):
    """Types, dtypes and shapes of a quantize_* result; returns its arrays."""
    n = 2 if symmetric else 3
    what = "(codes, scale)" if symmetric else "(codes, scale, zero_point)"
    assert isinstance(result, tuple) and len(result) == n, (
        f"{call} must return a tuple {what}, got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
    sshape = scale_shape(w.shape, granularity, group_size)
    check_array(f"{call}: codes", result[0], np.int8 if symmetric else np.uint8, w.shape)
    check_array(f"{call}: scale", result[1], np.float32, sshape)
    if not symmetric:
        check_array(f"{call}: zero_point", result[2], np.uint8, sshape)
    return result


# ---------------------------------------------------------------------------- value checks

def check_scale(call, b, scale, want, formula, granularity, group_size):
    bad = ~(scale == want)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        zero_block = not np.any(b[i, j])
        hint = ("an all-zero block must get scale 1.0" if zero_block else
                f"expected {formula} = {_fmt(want[i, j])} (one float32 division, exact)")
        raise AssertionError(
            f"{call}: scale[{i}, {j}] = {_fmt(scale[i, j])} for "
            f"{block_name(granularity, i, j, group_size)}: {hint}; block = {show_block(b[i, j])}")


def _code_hint(quot, got_q, want_q):
    """Why a code is wrong, from the float32 quotient and the codes (offsets removed)."""
    frac = float(quot) - math.floor(float(quot))
    if frac == 0.5:
        return (f"the float32 quotient is exactly {_fmt(quot)}, a tie: round half to even gives "
                f"{want_q}")
    return ""


def check_sym_codes(call, w, b, codes, scale, granularity, group_size, clip=None):
    """codes == clip(rint(float32(wc / scale)), -127, 127), wc = w clipped to +-float32(clip)."""
    wc = b if clip is None else np.clip(b, -F32(clip), F32(clip))
    quot = f32_quotient(wc, scale[..., None])
    want = np.clip(np.rint(quot), -127, 127).astype(np.int64)
    got = blocks_of(codes.astype(np.int64), granularity, group_size)
    bad = got != want
    if bad.any():
        i, j, k = np.argwhere(bad)[0]
        idx = blocks_of(np.arange(w.size).reshape(w.shape), granularity, group_size)[i, j, k]
        r, c = np.unravel_index(idx, w.shape)
        hint = _code_hint(quot[i, j, k], got[i, j, k], want[i, j, k])
        if np.rint(float(wc[i, j, k]) / float(scale[i, j])) == got[i, j, k]:
            hint = (hint + "; " if hint else "") + (
                "your code is the rounding of the float64 quotient; the contract rounds the "
                "float32 quotient w / scale")
        clipped = "" if clip is None else f" (w clipped to +-{_fmt(F32(clip))}: {_fmt(wc[i, j, k])})"
        raise AssertionError(
            f"{call}: codes[{r}, {c}] = {got[i, j, k]} for w = {_fmt(b[i, j, k])}{clipped}, "
            f"scale = {_fmt(scale[i, j])}: expected clip(rint(w / scale), -127, 127) with "
            f"w / scale = {_fmt(quot[i, j, k])} (float32) -> {want[i, j, k]}"
            + (f"; {hint}" if hint else "") + f". Block: {block_name(granularity, i, j, group_size)}")


def check_zero_point(call, b, scale, zero, granularity, group_size):
    lo, _ = asym_range(b)
    quot = f32_quotient(-lo, scale)
    want = np.clip(np.rint(quot), 0, 255).astype(np.int64)
    got = zero.astype(np.int64)
    bad = got != want
    if bad.any():
        i, j = np.argwhere(bad)[0]
        hint = _code_hint(quot[i, j], got[i, j], want[i, j])
        raise AssertionError(
            f"{call}: zero_point[{i}, {j}] = {got[i, j]} for "
            f"{block_name(granularity, i, j, group_size)}: expected clip(rint(-lo / scale), 0, "
            f"255) with lo = min(0, min(block)) = {_fmt(lo[i, j])}, -lo / scale = "
            f"{_fmt(quot[i, j])} (float32) -> {want[i, j]}" + (f"; {hint}" if hint else "")
            + f"; block = {show_block(b[i, j])}")


def check_asym_codes(call, w, b, codes, scale, zero, granularity, group_size):
    quot = f32_quotient(b, scale[..., None])
    q = np.rint(quot).astype(np.int64)
    raw = q + zero.astype(np.int64)[..., None]
    want = np.clip(raw, 0, 255)
    got = blocks_of(codes.astype(np.int64), granularity, group_size)
    bad = got != want
    if bad.any():
        i, j, k = np.argwhere(bad)[0]
        idx = blocks_of(np.arange(w.size).reshape(w.shape), granularity, group_size)[i, j, k]
        r, c = np.unravel_index(idx, w.shape)
        hint = _code_hint(quot[i, j, k], got[i, j, k], q[i, j, k])
        if np.rint(float(b[i, j, k]) / float(scale[i, j])) + int(zero[i, j]) == got[i, j, k]:
            hint = (hint + "; " if hint else "") + (
                "your code is the rounding of the float64 quotient; the contract rounds the "
                "float32 quotient w / scale")
        if raw[i, j, k] > 255:
            hint = (f"rint(w / scale) + zero_point = {raw[i, j, k]} is above 255: clip it to "
                    f"255 (a uint8 cast alone wraps it to {raw[i, j, k] % 256})")
        raise AssertionError(
            f"{call}: codes[{r}, {c}] = {got[i, j, k]} for w = {_fmt(b[i, j, k])}, scale = "
            f"{_fmt(scale[i, j])}, zero_point = {zero[i, j]}: expected clip(rint(w / scale) + "
            f"zero_point, 0, 255) with w / scale = {_fmt(quot[i, j, k])} (float32) -> "
            f"{want[i, j, k]}" + (f"; {hint}" if hint else "")
            + f". Block: {block_name(granularity, i, j, group_size)}")


def check_symmetric(call, result, w, granularity, group_size, clip=None):
    """Every check of a quantize_symmetric result (types first, then values)."""
    codes, scale = check_result(call, result, w, granularity, group_size, True)
    b = blocks_of(w, granularity, group_size)
    bc = b if clip is None else np.clip(b, -F32(clip), F32(clip))
    formula = "float32(absmax) / 127" if clip is None else \
        "float32(absmax of the clipped block) / 127"
    check_scale(call, b, scale, expected_sym_scale(bc), formula, granularity, group_size)
    check_sym_codes(call, w, b, codes, scale, granularity, group_size, clip)
    return codes, scale


def check_asymmetric(call, result, w, granularity, group_size):
    codes, scale, zero = check_result(call, result, w, granularity, group_size, False)
    b = blocks_of(w, granularity, group_size)
    check_scale(call, b, scale, expected_asym_scale(b), "float32(hi - lo) / 255",
                granularity, group_size)
    check_zero_point(call, b, scale, zero, granularity, group_size)
    check_asym_codes(call, w, b, codes, scale, zero, granularity, group_size)
    return codes, scale, zero


def dequantized64(codes, scale, zero, granularity, group_size):
    """(code - zero) * scale exactly, in float64, as blocks [a, b, n]."""
    q = blocks_of(codes.astype(np.int64), granularity, group_size)
    if zero is not None:
        q = q - zero.astype(np.int64)[..., None]
    return q.astype(np.float64) * scale.astype(np.float64)[..., None]


def check_error_bound(call, w, codes, scale, zero, granularity, group_size, label, clip=None):
    """|w - (code - zero) * scale| <= scale * (1/2 + 2**-12) for every unclipped element."""
    b = blocks_of(w, granularity, group_size).astype(np.float64)
    deq = dequantized64(codes, scale, zero, granularity, group_size)
    err = np.abs(b - deq)
    bound = np.broadcast_to((scale.astype(np.float64) * (0.5 + BOUND_SLACK))[..., None], b.shape)
    among = np.ones(b.shape, bool) if clip is None else (np.abs(b) <= float(F32(clip)))
    bad = among & ~(err <= bound)
    observe_worst(err, bound, bad, label, among=among)
    if bad.any():
        i, j, k = np.argwhere(bad)[0]
        raise AssertionError(
            f"{call}: an element w = {_fmt(b[i, j, k])} dequantizes to {_fmt(deq[i, j, k])}, "
            f"error {_fmt(err[i, j, k])} > scale * (1/2 + 2**-12) = {_fmt(bound[i, j, k])} "
            f"(scale = {_fmt(scale[i, j])}); {block_name(granularity, i, j, group_size)}")


# ---------------------------------------------------------------------------- weight inputs

KINDS = ["gauss", "uniform", "positive", "negative", "outlier_row", "outlier_col", "rowscale",
         "sparse", "near_ties", "exact_ties", "constant", "ints"]
SPECIALS = ["zero", "neg_zero", "constant", "one_hot", "huge_outlier"]


def _fill_ties(rng, blocks, symmetric, exact):
    """Make many elements of every block sit on (exact) or next to (near) a rounding tie."""
    a, nb, n = blocks.shape
    for i in range(a):
        for j in range(nb):
            blk = blocks[i, j]
            if exact:
                # a power-of-two scale: multiples of scale/2 are exact float32 ties
                e = 2.0 ** (int(np.floor(np.log2(max(float(np.abs(blk).max()), 2.0 ** -60)))) - 7)
                if symmetric:
                    k = rng.integers(-253, 254, size=n) / 2.0
                    k[rng.integers(n)] = 127.0 * rng.choice([-1.0, 1.0])
                else:
                    L = rng.integers(0, 511) / 2.0               # zero point L (maybe a tie)
                    k = -L + rng.integers(0, 511, size=n) / 2.0
                    if n >= 2:
                        p1, p2 = rng.choice(n, size=2, replace=False)
                        k[p1], k[p2] = -L, 255.0 - L
                blocks[i, j] = (k * e).astype(F32)
            else:
                s = (expected_sym_scale if symmetric else expected_asym_scale)(
                    blk[None, None, :])[0, 0]
                lo, hi = asym_range(blk[None, None, :])
                m = rng.random(n) < 0.6
                k = rng.integers(-127, 127, size=n) + 0.5
                cand = (k * np.float64(s)).astype(F32)
                if symmetric:
                    ok = np.abs(cand) < np.abs(blk).max()
                else:
                    ok = (cand > lo[0, 0]) & (cand < hi[0, 0])
                blk[m & ok] = cand[m & ok]


def make_weight(rows, cols, granularity, group_size, kind, seed, log2_mag, specials=(),
                symmetric=True):
    """A float32 weight (rows, cols), reproducibly from the arguments."""
    rng = np.random.default_rng(seed)
    shape = (rows, cols)
    if kind in ("gauss", "near_ties", "exact_ties"):
        a = rng.standard_normal(shape)
    elif kind == "uniform":
        a = rng.uniform(-1, 1, shape)
    elif kind == "positive":
        a = np.abs(rng.standard_normal(shape))
    elif kind == "negative":
        a = -np.abs(rng.standard_normal(shape))
    elif kind == "outlier_row":
        a = rng.standard_normal(shape)
        a[rng.integers(rows)] *= 100.0
    elif kind == "outlier_col":
        a = rng.standard_normal(shape)
        a[:, rng.integers(cols)] *= 2.0 ** int(rng.integers(4, 11))
    elif kind == "rowscale":
        a = rng.standard_normal(shape) * 2.0 ** rng.integers(-12, 13, size=(rows, 1))
    elif kind == "sparse":
        a = rng.standard_normal(shape) * (rng.random(shape) < 0.15)
    elif kind == "constant":
        a = np.full(shape, rng.standard_normal())
    elif kind == "ints":
        a = rng.integers(-128, 128, size=shape).astype(np.float64)
    else:
        raise ValueError(kind)
    a = a * 2.0 ** log2_mag
    for (r, c, what) in specials:
        r = r % rows
        if what == "zero":
            a[r] = 0.0
        elif what == "neg_zero":
            a[r] = -0.0
            a[r, ::3] = 0.0
        elif what == "constant":
            a[r] = a[r, 0] if a[r, 0] != 0 else 2.0 ** log2_mag
        elif what == "one_hot":
            v = a[r, 0] if a[r, 0] != 0 else -(2.0 ** log2_mag)
            a[r] = 0.0
            a[r, c % cols] = v
        elif what == "huge_outlier":
            a[r, c % cols] = 2.0 ** (log2_mag + 12) * rng.choice([-1.0, 1.0])
    # nonzero magnitudes stay in [2**-60, 2**60] (the contract's range)
    a = np.where(np.abs(a) < 2.0 ** -60, 0.0, np.clip(a, -2.0 ** 60, 2.0 ** 60))
    w = a.astype(F32)
    if kind in ("near_ties", "exact_ties"):
        b = blocks_of(w, granularity, group_size).copy()
        _fill_ties(rng, b, symmetric, exact=(kind == "exact_ties"))
        w = b.reshape(shape).astype(F32)
        w = np.where(np.abs(w) < F32(2.0 ** -60), F32(0), w).astype(F32)
    return w


class WeightCase:
    """A drawn weight; ``WeightCase(...).w`` rebuilds it. (A plain class: hypothesis prints
    its __repr__.)"""

    def __init__(self, rows, cols, granularity, group_size, kind, seed, log2_mag=0,
                 specials=(), symmetric=True, w=None):
        self.rows, self.cols, self.granularity = rows, cols, granularity
        self.group_size = group_size
        self.kind, self.seed, self.log2_mag = kind, seed, log2_mag
        self.specials, self.symmetric = tuple(specials), symmetric
        if w is None:
            w = make_weight(rows, cols, granularity, group_size, kind, seed, log2_mag,
                            self.specials, symmetric)
        self.w = np.asarray(w, dtype=F32)

    def __repr__(self):
        if self.kind == "explicit":
            return (f"WeightCase(w={self.w.tolist()}, granularity={self.granularity!r}, "
                    f"group_size={self.group_size})")
        head = (f"WeightCase(rows={self.rows}, cols={self.cols}, "
                f"granularity={self.granularity!r}, group_size={self.group_size}, "
                f"kind={self.kind!r}, seed={self.seed}, log2_mag={self.log2_mag}, "
                f"specials={self.specials!r}, symmetric={self.symmetric})")
        if self.w.size <= 24:
            head += f"\n  # w = {self.w.tolist()}"
        return head


def explicit(w, granularity="tensor", group_size=None):
    w = np.asarray(w, dtype=F32)
    return WeightCase(w.shape[0], w.shape[1], granularity, group_size, "explicit", 0, w=w)


# ties and near-ties are where correct and almost-correct quantizers differ: draw them more often
TIE_HEAVY = tuple(KINDS) + ("near_ties", "exact_ties") * 3


@st.composite
def weight_cases(draw, granularities=GRANULARITIES, kinds=TIE_HEAVY, symmetric=True,
                 mag=(-40, 40), max_rows=8):
    granularity = draw(st.sampled_from(list(granularities)))
    group_size = None
    if granularity == "group":
        group_size = draw(st.one_of(st.sampled_from([1, 2, 3, 4, 8, 16, 32, 64, 128]),
                                    st.integers(1, 64)))
        n_groups = draw(st.integers(1, max(1, min(8, 256 // group_size))))
        cols = group_size * n_groups
    else:
        cols = draw(st.one_of(st.sampled_from([1, 2, 7, 64, 256]), st.integers(1, 256)))
    rows = draw(st.integers(1, max_rows))
    kind = draw(st.sampled_from(list(kinds)))
    log2_mag = draw(st.integers(*mag))
    specials = tuple(draw(st.lists(
        st.tuples(st.integers(0, 15), st.integers(0, 255), st.sampled_from(SPECIALS)),
        max_size=2)))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return WeightCase(rows, cols, granularity, group_size, kind, seed, log2_mag, specials,
                      symmetric)


def call_text(fn, case, extra=""):
    g = f"granularity={case.granularity!r}"
    if case.granularity == "group":
        g += f", group_size={case.group_size}"
    return f"{fn}(w of shape {case.w.shape}, {g}{extra})"


def quantize(sub, fn, case, **kw):
    """Calls sub.<fn> with the case's granularity (group_size only for 'group')."""
    args = [case.w, case.granularity]
    if case.granularity == "group":
        args.append(case.group_size)
    return getattr(sub, fn)(*args, **kw)


# ------------------------------------------------------------------------ percentile oracle

def exact_percentile(w, p):
    """numpy's linear percentile of |w|, exactly (a Fraction), and b (the upper neighbour)."""
    a = sorted(abs(float(x)) for x in np.asarray(w, F32).ravel())
    n = len(a)
    h = Fraction(p) * (n - 1) / 100
    i = math.floor(h)
    if i >= n - 1:
        return Fraction(a[-1]), a[-1]
    t = h - i
    return Fraction(a[i]) + t * (Fraction(a[i + 1]) - Fraction(a[i])), a[i + 1]


# --------------------------------------------------------------------------- metric oracles

def exact_metrics(w, w_hat):
    """(mse, max_abs_error, noise, signal), to within relative 2**-50.

    Each difference of two float32 values is exact in float64 (unless one is below 2**-29 of
    the other, where it is off by 2**-53 relative); each square rounds once (2**-53) and
    math.fsum adds the rounded squares exactly, so all four are far inside the tolerances."""
    d = (np.asarray(w, np.float64) - np.asarray(w_hat, np.float64)).ravel()
    a = np.asarray(w, np.float64).ravel()
    noise = math.fsum((d * d).tolist())
    signal = math.fsum((a * a).tolist())
    return noise / d.size, float(np.max(np.abs(d))), noise, signal


def exact_sqnr(noise, signal):
    if noise == 0:
        return math.inf
    if signal == 0:
        return -math.inf
    return 10.0 * math.log10(signal / noise)
