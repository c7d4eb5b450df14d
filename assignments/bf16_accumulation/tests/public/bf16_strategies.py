"""Inputs, oracles, exact error measures and diagnoses for the bf16_accumulation grader tests.

Everything here runs in the grader (trusted). The oracles are the contract's loops written
with np.float32 scalars, with BF16 rounding done by ml_dtypes (the grader may use it; students
may not). ml_dtypes' float32 -> bfloat16 cast is round to nearest even on all 2**32 patterns
(checked against the bit rule), NaN to NaN. The error bounds use exact integer arithmetic.
"""

from __future__ import annotations

import math
from fractions import Fraction

import ml_dtypes
import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe

BF16 = ml_dtypes.bfloat16
F32 = np.float32
BF16_MAX = float(ml_dtypes.finfo(BF16).max)       # (2 - 2**-7) * 2**127
T_MAX = 2.0 ** 100                                 # largest |t| stall_point accepts
SCALE = 149                                        # every float32 is k * 2**-149
P_BITS = {"bf16": 8, "fp32": 24}
U = {"bf16": Fraction(1, 2 ** 8), "fp32": Fraction(1, 2 ** 24)}


# --------------------------------------------------------------------------------------------
# Bits and BF16 rounding (the oracle's: ml_dtypes)
# --------------------------------------------------------------------------------------------

def f32_bits(v) -> int:
    return int(np.array([v], dtype=F32).view(np.uint32)[0])


def from_bits(bits) -> np.ndarray:
    """float32 array with these 32-bit patterns."""
    return np.array(bits, dtype=np.uint64).astype(np.uint32).view(F32)


def f32(bits: int) -> np.float32:
    return from_bits([bits])[0]


def bf16_array(a: np.ndarray) -> np.ndarray:
    """Round a float32 array to BF16 (RNE), kept in float32."""
    with np.errstate(all="ignore"):
        return np.asarray(a, dtype=F32).astype(BF16).astype(F32)


def bf16(v) -> np.float32:
    return bf16_array(np.array([v], dtype=F32))[0]


def is_bf16(a) -> bool:
    return not (np.asarray(a, dtype=F32).view(np.uint32) & 0xFFFF).any()


def show(v) -> str:
    """A float32 value with its bit pattern: '1.0078125 (0x3f810000)'."""
    if isinstance(v, (np.floating, float)) and not isinstance(v, (np.float64, np.longdouble)):
        return f"{F32(v)!s} ({f32_bits(v):#010x})"
    return f"{v!r} (a {type(v).__name__})"


def show_array(x: np.ndarray, limit: int = 10) -> str:
    items = [str(v) for v in np.asarray(x).reshape(-1)[:limit]]
    more = f", ... ({x.size} values)" if x.size > limit else ""
    return "[" + ", ".join(items) + more + "]"


def same(got, want) -> bool:
    """Equal as values (+0.0 == -0.0), NaN matching any NaN, infinities by sign."""
    got, want = float(got), float(want)
    if math.isnan(want):
        return math.isnan(got)
    return got == want


# --------------------------------------------------------------------------------------------
# Oracles: the contract's loops, np.float32 arithmetic, ml_dtypes rounding.
# --------------------------------------------------------------------------------------------

def oracle_dot_bf16(x, y, round_products=True, round_acc=True) -> np.float32:
    with np.errstate(all="ignore"):
        p = x * y
        if round_products:
            p = bf16_array(p)
        acc = F32(0.0)
        for v in p:
            acc = F32(acc + v)
            if round_acc:
                acc = bf16(acc)
        return acc if round_acc else bf16(acc)


def oracle_dot_fp32(x, y) -> np.float32:
    with np.errstate(all="ignore"):
        acc = F32(0.0)
        for v in x * y:
            acc = F32(acc + v)
        return acc


def oracle_dot_blocked(x, y, block) -> np.float32:
    with np.errstate(all="ignore"):
        p = x * y
        total = F32(0.0)
        for start in range(0, len(p), block):
            c = F32(0.0)
            for v in p[start:start + block]:
                c = F32(c + v)
            total = F32(total + c)
        return total


def oracle_accumulate(w, updates) -> np.float32:
    with np.errstate(all="ignore"):
        w = F32(w)
        for t in updates:
            w = bf16(F32(w + t))
        return w


def simulate_stall_bf16(t) -> np.float32:
    """Run S <- bf16(S + t) from S = 0 until it stops changing (at most a few hundred steps)."""
    s = F32(0.0)
    while True:
        n = bf16(F32(s + t))
        if n == s:
            return s
        s = n


# --------------------------------------------------------------------------------------------
# Wrong variants, to say what a wrong answer looks like (diagnoses only; never to grade)
# --------------------------------------------------------------------------------------------

def _f64_seq(p) -> float:
    s = 0.0
    for v in p.tolist():
        s += v
    return s


def diagnose_dot(name, x, y, got, block=None) -> str:
    """A hint naming a common mistake when `got` equals what that mistake gives, else ''."""
    with np.errstate(all="ignore"):
        p = x * y
        candidates = []
        if name == "dot_bf16":
            candidates = [
                (oracle_dot_bf16(x, y, round_acc=False),
                 "you rounded to BF16 only at the end: round the accumulator to BF16 after "
                 "every addition"),
                (oracle_dot_bf16(x, y, round_products=False),
                 "you did not round the products: round each product to BF16 before adding it"),
                (oracle_dot_fp32(x, y),
                 "that is the FP32 accumulator's result: round the accumulator to BF16 after "
                 "every addition"),
            ]
        elif name in ("dot_fp32", "dot_blocked"):
            candidates = [
                (F32(_f64_seq(p)), "that is float64 accumulation rounded once at the end: "
                                   "round every partial sum to float32"),
                (F32(math.fsum(p.tolist())) if np.isfinite(p).all() else F32("nan"),
                 "that is the exact sum rounded once: round every partial sum to float32"),
                (oracle_dot_fp32(x[::-1], y[::-1]), "that is the sum taken right to left"),
            ]
        if name == "dot_blocked":
            n = len(x)
            candidates = [(oracle_dot_fp32(x, y),
                           "that is the plain left-to-right FP32 sum: sum each chunk of "
                           "`block` products first, then add the chunk sums")] + candidates
            if n % block:
                cut = n - n % block
                candidates.append((oracle_dot_blocked(x[:cut], y[:cut], block),
                                   "you left out the last, partial chunk (n is not a multiple "
                                   "of block)"))
            for other in (block - 1, block + 1):
                if other >= 1:
                    candidates.append((oracle_dot_blocked(x, y, other),
                                       f"that is the result for chunks of {other}, not {block}"))
            sums = [float(oracle_dot_fp32(x[s:s + block], y[s:s + block]))
                    for s in range(0, n, block)]
            candidates.append((F32(_f64_seq(np.array(sums))),
                               "you added the chunk sums in float64: add them in float32"))
    want = {"dot_bf16": oracle_dot_bf16, "dot_fp32": oracle_dot_fp32}.get(name)
    want = want(x, y) if want else oracle_dot_blocked(x, y, block)
    for value, hint in candidates:
        if same(got, value) and not same(value, want):
            return "\n  Hint: " + hint
    return ""


def diagnose_accumulate(w, updates, got) -> str:
    from fractions import Fraction as Fr
    want = oracle_accumulate(w, updates)
    with np.errstate(all="ignore"):
        acc = F32(w)
        for t in updates:
            acc = F32(acc + t)
        end = bf16(acc)
        once = F32(w)
        for t in updates:            # the exact w + t rounded once to BF16 (no float32 step)
            if np.isfinite(once) and np.isfinite(t):
                once = bf16_exact(Fr(float(once)) + Fr(float(t)))
            else:
                once = bf16(F32(once + t))
    for value, hint in [
        (end, "you rounded to BF16 only at the end: round w to BF16 after every update"),
        (acc, "that is an FP32 running value (a master copy): round w to BF16 after every "
              "update"),
        (once, "you rounded the exact w + t (in float64) to BF16: the contract adds in "
               "float32 first, then rounds that float32 sum to BF16"),
    ]:
        if same(got, value) and not same(value, want):
            return "\n  Hint: " + hint
    return ""


def bf16_exact(q: Fraction) -> np.float32:
    """The exact rational q rounded once to BF16 (nearest, ties to even; overflow to inf)."""
    if q == 0:
        return F32(0.0)
    sign = -1 if q < 0 else 1
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    if Fraction(2) ** (e + 1) <= a:
        e += 1
    quantum = Fraction(2) ** (max(e, -126) - 7)
    n, frac = divmod(a / quantum, 1)
    if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and n % 2 == 1):
        n += 1
    v = n * quantum
    if v > BF16_MAX:
        return F32(sign * math.inf)
    return F32(sign * float(v))


# --------------------------------------------------------------------------------------------
# Exact errors and the bounds (integers: x_i * y_i = kx * ky * 2**-298)
# --------------------------------------------------------------------------------------------

def _units(v: float) -> int:
    p, q = float(v).as_integer_ratio()
    k, r = divmod(p << SCALE, q)
    assert r == 0
    return k


BOUND_FORMULA = {
    "dot_bf16": "n·u·Σ|x_i·y_i|, u = 2**-8",
    "dot_fp32": "(n-1)·u·Σ|x_i·y_i|, u = 2**-24",
    "dot_blocked": "γ(b'+m-2)·Σ|x_i·y_i|, γ(k) = k·u/(1-k·u), u = 2**-24",
}


def blocked_depth(n: int, block: int) -> int:
    """b' + m - 2: the most roundings any product goes through in the blocked sum."""
    if n == 0:
        return 0
    return min(block, n) + -(-n // block) - 2


def check_bound(name: str, x, y, got, block=None) -> None:
    """Assert |got - x·y| <= the bound of `name` (exact integer arithmetic), and observe it."""
    n = len(x)
    kx, ky = [_units(v) for v in x.tolist()], [_units(v) for v in y.tolist()]
    S = sum(a * b for a, b in zip(kx, ky))                 # units of 2**-298
    A = sum(abs(a * b) for a, b in zip(kx, ky))
    val = float(got)
    if not math.isfinite(val):
        raise AssertionError(f"{name} returned {val!r}, but every input here is finite and "
                             f"far from overflow")
    err = abs(_units(val) * 2 ** SCALE - S)
    if name == "dot_bf16":
        over = err * 2 ** 8 > n * A
        bound = Fraction(n * A, 2 ** 8)
    elif name == "dot_fp32":
        over = err * 2 ** 24 > (n - 1) * A
        bound = Fraction((n - 1) * A, 2 ** 24)
    else:
        d = blocked_depth(n, block)
        over = err * (2 ** 24 - d) > d * A
        bound = Fraction(d * A, 2 ** 24 - d)
    scale = Fraction(1, 2 ** (2 * SCALE))
    err_f, bound_f = float(err * scale), float(bound * scale)
    label = f"{name}: |result - x·y| vs {BOUND_FORMULA[name]}"
    observe(err_f, bound_f, label=label, over=over)
    if over:
        what = f", block = {block}" if block is not None else ""
        raise AssertionError(
            f"{name}(x, y{what}) = {show(got)} is too far from the exact x·y = "
            f"{float(S * scale)!r} for x = {show_array(x)}, y = {show_array(y)} (n = {n}):\n"
            f"  error {err_f:.6g} > bound {BOUND_FORMULA[name]} = {bound_f:.6g}")


# --------------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------------

def _bf16_from_fields(sign: int, e: int, frac: int) -> float:
    """The BF16 value with unbiased exponent e (-127: subnormal) and 7-bit fraction."""
    bits = (sign << 31) | ((e + 127) << 23) | (frac << 16)
    return float(f32(bits))


def bf16_values(lo: int = -127, hi: int = 127) -> st.SearchStrategy[float]:
    """Finite BF16 values of binades 2**lo .. 2**hi (lo = -127: subnormals), either sign;
    shrinks towards 1.0."""
    return st.builds(_bf16_from_fields, st.integers(0, 1), st.integers(lo, hi),
                     st.integers(0, 127))


def _arr(v) -> np.ndarray:
    return np.array(v, dtype=F32)


SPECIALS = [math.inf, -math.inf, math.nan]


KINDS = ("ints", "wide", "large+small", "constant", "cancel", "fp32 stall", "extreme", "tiny",
         "specials")
FP32_KINDS = KINDS + ("fp32 stall", "fp32 stall", "large+small")   # where FP32 rounding shows


@st.composite
def vector_pairs(draw, max_len: int = 40, specials: bool = True, kinds=KINDS):
    """(x, y): 1-D float32 arrays of equal length, BF16 values, aimed at the hard cases."""
    kind = draw(st.sampled_from([k for k in kinds if specials or k != "specials"]))
    n = draw(st.integers(0 if kind in ("ints", "wide") else 1, max_len))
    if kind == "ints":
        ints = st.integers(-64, 64).map(float)
        x, y = draw(st.lists(ints, min_size=n, max_size=n)), draw(st.lists(ints, min_size=n, max_size=n))
    elif kind == "wide":
        x = draw(st.lists(bf16_values(-30, 29), min_size=n, max_size=n))
        y = draw(st.lists(bf16_values(-30, 29), min_size=n, max_size=n))
    elif kind == "large+small":                 # one big product, then products below its ulp
        e = draw(st.integers(-20, 20))           # (gaps past 8 and past 24 binades: BF16, FP32)
        gap = draw(st.one_of(st.integers(4, 12), st.integers(20, 30)))
        x = [draw(bf16_values(e, e))] + draw(st.lists(bf16_values(e - gap - 6, e - gap),
                                                      min_size=n - 1, max_size=n - 1))
        y = draw(st.lists(st.sampled_from([1.0, -1.0, 0.5, 1.5, 3.0]), min_size=n, max_size=n))
        if draw(st.booleans()) and n >= 3:
            x[-1], y[-1] = -x[0], y[0]          # ... and cancel the big one at the end
    elif kind == "constant":                    # the same product every time, after a start
        a, b = draw(bf16_values(-8, 8)), draw(bf16_values(-8, 8))
        start = draw(st.sampled_from([0.0, 256.0, 1024.0, 4096.0]))
        x, y = [a] * n, [b] * n
        if start and n >= 2:
            x[0] = start * a                    # the first product is start * a * b
    elif kind == "fp32 stall":                  # 2**k, then small terms at FP32's half ulp
        k = draw(st.integers(22, 26))
        small = st.sampled_from([1.0, 1.0, 1.0, 1.5, 3.0, 0.5])
        x = [2.0 ** k] + draw(st.lists(small, min_size=n - 1, max_size=n - 1))
        y = [1.0] * n
        if draw(st.booleans()):
            x = x[1:] + x[:1]                   # the big one last
    elif kind == "cancel":                      # x and -x: partial sums cancel
        half = draw(st.lists(bf16_values(-12, 12), min_size=1, max_size=max(1, n // 2)))
        ys = draw(st.lists(bf16_values(-4, 4), min_size=len(half), max_size=len(half)))
        x = half + [-v for v in half]
        y = ys + ys
        extra = draw(st.lists(bf16_values(-40, -10), max_size=2))
        x, y = x + extra, y + [1.0] * len(extra)
    elif kind == "extreme":                     # near BF16 max: products and sums overflow
        x = draw(st.lists(bf16_values(60, 127), min_size=n, max_size=n))
        y = draw(st.lists(bf16_values(0, 67), min_size=n, max_size=n))
    elif kind == "tiny":                        # products in float32's subnormal range
        x = draw(st.lists(bf16_values(-80, -60), min_size=n, max_size=n))
        y = draw(st.lists(bf16_values(-80, -40), min_size=n, max_size=n))
    else:                                       # NaN / inf among ordinary values
        x = draw(st.lists(st.one_of(bf16_values(-10, 10), st.sampled_from(SPECIALS + [0.0])),
                          min_size=n, max_size=n))
        y = draw(st.lists(st.one_of(bf16_values(-10, 10), st.sampled_from(SPECIALS + [0.0])),
                          min_size=n, max_size=n))
    x, y = _arr(x), _arr(y)
    assert is_bf16(x) and is_bf16(y), (x, y)
    return x, y


class Vectors:
    """A pair of BF16 vectors built by numpy from (kind, n, seed): prints as a short call that
    rebuilds it (`bf16_strategies.Vectors('constant', 300, 7)`), or from explicit arrays."""

    KINDS = ("normal", "constant", "positive", "large+small", "alternating", "scales")

    def __init__(self, kind, n=0, seed=0, x=None, y=None):
        self.kind, self.n, self.seed = kind, n, seed
        if x is not None:
            self.x, self.y = _arr(x), _arr(y)
        else:
            self.x, self.y = make_vectors(kind, n, seed)

    def __repr__(self):
        if self.kind == "explicit":
            return f"Vectors.of({self.x.tolist()!r}, {self.y.tolist()!r})"
        return f"bf16_strategies.Vectors({self.kind!r}, {self.n}, {self.seed})"

    @classmethod
    def of(cls, x, y):
        return cls("explicit", len(x), 0, x=x, y=y)


def make_vectors(kind: str, n: int, seed: int):
    """Finite BF16 vectors whose products lie far from underflow and overflow (between about
    2**-100 and 2**30 in magnitude), so the error bounds apply."""
    rng = np.random.default_rng(seed)
    if kind == "normal":                        # activations times weights
        x = rng.standard_normal(n) * 2.0 ** int(rng.integers(-10, 10))
        y = rng.standard_normal(n) * 0.05
    elif kind == "constant":                    # the BF16 accumulator stalls
        x = np.full(n, (1 + rng.integers(0, 128) / 128) * 2.0 ** int(rng.integers(-8, 8)))
        y = np.full(n, 1 + rng.integers(0, 128) / 128)
    elif kind == "positive":
        x = rng.random(n) + 0.01
        y = rng.random(n) + 0.01
    elif kind == "large+small":
        x = (rng.random(n) + 0.5) * 2.0 ** -int(rng.integers(6, 20))
        x[0] = 1.0 + rng.random()
        y = np.where(rng.random(n) < 0.5, 1.0, -1.0) * (1 + rng.integers(0, 128, n) / 128)
    elif kind == "alternating":
        x = (1 + rng.random(n) * 2.0 ** -3) * 2.0 ** int(rng.integers(-10, 10))
        x[1::2] *= -1
        y = 1 + rng.random(n) * 2.0 ** -4
    else:                                       # "scales": magnitudes over 2**-25 .. 2**25
        x = (rng.random(n) + 0.5) * np.exp2(rng.integers(-25, 25, n).astype(np.float64))
        y = (rng.random(n) + 0.5) * np.exp2(rng.integers(-5, 5, n).astype(np.float64))
        x *= rng.choice([-1.0, 1.0], n)
    x = bf16_array(x.astype(F32))
    y = bf16_array(y.astype(F32))
    return x, y


def vectors(min_len: int = 1, max_len: int = 300) -> st.SearchStrategy[Vectors]:
    return st.builds(Vectors, st.sampled_from(Vectors.KINDS), st.integers(min_len, max_len),
                     st.integers(0, 2 ** 32 - 1))


BLOCKS = [1, 2, 3, 4, 7, 8, 16, 32, 64, 128]


def blocks(max_len: int) -> st.SearchStrategy[int]:
    """Mostly blocks that make several chunks (2 .. n-1), sometimes 1 or more than n."""
    return st.one_of(st.integers(2, max(2, max_len - 1)), st.integers(2, max(2, max_len // 3)),
                     st.sampled_from(BLOCKS), st.integers(1, max_len + 5))


# float32 patterns whose low 16 bits sit at the rounding decision: ties, one either side.
LOW_HALVES = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF]


@st.composite
def f32_patterns(draw) -> int:
    """A float32 bit pattern, biased to ties and to the edges (max, subnormal, 1.0)."""
    top = draw(st.one_of(
        st.integers(0, 0xFFFF),
        st.sampled_from([0x3F80, 0x3F81, 0x7F7F, 0x7F7E, 0x0000, 0x0001, 0x007F, 0x0080,
                         0x4000, 0x477F]),
        st.integers(0x3F70, 0x3F90),
        st.integers(0x7F70, 0x7F7F),
        st.integers(0x0000, 0x0081),
    ).filter(lambda h: (h & 0x7F80) != 0x7F80))           # finite (NaN/inf: their own test)
    sign = draw(st.integers(0, 1))
    low = draw(st.one_of(st.sampled_from(LOW_HALVES), st.integers(0, 0xFFFF)))
    return (sign << 31) | ((top & 0x7FFF) << 16) | low


@st.composite
def tie_patterns(draw) -> int:
    """A float32 pattern exactly at a BF16 tie (low half 0x8000), even or odd, near the edges."""
    top = draw(st.one_of(st.integers(0, 0x7F7F), st.sampled_from([0x3F80, 0x3F81, 0x7F7F, 0x7F7E,
                                                                  0x0000, 0x0001, 0x007F])))
    return (draw(st.integers(0, 1)) << 31) | (top << 16) | 0x8000


@st.composite
def overflow_patterns(draw) -> int:
    """A float32 pattern in the last BF16 binade, at or either side of the overflow tie."""
    low = draw(st.one_of(st.sampled_from([0x7FFF, 0x8000, 0x8001, 0xFFFF]), st.integers(0, 0xFFFF)))
    return (draw(st.integers(0, 1)) << 31) | (draw(st.sampled_from([0x7F7F, 0x7F7E])) << 16) | low


@st.composite
def f32_arrays(draw, max_len: int = 40) -> np.ndarray:
    """A float32 array of finite or infinite values (no NaN), 1-D or 2-D: mixed patterns, or
    mostly ties, or mostly around the overflow edge."""
    kind = draw(st.sampled_from(["mixed", "ties", "overflow"]))
    element = {"mixed": f32_patterns(), "ties": tie_patterns(), "overflow": overflow_patterns()}
    pats = draw(st.lists(st.one_of(element[kind], f32_patterns(),
                                   st.sampled_from([0x7F800000, 0xFF800000])),
                         min_size=0, max_size=max_len))
    a = from_bits(pats)
    if len(pats) % 2 == 0 and len(pats) and draw(st.booleans()):
        a = a.reshape(2, -1)
    return a


@st.composite
def nan_patterns(draw) -> int:
    """A NaN pattern: any sign, any non-zero fraction, biased to the low 16 bits."""
    sign = draw(st.integers(0, 1))
    frac = draw(st.one_of(st.integers(1, 0x7FFFFF), st.integers(1, 0xFFFF),
                          st.sampled_from([0x400000, 0x7FFFFF, 0x3F8000, 0x7F8000, 0x1, 0x8000])))
    return (sign << 31) | (0xFF << 23) | frac


# --------------------------------------------------------------------------------------------
# Named hard cases (@example arguments)
# --------------------------------------------------------------------------------------------

ONE = 1.0
BF_MAX = BF16_MAX
TIE_EVEN = [1.0, 2.0 ** -8]              # 1 + 2**-8: a tie, 1.0 is even: stays 1.0
TIE_ODD = [1.0078125, 2.0 ** -8]         # 1 + 3 * 2**-8: a tie, rounds up to 1 + 2**-6
HARD_PAIRS = {
    "empty": (_arr([]), _arr([])),
    "length 1": (_arr([3.0]), _arr([-1.5])),
    "cancellation": (_arr([1.0, 1024.0, -1024.0]), _arr([1.0, 1.0, 1.0])),
    "x and -x": (_arr([0.3125, 1000.0, -1000.0, -0.3125]), _arr([1.0] * 4)),
    "tie even": (_arr(TIE_EVEN), _arr([1.0, 1.0])),
    "tie odd": (_arr(TIE_ODD), _arr([1.0, 1.0])),
    "product rounds": (_arr([1.0078125, 1.0078125]), _arr([1.0078125, -1.0078125])),  # 0
    "product tie": (_arr([1.0, 1.0078125]), _arr([1.0, 255 * 2.0 ** -16])),  # bf16(p) = 2**-8
    "overflow": (_arr([BF_MAX, 2.0 ** 119]), _arr([1.0, 1.0])),   # bf16: inf; fp32: finite
    "overflow product": (_arr([2.0 ** 100, 1.0]), _arr([2.0 ** 30, 1.0])),
    "nan": (_arr([1.0, math.nan, 2.0]), _arr([1.0, 1.0, 1.0])),
    "inf": (_arr([1.0, math.inf, 2.0]), _arr([1.0, 1.0, -3.0])),
    "inf - inf": (_arr([math.inf, 1.0]), _arr([1.0, -math.inf])),
    "inf * 0": (_arr([math.inf]), _arr([0.0])),
    "fp32 tie": (_arr([2.0 ** 24, 1.0, 1.0]), _arr([1.0, 1.0, 1.0])),  # fp32 2**24, f64 2**24+2
    "stall": (_arr([256.0] + [1.0] * 8), _arr([1.0] * 9)),
    "subnormal products": (_arr([2.0 ** -70, 3 * 2.0 ** -71]), _arr([2.0 ** -70, 2.0 ** -72])),
    "signed zeros": (_arr([-0.0, 0.0]), _arr([1.0, -1.0])),
}


def pair(name):
    return HARD_PAIRS[name]


# Blocked: (x, y, block) where blocking changes the result, n % block != 0, block > n, ...
_SEQ = [2.0 ** 24] + [1.0] * 15
HARD_BLOCKED = {
    "blocking changes the sum": (_arr([2.0 ** 24, 1.0, 1.0, 1.0]), _arr([1.0] * 4), 2),
    "partial last chunk": (_arr(_SEQ + [1.0, 1.0, 1.0]), _arr([1.0] * 19), 4),
    "block larger than n": (_arr([2.0 ** 24, 1.0, 1.0]), _arr([1.0] * 3), 8),
    "block of 1": (_arr([2.0 ** 24, 1.0, 1.0]), _arr([1.0] * 3), 1),
    "pairwise-style sum differs": (_arr(_SEQ), _arr([1.0] * 16), 16),
    "chunk sums in float64": (_arr([2.0 ** 24, 1.0, 1.0, 1.0]), _arr([1.0] * 4), 1),
    "empty": (_arr([]), _arr([]), 3),
    "off by one chunk": (_arr([3.0, 1.0, 1.0, 1.0, 2.0 ** 24, 1.0, 3.0, 3.0]), _arr([1.0] * 8), 3),
}


def blocked_case(name):
    return HARD_BLOCKED[name]


# accumulate_bf16: (w, updates)
HARD_ACCUMULATE = {
    "the notes' example": (F32(1.0), _arr([2.0 ** -10] * 8)),            # stays 1.0
    "double rounding": (F32(1.0), _arr([2.0 ** -8 + 2.0 ** -30])),      # fl32 tie -> 1.0
    "tie odd": (F32(1.0078125), _arr([2.0 ** -8])),                     # up to 1.015625
    "no updates": (F32(-0.0), _arr([])),
    "overflow": (F32(BF_MAX), _arr([2.0 ** 119])),                      # inf
    "nan update": (F32(2.0), _arr([1.0, math.nan])),
    "inf then -inf": (F32(0.0), _arr([math.inf, -math.inf])),
    "large updates": (F32(3.0), _arr([0.1, 0.2, -0.7, 100.3, -55.5])),
    "lost then kept": (F32(256.0), _arr([1.0] * 4 + [1.5, 1.5])),
}


def accumulate_case(name):
    return HARD_ACCUMULATE[name]


# round_to_bf16: named patterns (input bits -> what makes them hard)
EDGE_PATTERNS = {
    0x3F808000: "1 + 2**-8: a tie, rounds down to the even 1.0",
    0x3F818000: "1 + 3 * 2**-8: a tie, rounds up to the even 1 + 2**-6",
    0x3F807FFF: "just below a tie: rounds down",
    0x3F808001: "just above a tie: rounds up",
    0xBF818000: "a negative tie, odd: rounds away from zero to the even neighbour",
    0x3FFFFFFF: "rounds up across a binade: 2.0",
    0x7F7F7FFF: "just below the overflow tie: the largest BF16",
    0x7F7F8000: "halfway past the largest BF16: overflows to inf",
    0xFF7F8000: "halfway past -max: overflows to -inf",
    0x7F7FFFFF: "float32 max: overflows to inf",
    0x7F800000: "+inf stays +inf",
    0xFF800000: "-inf stays -inf",
    0x80000000: "-0.0 stays -0.0",
    0x80007FFF: "a tiny negative subnormal: rounds to -0.0",
    0x00008000: "subnormal tie, even: rounds to 0",
    0x00018000: "subnormal tie, odd: rounds up",
    0x007F8000: "largest BF16 subnormal tie: rounds up to the smallest normal",
    0x007FFFFF: "the largest float32 subnormal: rounds up to 2**-126",
}
NAN_EDGE_PATTERNS = {
    0x7FC00000: "the quiet NaN",
    0x7F800001: "a NaN whose payload is only in the low 16 bits (truncating gives inf)",
    0x7FFFFFFF: "a NaN whose rounding carries through the exponent (gives -0.0)",
    0xFFFFFFFF: "a negative NaN whose rounding overflows 32 bits",
    0x7FBF8000: "a signalling NaN at a tie",
    0xFF800001: "a negative NaN with a low payload (truncating gives -inf)",
}
