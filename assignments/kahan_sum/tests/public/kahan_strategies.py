"""Inputs, oracles and exact error measures for the kahan_sum grader tests.

Everything here runs in the grader (trusted): it may use numpy, math.fsum and exact integer
arithmetic freely. The student's module is only ever reached through ``sub``.

Inputs are 1-D float32 arrays whose entries are bounded by ``MAX_ABS = 2**100`` and whose
length is at most ``MAX_LEN``, so that every partial sum (at most MAX_LEN * 2**100 < 2**113)
and every intermediate of the three algorithms stays far from float32 overflow (about 2**128).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe

U = 2.0 ** -24               # unit roundoff of float32 (round to nearest)
MAX_ABS = 2.0 ** 100         # bound on |x_i|: partial sums never overflow
MAX_LEN = 4096               # longest array any test sends
SCALE = 149                  # every float32 is an integer multiple of 2**-149
KAHAN_C = 16                 # the constant of the O(n u^2) term of the Kahan bound


# --------------------------------------------------------------------------------------------
# Oracles: the three algorithms, with np.float32 scalars, in exactly the order of the contract.
# --------------------------------------------------------------------------------------------

def oracle_naive(x: np.ndarray) -> np.float32:
    s = np.float32(0)
    for v in x:
        s = np.float32(s + v)
    return s


def oracle_kahan(x: np.ndarray) -> np.float32:
    s = np.float32(0)
    c = np.float32(0)
    for v in x:
        y = np.float32(v - c)
        t = np.float32(s + y)
        c = np.float32(np.float32(t - s) - y)
        s = t
    return s


def oracle_neumaier(x: np.ndarray) -> np.float32:
    s = np.float32(0)
    c = np.float32(0)
    for v in x:
        t = np.float32(s + v)
        if abs(s) >= abs(v):
            c = np.float32(c + np.float32(np.float32(s - t) + v))
        else:
            c = np.float32(c + np.float32(np.float32(v - t) + s))
        s = t
    return np.float32(s + c)


ORACLES = {"naive_sum": oracle_naive, "kahan_sum": oracle_kahan, "neumaier_sum": oracle_neumaier}


# --------------------------------------------------------------------------------------------
# Showing values to a student
# --------------------------------------------------------------------------------------------

def f32_bits(v) -> int:
    return int(np.array([v], dtype=np.float32).view(np.uint32)[0])


def show_value(v) -> str:
    """A float32 value with its bit pattern: '1.0 (0x3f800000)'."""
    if isinstance(v, (float, np.floating)) and not isinstance(v, (np.float64, np.longdouble)):
        f = np.float32(v)
        if float(f) == float(v) or not math.isfinite(float(v)):
            return f"{f!s} ({f32_bits(f):#010x})"
    return f"{v!r} (a {type(v).__name__}, not a float32 value)"


def show_array(x: np.ndarray, limit: int = 12) -> str:
    """The array as np.float32 values, shortened when long."""
    items = [str(v) for v in x[:limit]]
    more = f", ... ({len(x)} values)" if len(x) > limit else ""
    return "[" + ", ".join(items) + more + "]"


def as_real(name: str, got) -> float:
    """The student's answer as a float, or an assertion error saying what was wrong with it."""
    if not isinstance(got, (float, np.floating, int, np.integer)) or isinstance(got, bool):
        raise AssertionError(f"{name} must return a number (a numpy.float32), "
                             f"got {type(got).__name__}: {got!r}")
    val = float(got)
    if not math.isfinite(val):
        raise AssertionError(f"{name} returned {val!r}, but every partial sum here is finite")
    return val


def same_value(got: float, want: float) -> bool:
    """Equal as values; +0.0 equals -0.0 (the contract does not fix the sign of a zero sum)."""
    return got == want


# --------------------------------------------------------------------------------------------
# Exact arithmetic for the error bounds: every float32 is k * 2**-149 with k an integer.
# --------------------------------------------------------------------------------------------

def to_units(v: float) -> int:
    """v as an exact integer multiple of 2**-149 (v must be a float32 value or a coarser float)."""
    p, q = float(v).as_integer_ratio()
    k, r = divmod(p << SCALE, q)
    assert r == 0, f"{v!r} is not a multiple of 2**-149"
    return k


def exact_sums(x: np.ndarray) -> tuple[int, int]:
    """(S, A) = (sum x_i, sum |x_i|), exactly, in units of 2**-149."""
    ks = [to_units(v) for v in x.tolist()]
    return sum(ks), sum(abs(k) for k in ks)


def units_to_str(k: int) -> str:
    return f"{k / 2 ** SCALE:.9g}" if k else "0"


# --------------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------------

def _from_fields(sign: int, exponent: int, fraction: int) -> float:
    """The float32 with these fields (biased exponent 0..254), as a Python float."""
    bits = (sign << 31) | (exponent << 23) | fraction
    return float(np.array([bits], dtype=np.uint32).view(np.float32)[0])


# exponent offsets from 1.0: -127 gives subnormals, +99 is the largest binade below MAX_ABS
_EXP_LO, _EXP_HI = -127, 99


def wide_float32(lo: int = _EXP_LO, hi: int = _EXP_HI) -> st.SearchStrategy[float]:
    """Any float32 whose binade is 2**lo .. 2**hi (lo = -127: the subnormals), either sign.

    Shrinks towards 1.0 (offset 0, fraction 0) rather than towards 0.
    """
    lo = min(max(lo, _EXP_LO), _EXP_HI)
    hi = max(min(hi, _EXP_HI), lo)
    return st.builds(lambda s, e, f: _from_fields(s, 127 + e, f),
                     st.integers(0, 1), st.integers(lo, hi), st.integers(0, 2 ** 23 - 1))


plain_float32 = st.floats(width=32, min_value=-MAX_ABS, max_value=MAX_ABS,
                          allow_nan=False, allow_infinity=False)
"""hypothesis's own float32s: 0, -0, subnormals, bounds, 'nasty' values."""

small_ints = st.integers(-64, 64).map(float)
"""Small integers: sums of these are exact, good for shrinking to readable cases."""


def _arr(values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


@st.composite
def large_plus_small(draw, max_len: int) -> np.ndarray:
    """A large value B, then terms far below its ulp (lost by naive summation), maybe then -B.

    The cancellation case [B, small..., -B] is where naive, Kahan and Neumaier all differ, and
    where float64 accumulation gives a different float32 result.
    """
    e_big = draw(st.integers(-60, 99))
    gap = draw(st.integers(0, 50))                       # how far below B the small terms are
    spread = draw(st.sampled_from([3, 12, 30]))           # over how many binades they spread
    big = abs(draw(wide_float32(e_big, e_big))) * draw(st.sampled_from([1.0, -1.0]))
    small = wide_float32(e_big - gap - spread, e_big - gap)
    m = max(1, max_len - 2)
    smalls = draw(st.lists(small, min_size=1, max_size=m))
    tail = draw(st.sampled_from(["cancel", "none", "cancel-then-more"]))
    values = [big, *smalls]
    if tail != "none" and len(values) < max_len:
        values.append(-big)
    if tail == "cancel-then-more":
        values.extend(draw(st.lists(small, max_size=max(0, max_len - len(values)))))
    return _arr(values[:max_len])


@st.composite
def hidden_in_compensation(draw, max_len: int) -> np.ndarray:
    """[B, small_1, ..., small_k, -B] with every small term below half an ulp of B.

    Each small term is lost from s and kept in the compensation alone, so the result is the
    float32 sum of the small terms as the compensation accumulates them: float64 compensation
    (or none at all) gives another float32 result.
    """
    e_big = draw(st.integers(-40, 99))
    k = draw(st.integers(2, max(2, min(12, max_len - 2))))
    smalls = draw(st.lists(wide_float32(e_big - 50, e_big - 25), min_size=k, max_size=k))
    big = abs(draw(wide_float32(e_big, e_big)))
    return _arr([big, *smalls, -big][:max_len])


@st.composite
def alternating(draw, max_len: int) -> np.ndarray:
    """Alternating signs of nearly equal magnitude: heavy cancellation in every partial sum."""
    e = draw(st.integers(-100, 90))
    n = draw(st.integers(1, max_len))
    base = abs(draw(wide_float32(e, e)))
    eps = draw(st.lists(wide_float32(e - 30, e - 1), min_size=n, max_size=n))
    return _arr([(base + d if i % 2 == 0 else -base + d) for i, d in enumerate(eps)])


@st.composite
def spanning_binades(draw, max_len: int) -> np.ndarray:
    """Values from the subnormals to 2**99, in sorted, reversed or random order."""
    values = draw(st.lists(wide_float32(), min_size=1, max_size=max_len))
    order = draw(st.sampled_from(["asis", "ascending", "descending"]))
    if order != "asis":
        values.sort(key=abs, reverse=(order == "descending"))
    return _arr(values)


@st.composite
def subnormal_heavy(draw, max_len: int) -> np.ndarray:
    """Subnormals and the smallest normals (sums of these are exact: addition never underflows)."""
    tiny = st.floats(width=32, min_value=-(2.0 ** -100), max_value=2.0 ** -100)
    return _arr(draw(st.lists(st.one_of(wide_float32(-127, -120), tiny),
                              min_size=1, max_size=max_len)))


def float32_arrays(max_len: int = 40) -> st.SearchStrategy[np.ndarray]:
    """1-D float32 arrays of length 0..max_len, biased to the cases where summation goes wrong."""
    assert max_len <= MAX_LEN
    return st.one_of(
        st.lists(small_ints, max_size=max_len).map(_arr),
        st.lists(plain_float32, max_size=max_len).map(_arr),
        large_plus_small(max_len),
        hidden_in_compensation(max_len),
        alternating(max_len),
        spanning_binades(max_len),
        subnormal_heavy(max_len),
    )


@st.composite
def long_arrays(draw, min_len: int = 500, max_len: int = MAX_LEN) -> np.ndarray:
    """Long arrays built by numpy from a drawn seed (fast to draw), of a drawn kind."""
    n = draw(st.integers(min_len, max_len))
    kind = draw(st.sampled_from(["normal", "binades", "large+small", "alternating", "drift"]))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "normal":
        x = rng.standard_normal(n) * 2.0 ** int(rng.integers(-40, 40))
    elif kind == "binades":
        x = (rng.random(n) + 1) * np.exp2(rng.integers(-149, 99, n).astype(np.float64))
        x *= rng.choice([-1.0, 1.0], n)
    elif kind == "large+small":
        e = int(rng.integers(-40, 90))
        gap = int(rng.integers(10, 40))
        x = (rng.random(n) + 0.5) * 2.0 ** (e - gap) * rng.choice([-1.0, 1.0], n)
        x[0] = 2.0 ** e * (1 + rng.random())
        x[n // 2] = -x[0]
    elif kind == "alternating":
        e = int(rng.integers(-40, 90))
        x = 2.0 ** e * (1 + rng.random(n) * 2.0 ** -int(rng.integers(5, 30)))
        x[1::2] *= -1
    else:                                       # all positive: the naive error grows with n
        x = rng.random(n) + 0.1
    return np.clip(x, -MAX_ABS, MAX_ABS).astype(np.float32)


# --------------------------------------------------------------------------------------------
# Hand-picked hard cases (also used as @example arguments)
# --------------------------------------------------------------------------------------------

HARD_CASES: list[np.ndarray] = [_arr(v) for v in [
    [],
    [0.0],
    [-0.0],
    [-0.0, -0.0],
    [2.5],
    [1e8, 1.0, -1e8],                        # naive 0, Kahan 0, Neumaier 1
    [1.5, 2.0 ** 25, -2.0 ** 25],            # naive 0, Kahan 2, Neumaier 1.5
    [1.0, 3 * 2.0 ** -26, -1.0],             # naive 0, Kahan 2**-24, Neumaier 3*2**-26
    [2.0 ** 24, 1.0, 1.0],                   # float32: 2**24; float64 accumulation: 2**24 + 2
    [1e8, 3.0, 3.0],
    [1.0, 1.0, 2.0 ** -24, 2.0 ** 25],       # Neumaier in float32 differs from float64
    [1.0] + [2.0 ** -24] * 64,               # large + many small: each lost by naive
    [1.0] + [1.5 * 2.0 ** -24] * 50 + [-1.0],
    [0.1] * 100,
    [1.0, -1.0] * 20 + [2.0 ** -30],
    [2.0 ** -149] * 30,                      # subnormals
    [2.0 ** -126, -2.0 ** -149, 2.0 ** -127, 3 * 2.0 ** -149],
    [2.0 ** 99, 1.0, -2.0 ** 99, 2.0 ** 99, -2.0 ** 99, 1.0],
    [3.0, 3.0, -3.0, -3.0, 2.0 ** -20],      # |s| == |v| at the Neumaier branch
    [float(2 ** k) for k in range(-30, 31)],
    [float(2 ** k) for k in range(30, -31, -1)],
    [float((-1) ** k * 2 ** k) for k in range(-20, 21)],
]]


# --------------------------------------------------------------------------------------------
# The error bounds (exact rational arithmetic; S exact sum, A = sum |x_i|, u = 2**-24)
# --------------------------------------------------------------------------------------------

def error_bound(name: str, n: int, S: Fraction, A: Fraction) -> tuple[Fraction, str]:
    """(bound, formula) on |S^ - S| for the algorithm `name` on n terms."""
    u = Fraction(1, 2 ** 24)
    if name == "naive_sum":
        return (n - 1) * u * A, "(n-1)·u·Σ|x|"
    if name == "kahan_sum":
        return (2 * u + KAHAN_C * n * u * u) * A, f"(2u + {KAHAN_C}·n·u²)·Σ|x|"
    if name == "neumaier_sum":
        gamma = (n - 1) * u / (1 - (n - 1) * u)
        return u * abs(S) + gamma * gamma * A, "u·|S| + γ(n-1)²·Σ|x|, γ(k) = k·u/(1-k·u)"
    raise KeyError(name)


def check_error_bound(name: str, got_value: float, x: np.ndarray) -> None:
    """Assert |got - S| <= the bound of `name`, with a message a student can act on."""
    ks = [to_units(v) for v in x.tolist()]
    scale = Fraction(1, 2 ** SCALE)
    S = sum(ks) * scale
    A = sum(abs(k) for k in ks) * scale
    err = abs(Fraction(got_value) - S)
    bound, formula = error_bound(name, len(x), S, A)
    observe(err, bound, label=f"{name}: |S^ - S| vs {formula}", over=err > bound)
    if err <= bound:
        return
    raise AssertionError(
        f"{name}(x) = {got_value!r} is too far from the exact sum for x = {show_array(x)}:\n"
        f"  exact sum S = {float(S)!r} (math.fsum(x) = {math.fsum(x.tolist())!r}), "
        f"n = {len(x)}, Σ|x| = {float(A)!r}\n"
        f"  error |S^ - S| = {float(err):.6g} > bound {formula} = {float(bound):.6g}")
