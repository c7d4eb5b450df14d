"""Inputs, oracles and checks for the stochastic_rounding grader tests.

Nothing here calls your code or the reference. The oracles are written from the contract's
exact definition, from the VALUE of x, not from its bit pattern. For a finite x,
e = max(floor(log2|x|), -126) and one BF16 ulp is 2**(e - 7) (2**-133 for subnormals and zero);
n = |x| * 2**(23 - e) is an integer below 2**24 (exact in a double: ldexp), and k = n // 65536,
d = n % 65536 give |x| = (k + d / 65536) ulp. The two BF16 neighbours are k ulp (towards zero)
and (k + 1) ulp (away from zero; 2**128 is inf), with x's sign.

* round to nearest even: up when d > 0x8000, or d == 0x8000 and k is odd. This is identical,
  on every one of 458,752 patterns (every upper half with the edges of the low half), to torch's
  and ml_dtypes' float32 -> bfloat16 conversions (those two agree on all 2**32 float32
  patterns); the hidden tests compare with ml_dtypes' too (``library_rne``);
* stochastic rounding: up exactly when r < d. The unbiasedness check sums the results with
  ``fractions.Fraction`` (exact rationals) and compares with 65536 x.

The same d is the low 16 bits of x's float32 pattern: that is what the statement calls d.
There are no tolerances: every answer is compared bit for bit (NaN with any NaN, the sign of
zero included).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe, observe_worst

BF16_MAX = float.fromhex("0x1.fe00000000000p+127")     # (2 - 2**-7) * 2**127, pattern 0x7F7F
F32_MAX = float(np.finfo(np.float32).max)
ALL_R = np.arange(65536, dtype=np.uint16)


# ---------------------------------------------------------------------------------- patterns

def f32(bits) -> np.ndarray:
    """uint32 patterns (any int sequence) -> float32 array."""
    return np.asarray(bits, dtype=np.uint64).astype(np.uint32).view(np.float32)


def bits_of(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def bits1(v) -> int:
    return int(np.array([v], dtype=np.float32).view(np.uint32)[0])


def show(v) -> str:
    """'1.0078125 (0x3f810000)' for a float32 value."""
    f = np.float32(v)
    return f"{float(f)!r} ({bits1(f):#010x})"


def show_want(v) -> str:
    """An expected value: any NaN pattern is accepted for a NaN."""
    return "a NaN (any NaN pattern)" if np.isnan(v) else show(v)


def is_nan_bits(b: int) -> bool:
    return (b & 0x7FFFFFFF) > 0x7F800000


# ------------------------------------------------------------------------------------- oracles

def split(x: float):
    """For a finite float32 value x: (sign, lo, hi, d, ulp) with |x| = lo + d/65536 * ulp, lo and
    hi the BF16 neighbours of |x| towards and away from zero (Fractions; hi may be 2**128)."""
    a = Fraction(abs(x))
    sign = -1.0 if math.copysign(1.0, x) < 0 else 1.0
    if a == 0:
        return sign, Fraction(0), Fraction(2) ** -133, 0, Fraction(2) ** -133
    e = max(math.frexp(abs(x))[1] - 1, -126)
    ulp = Fraction(2) ** (e - 7)
    q = a / ulp
    k = math.floor(q)
    d = (q - k) * 65536
    assert d.denominator == 1, "x is not a float32 value"
    return sign, k * ulp, (k + 1) * ulp, int(d), ulp


def signed(sign: float, mag: Fraction) -> float:
    if mag >= 2 ** 128:
        return sign * math.inf
    return math.copysign(float(mag), sign)


def quanta(x: float):
    """For a finite float32 value x: (sign, k, d, e) with |x| = (k + d / 65536) * 2**(e - 7),
    e = max(floor(log2|x|), -126), k and d integers (0 <= d < 65536). Exact: |x| * 2**(23 - e) is
    an integer below 2**24, so ldexp computes it without rounding."""
    sign = -1.0 if math.copysign(1.0, x) < 0 else 1.0
    if x == 0:
        return sign, 0, 0, -126
    e = max(math.frexp(abs(x))[1] - 1, -126)
    n = math.ldexp(abs(x), 23 - e)
    assert n == int(n), "x is not a float32 value"
    n = int(n)
    return sign, n >> 16, n & 0xFFFF, e


def _value(sign: float, k: int, e: int) -> float:
    """sign * k * 2**(e - 7), inf past 2**128."""
    mag = math.ldexp(k, e - 7)
    return sign * math.inf if mag >= 2.0 ** 128 else math.copysign(mag, sign)


def sr_oracle_value(x: float, r: int) -> float:
    """round_bf16_sr of one float32 value with one random uint16 (NaN for NaN)."""
    if math.isnan(x) or math.isinf(x):
        return x
    sign, k, d, e = quanta(x)
    return _value(sign, k + (r < d), e)


def rne_rational(x: float) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    sign, k, d, e = quanta(x)
    up = d > 0x8000 or (d == 0x8000 and k % 2 == 1)
    return _value(sign, k + up, e)


def rne_oracle(x: np.ndarray) -> np.ndarray:
    """Round to nearest even, elementwise, with the exact rounding above."""
    out = [rne_rational(v) for v in np.asarray(x, dtype=np.float32).reshape(-1).tolist()]
    return np.array(out, dtype=np.float32).reshape(np.shape(x))


def library_rne(x: np.ndarray) -> np.ndarray:
    """Round to nearest even by ml_dtypes' own float32 -> bfloat16 conversion (imported here,
    where it is used: the public tests do not need it)."""
    import ml_dtypes

    with np.errstate(invalid="ignore"):  # NaN patterns convert to a NaN, as they should
        return np.array(x, dtype=np.float32).astype(ml_dtypes.bfloat16).astype(np.float32)


def sr_oracle(x: np.ndarray, r: np.ndarray) -> np.ndarray:
    out = [sr_oracle_value(xv, rv) for xv, rv in zip(x.reshape(-1).tolist(), r.reshape(-1).tolist())]
    return np.array(out, dtype=np.float32).reshape(x.shape)


def d_of(x: float) -> int:
    """The discarded bits as the statement defines them (0 for inf and NaN)."""
    if not math.isfinite(x):
        return 0
    return quanta(x)[2]


# ------------------------------------------------------------------------------- array inputs

LOW_SPECIAL = np.array([0, 1, 2, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF], dtype=np.uint64)
TOP_UPPER = np.array([0x7F7E, 0x7F7F, 0x7F80, 0x7F81, 0x7FBF, 0x7FC0, 0x7FFF], dtype=np.uint64)
KINDS = ["mixed", "wide", "unit", "ties", "exact", "subnormal", "top", "any"]
SHAPES = [(1,), (5,), (64,), (3, 7), (2, 3, 4), (0,), (2, 0), (1, 1), (33,)]


def _upper15(rng, kind, n):
    """The exponent and fraction bits of the BF16 part (15 bits), by kind."""
    if kind == "unit":
        return rng.integers(0x3F00, 0x4100, size=n, dtype=np.uint64)        # 0.5 .. 8
    if kind == "subnormal":
        return rng.integers(0, 0x0082, size=n, dtype=np.uint64)             # to 2**-126 and past
    if kind == "top":
        return np.where(rng.random(n) < 0.5, rng.choice(TOP_UPPER, size=n),
                        rng.integers(0x7F70, 0x8000, size=n, dtype=np.uint64))
    return rng.integers(0, 0x7F80, size=n, dtype=np.uint64)                 # finite


def _low16(rng, kind, n):
    if kind == "ties":
        return rng.choice(np.array([0x8000, 0x8000, 0x7FFF, 0x8001], dtype=np.uint64), size=n)
    if kind == "exact":
        return np.zeros(n, dtype=np.uint64)
    return np.where(rng.random(n) < 0.4, rng.choice(LOW_SPECIAL, size=n),
                    rng.integers(0, 0x10000, size=n, dtype=np.uint64))


# Whole patterns worth meeting in any drawn array: NaNs with the payload in either half (and
# one whose rounding up would carry into the sign), ±inf, ±0, ties of both parities (normal,
# subnormal, negative), the smallest subnormal, BF16 max and the overflow edge.
SPECIAL_PATTERNS = np.array([
    0x7F800001, 0x7FFFFFFF, 0xFF800100, 0x7FC00000, 0x7F80FFFF, 0x7F800000, 0xFF800000,
    0x00000000, 0x80000000, 0x3F808000, 0x3F818000, 0xBF808000, 0xC0418000, 0x00018000,
    0x00008000, 0x80000001, 0x7F7F0000, 0x7F7F8000, 0x7F7F7FFF, 0x7F7FFFFF, 0xFF7F8001,
], dtype=np.uint64)


def make_patterns(seed: int, shape: tuple, kind: str) -> np.ndarray:
    """Patterns of one kind; in every array of 4 or more elements (and in half the smaller ones),
    about one element in eight (at least one) is replaced by a pattern of SPECIAL_PATTERNS."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if kind == "any":
        flat = rng.integers(0, 2 ** 32, size=n, dtype=np.uint64)
    elif kind == "mixed":
        parts = [make_patterns(seed + 1 + i, (n,), k) for i, k in enumerate(KINDS[1:-1])]
        pick = rng.integers(0, len(parts), size=n)
        flat = np.choose(pick, parts) if n else np.zeros(0, dtype=np.uint64)
    else:
        sign = rng.integers(0, 2, size=n, dtype=np.uint64) << np.uint64(31)
        flat = sign | (_upper15(rng, kind, n) << np.uint64(16)) | _low16(rng, kind, n)
    if n and kind not in ("ties", "exact") and (n >= 4 or rng.random() < 0.5):
        where = rng.choice(n, size=max(1, n // 8), replace=False)
        flat[where] = rng.choice(SPECIAL_PATTERNS, size=where.size)
    return flat.reshape(shape)


def make_random_bits(seed: int, patterns: np.ndarray) -> np.ndarray:
    """r per element: 0, 0xFFFF, 0x8000, d - 1, d, d + 1 (the edges of r < d) or uniform."""
    rng = np.random.default_rng(seed ^ 0x5EED)
    d = (patterns & np.uint64(0xFFFF)).astype(np.int64).reshape(-1)
    n = d.size
    choice = rng.integers(0, 8, size=n)
    uniform = rng.integers(0, 0x10000, size=n)
    r = np.select([choice == 0, choice == 1, choice == 2, choice == 3, choice == 4, choice == 5],
                  [0, 0xFFFF, 0x8000, d - 1, d, d + 1], uniform)
    return np.clip(r, 0, 0xFFFF).astype(np.uint16).reshape(patterns.shape)


class Bf16Case:
    """A drawn input: x (float32) and r (uint16) of the same shape.

    Rebuild it with ``Bf16Case(seed=..., shape=..., kind=...)`` (sr_strategies.py ships with the
    public tests), or ``Bf16Case.of(bits=[...], r=[...])`` for an explicit one; ``.x`` and ``.r``
    are the arrays the grader passed. (A plain class, so hypothesis prints its repr.)
    """

    def __init__(self, seed=0, shape=(1,), kind="mixed", bits=None, r=None):
        self.seed, self.shape, self.kind = seed, tuple(shape), kind
        if bits is None:
            self.patterns = make_patterns(seed, self.shape, kind)
        else:
            self.patterns = np.asarray(bits, dtype=np.uint64).reshape(self.shape)
        self.x = f32(self.patterns.reshape(-1)).reshape(self.shape)
        if r is None:
            self.r = make_random_bits(seed, self.patterns)
        else:
            self.r = np.asarray(r, dtype=np.uint16).reshape(self.shape)
        self.explicit = bits is not None
        self.r_given = r is not None

    @classmethod
    def of(cls, bits, r=None):
        bits = list(bits)
        if r is not None and not isinstance(r, (list, tuple)):
            r = [r] * len(bits)
        return cls(shape=(len(bits),), kind="explicit", bits=bits, r=r)

    def __repr__(self):
        if self.explicit:
            b = ", ".join(f"{int(v):#010x}" for v in self.patterns.reshape(-1))
            if not self.r_given:
                return f"Bf16Case.of(bits=[{b}])"
            r = ", ".join(f"{int(v):#06x}" for v in self.r.reshape(-1))
            return f"Bf16Case.of(bits=[{b}], r=[{r}])"
        return f"Bf16Case(seed={self.seed}, shape={self.shape}, kind={self.kind!r})"


@st.composite
def bf16_cases(draw, kinds=KINDS):
    return Bf16Case(seed=draw(st.integers(0, 2 ** 32 - 1), label="seed"),
                    shape=draw(st.sampled_from(SHAPES), label="shape"),
                    kind=draw(st.sampled_from(kinds), label="kind"))


# ------------------------------------------------------------------ single float32 patterns

UPPER_EDGES = [0x0000, 0x0001, 0x007F, 0x0080, 0x0081, 0x3F80, 0x3F7F, 0x4000, 0x7F7E, 0x7F7F,
               0x7F80, 0x7F81, 0x7FC0, 0x7FFF]
LOW_EDGES = [0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF]


def patterns(finite_bf16_range=False):
    """One float32 pattern (an int), biased towards the edges of both halves, and one time in
    four a whole special pattern (NaN payloads, infinities, ties...). With finite_bf16_range, only
    finite values of magnitude <= BF16 max (where SR is unbiased)."""
    top = 0x7F7F if finite_bf16_range else 0x7FFF
    upper = st.one_of(st.sampled_from([u for u in UPPER_EDGES if u <= top]),
                      st.integers(0, top), st.integers(0x3F00, 0x4100))
    low = st.one_of(st.sampled_from(LOW_EDGES), st.integers(0, 0xFFFF))
    sign = st.integers(0, 1)

    def build(s, u, lo):
        if finite_bf16_range and u == 0x7F7F:
            lo = 0
        return (s << 31) | (u << 16) | lo

    specials = [int(p) for p in SPECIAL_PATTERNS
                if not finite_bf16_range or (int(p) & 0x7FFFFFFF) <= 0x7F7F0000]
    return st.one_of(st.builds(build, sign, upper, low), st.builds(build, sign, upper, low),
                     st.builds(build, sign, upper, low), st.sampled_from(specials))


# --------------------------------------------------------------------------------- checking

def check_array(call: str, got, shape) -> np.ndarray:
    """The answer is a float32 ndarray of the input's shape (checked before any value)."""
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{call} must return a numpy.ndarray of dtype float32, "
                             f"got {type(got).__name__}")
    if got.dtype != np.float32:
        raise AssertionError(f"{call} must return dtype float32 (holding BF16 values), "
                             f"got dtype {got.dtype}")
    if tuple(got.shape) != tuple(shape):
        raise AssertionError(f"{call} must return x's shape {tuple(shape)}, got {tuple(got.shape)}")
    return got


def mismatches(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Mask of elements whose pattern differs (any NaN matches any NaN)."""
    gb, wb = bits_of(got), bits_of(want)
    gnan = (gb & np.uint32(0x7FFFFFFF)) > np.uint32(0x7F800000)
    wnan = (wb & np.uint32(0x7FFFFFFF)) > np.uint32(0x7F800000)
    return np.where(wnan, ~gnan, gb != wb)


def _hint_common(xv: float, xb: int, want: float, got: float) -> str | None:
    if is_nan_bits(xb):
        return (f"x is a NaN ({xb:#010x}): the result must be a NaN. Keeping the upper half of "
                f"its pattern is not enough: a NaN whose payload is only in the low 16 bits "
                f"truncates to inf, and rounding 0x7fff.... up carries into the sign bit")
    if math.isinf(want) and not math.isinf(got) and not math.isinf(xv):
        return ("overflow: rounding up from the largest BF16 value (0x7f7f) gives inf "
                "(pattern 0x7f80), not a saturated maximum")
    if want == 0 and got == 0:
        return "the sign of the result is the sign of x, zeros included"
    return None


def _sides(xv):
    sign, lo, hi, d, _ = split(xv)
    return d, signed(sign, lo), signed(sign, hi)


def hint_rne(xv: float, xb: int, want: float, got: float) -> str:
    h = _hint_common(xv, xb, want, got)
    if h:
        return h
    if math.isinf(xv):
        return "±inf stays ±inf"
    d, lo, hi = _sides(xv)
    if d == 0:
        return "x is already a BF16 value (d = 0): it must come back unchanged"
    if d == 0x8000:
        return (f"x is exactly halfway (d = 0x8000) between {show(lo)} and {show(hi)}: ties go "
                f"to the neighbour whose last kept bit is 0 (even)")
    side = "away from zero" if d > 0x8000 else "towards zero"
    return (f"d = {d:#06x}: the nearer BF16 neighbour is the one {side} (up exactly when "
            f"d > 0x8000, or d == 0x8000 and the kept pattern is odd)")


def hint_sr(xv: float, xb: int, r: int, want: float, got: float) -> str:
    h = _hint_common(xv, xb, want, got)
    if h:
        return h
    if math.isinf(xv):
        return "±inf stays ±inf, whatever r"
    d, lo, hi = _sides(xv)
    if d == 0:
        return "x is already a BF16 value (d = 0): it never moves, whatever r"
    up = r < d
    neg = " (x is negative: 'up' means away from zero, to the more negative neighbour)" \
        if xv < 0 else ""
    return (f"d = {d:#06x} (the low 16 bits of x), r = {r:#06x}: r < d is {up}, so the result is "
            f"the neighbour {'away from' if up else 'towards'} zero, "
            f"{show(hi if up else lo)}{neg}")


def diagnose(xv: float, got: float, want: float) -> str:
    """What the wrong result is, when it is one of x's two BF16 neighbours."""
    if not math.isfinite(xv) or math.isnan(got):
        return ""
    _, lo, hi = _sides(xv)
    if bits1(got) == bits1(lo) and bits1(want) == bits1(hi):
        return " (your result is x truncated towards zero: it should have gone up)"
    if bits1(got) == bits1(hi) and bits1(want) == bits1(lo):
        return " (your result went one ulp away from zero: it should have been truncated)"
    return ""


def _ulp_of(xv):
    return float(split(xv)[4]) if math.isfinite(xv) else math.nan


def observe_rounding(x, got, bad, label, factor):
    """Plot |result - x| against its bound: factor * (one BF16 ulp of x)."""
    with np.errstate(invalid="ignore"):
        xf = x.astype(np.float64).reshape(-1)
        gf = got.astype(np.float64).reshape(-1)
    fin = np.isfinite(xf) & (np.abs(xf) <= BF16_MAX)
    if not fin.any():
        return
    ulp = np.array([_ulp_of(v) if f else 1.0 for v, f in zip(xf.tolist(), fin.tolist())])
    with np.errstate(invalid="ignore"):
        err = np.where(fin, np.abs(gf - xf), 0.0)
    observe_worst(err, factor * ulp, bad.reshape(-1) & fin, label, among=fin)


def compare(call: str, x: np.ndarray, got: np.ndarray, want: np.ndarray, r=None):
    """Bit-for-bit comparison; the first wrong element is explained."""
    bad = mismatches(got, want)
    if r is None:
        observe_rounding(x, got, bad, "round_bf16_rne: |result - x| vs half a BF16 ulp", 0.5)
    else:
        observe_rounding(x, got, bad, "round_bf16_sr: |result - x| vs one BF16 ulp", 1.0)
    if not bad.any():
        return
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    xv, gv, wv = float(x[idx]), float(got[idx]), float(want[idx])
    xb = bits1(x[idx])
    where = f"[{', '.join(map(str, idx))}]"
    if r is None:
        hint = hint_rne(xv, xb, wv, gv)
        head = (f"{call}: x{where} = {show(x[idx])} gave {show(got[idx])}, expected "
                f"{show_want(want[idx])}")
    else:
        rv = int(r[idx])
        hint = hint_sr(xv, xb, rv, wv, gv)
        head = (f"{call}: x{where} = {show(x[idx])} with r{where} = {rv:#06x} gave "
                f"{show(got[idx])}, expected {show_want(want[idx])}")
    n = int(bad.sum())
    more = f" ({n} elements wrong in all)" if n > 1 else ""
    raise AssertionError(f"{head}{more}: {hint}{diagnose(xv, gv, wv)}")


# ------------------------------------------------------------------------------ sgd inputs

SGD_KINDS = ["stall", "mixed", "signed", "cross_zero", "ties", "subnormal", "growing"]


def make_sgd(seed: int, n: int, kind: str):
    """(w0 as np.float32 BF16 value, updates float32 [n], random_bits uint16 [n])."""
    rng = np.random.default_rng(seed)
    e = int(rng.integers(-8, 9))
    if kind == "subnormal":
        e = int(rng.integers(-135, -124))
    w0 = float(rng.integers(128, 256)) * 2.0 ** (e - 7) * float(rng.choice([-1, 1]))
    if kind == "cross_zero":
        w0 = float(rng.integers(1, 16)) * 2.0 ** (e - 7) * float(rng.choice([-1, 1]))
    w0 = float(rne_oracle(np.array([w0], dtype=np.float32))[0])   # a BF16 value
    ulp = 2.0 ** (max(e, -126) - 7)
    if kind == "stall":
        u = rng.uniform(0.02, 0.49, size=n) * ulp * rng.choice([-1, 1])
    elif kind == "ties":
        u = rng.choice([0.5, -0.5, 1.5, -1.5, 0.25, 1.0], size=n) * ulp
    elif kind == "signed":
        u = rng.standard_normal(n) * ulp * 2.0 ** rng.integers(-6, 3, size=n)
    elif kind == "cross_zero":
        u = -np.sign(w0) * rng.uniform(0.1, 1.0, size=n) * ulp / 8
    elif kind == "subnormal":
        u = rng.standard_normal(n) * 2.0 ** -130
    elif kind == "growing":
        u = np.abs(rng.standard_normal(n)) * ulp * 0.3
    else:
        u = rng.uniform(-1.0, 1.0, size=n) * ulp * 2.0 ** rng.integers(-12, 2, size=n)
    updates = u.astype(np.float32)
    bits = rng.integers(0, 0x10000, size=n).astype(np.uint16)
    # Steer some steps onto the edge of the rule: walk the contract's SR trajectory and set r to
    # d (stays) or d - 1 (goes up) there, r = 0 or 0xFFFF elsewhere now and then.
    edge = rng.random(n)
    w = np.float32(w0)
    for k in range(n):
        s = np.float32(w + updates[k])
        d = d_of(float(s))
        if edge[k] < 0.15:
            bits[k] = d
        elif edge[k] < 0.3:
            bits[k] = max(d - 1, 0)
        elif edge[k] < 0.35:
            bits[k] = 0
        elif edge[k] < 0.4:
            bits[k] = 0xFFFF
        w = np.float32(sr_oracle_value(float(s), int(bits[k])))
    return np.float32(w0), updates, bits


class SgdCase:
    """A drawn training run: ``SgdCase(seed=..., n=..., kind=...)`` or ``SgdCase.of(w0, updates,
    bits)``; ``.w0``, ``.updates``, ``.bits`` are what the grader passed."""

    def __init__(self, seed=0, n=10, kind="mixed", w0=None, updates=None, bits=None):
        self.seed, self.n, self.kind = seed, n, kind
        self.explicit = w0 is not None
        if self.explicit:
            self.w0 = np.float32(w0)
            self.updates = np.asarray(updates, dtype=np.float32)
            self.bits = (np.zeros(len(self.updates), np.uint16) if bits is None
                         else np.asarray(bits, dtype=np.uint16))
            self.n = len(self.updates)
        else:
            self.w0, self.updates, self.bits = make_sgd(seed, n, kind)

    @classmethod
    def of(cls, w0, updates, bits=None, label=None):
        c = cls(kind="explicit", w0=w0, updates=updates, bits=bits)
        c.label = label
        return c

    def __repr__(self):
        if self.explicit:
            if getattr(self, "label", None):
                return f"SgdCase.of(...)  # {self.label}"
            return (f"SgdCase.of(w0={float(self.w0)!r}, updates={self.updates.tolist()!r}, "
                    f"bits={self.bits.tolist()!r})")
        return f"SgdCase(seed={self.seed}, n={self.n}, kind={self.kind!r})"


@st.composite
def sgd_cases(draw, max_n=120):
    return SgdCase(seed=draw(st.integers(0, 2 ** 32 - 1), label="seed"),
                   n=draw(st.integers(0, max_n), label="n"),
                   kind=draw(st.sampled_from(SGD_KINDS), label="kind"))


def sgd_oracle(w0, updates, bits, mode):
    """The contract's loop: a float32 addition, then the oracle rounding of the sum."""
    w = np.float32(w0)
    traj = [w]
    for k in range(len(updates)):
        s = float(np.float32(w + np.float32(updates[k])))
        w = np.float32(rne_rational(s) if mode == "rne" else sr_oracle_value(s, int(bits[k])))
        traj.append(w)
    return np.array(traj, dtype=np.float32)


def check_trajectory(call: str, got, w0, updates, bits, mode):
    n = len(updates)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{call} must return a numpy.ndarray (float32, shape ({n + 1},)), "
                             f"got {type(got).__name__}")
    if got.dtype != np.float32:
        raise AssertionError(f"{call} must return dtype float32, got {got.dtype}")
    if tuple(got.shape) != (n + 1,):
        raise AssertionError(f"{call} with {n} updates must return shape ({n + 1},): w0 "
                             f"followed by the weight after each update; got {tuple(got.shape)}")
    want = sgd_oracle(w0, updates, bits, mode)
    bad = mismatches(got, want)
    if not bad.any():
        return
    k = int(np.argmax(bad))
    if k == 0:
        raise AssertionError(f"{call}: traj[0] = {show(got[0])} must be w0 = {show(w0)}")
    s = np.float32(want[k - 1] + updates[k - 1])
    how = ("round_bf16_rne(s)" if mode == "rne"
           else f"round_bf16_sr(s, r = random_bits[{k - 1}] = {int(bits[k - 1]):#06x})")
    prev = ""
    if bits1(got[k - 1]) == bits1(want[k - 1]):
        prev = (f"; here traj[{k - 1}] = {show(want[k - 1])} was right and s = traj[{k - 1}] + "
                f"updates[{k - 1}] = {show(s)} is the float32 sum")
    raise AssertionError(
        f"{call}: traj[{k}] = {show(got[k])}, expected {show(want[k])} = {how}{prev}. Each step "
        f"is s = traj[k] + updates[k] (one float32 addition), then traj[k+1] = the BF16 rounding "
        f"of s, using random_bits[k] for step k")


# ------------------------------------------------------------------------- unbiasedness

def check_unbiased(call, xs, got):
    """got[i, j] = round_bf16_sr(xs[i], r = j) for all 65536 j: every value is one of the two BF16
    neighbours of xs[i], and their sum is exactly 65536 * xs[i] (exact rationals)."""
    for i, xv in enumerate(xs.tolist()):
        row = got[i].view(np.uint32)
        sign, lo, hi, d, _ = split(xv)
        lo_bits, hi_bits = bits1(signed(sign, lo)), bits1(signed(sign, hi))
        vals, counts = np.unique(row, return_counts=True)
        for v in vals.tolist():
            if v not in (lo_bits, hi_bits):
                j = int(np.argmax(row == v))
                raise AssertionError(
                    f"{call}: x = {show(xv)} with r = {j:#06x} gave {show(f32([v])[0])}, which is "
                    f"neither BF16 neighbour of x ({show(signed(sign, lo))} or "
                    f"{show(signed(sign, hi))})")
        ups = int(counts[vals.tolist().index(hi_bits)]) if hi_bits in vals.tolist() else 0
        # the sum over all r is 65536·lo + ups·ulp (in magnitude), and 65536·|x| = 65536·lo + d·ulp
        total = sum(Fraction(float(f32([v])[0])) * c for v, c in zip(vals.tolist(), counts.tolist()))
        want = Fraction(xv) * 65536
        observe(abs(ups - d) / 65536, 0.0, over=total != want,
                label="round_bf16_sr: |mean over all r - x| in BF16 ulps (must be 0)")
        if total != want:
            raise AssertionError(
                f"{call}: x = {show(xv)} (d = {d:#06x}): over all 65536 values of r the result "
                f"went away from zero {ups} times, so the mean misses x by "
                f"{(ups - d) * (1 if sign > 0 else -1):+d}/65536 of a BF16 ulp. Stochastic "
                f"rounding must be unbiased: up exactly when r < d, i.e. d = {d} times out of "
                f"65536, and then the sum over all r is exactly 65536·x")


# ---------------------------------------------------------------------------- hand part

def hand_sum(variant):
    """s = float32(w + float32(u)): one float32 addition."""
    return np.float32(np.float32(variant["w"]) + np.float32(variant["u"]))
