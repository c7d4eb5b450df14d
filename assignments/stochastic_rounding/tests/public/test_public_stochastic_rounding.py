"""Public tests of stochastic_rounding: BF16 rounding to nearest even and stochastic rounding with
given random bits, the exact probability of rounding up, a BF16 training loop, and the hand part.

Every test calls ONE of your functions (sgd_bf16's tests also reach the rounding functions you
call from it). The oracles are in sr_strategies.py: the exact rounding of each value (from
its BF16 neighbours and the fraction d / 65536 between them), for both roundings. There are no tolerances:
results are compared bit for bit (any NaN for a NaN; +0.0 and -0.0 differ).
"""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.testing import points
from sr_strategies import (ALL_R, Bf16Case, SgdCase, bf16_cases, check_array, check_trajectory,
                           check_unbiased, compare, d_of, f32, hand_sum, patterns, rne_oracle,
                           sgd_cases, show, sr_oracle)

C = Bf16Case.of

# ------------------------------------------------------------------- named hard cases (bits)
TIE_EVEN = C([0x3F808000, 0x40408000])            # halfway, kept pattern even: stays
TIE_ODD = C([0x3F818000, 0xBF818000])             # halfway, kept pattern odd: goes up (magnitude)
NEAR_TIE = C([0x3F807FFF, 0x3F808001, 0x3F80FFFF, 0x3F800001])
EXACT = C([0x3F800000, 0x40490000, 0xC2F70000, 0x00010000, 0x7F7F0000, 0x00800000])
NEGATIVE = C([0xBF80C000, 0xBF804000, 0xC1234567, 0xBF818000])
SUBNORMAL = C([0x00008000, 0x00018000, 0x00000001, 0x007FFFFF, 0x007F8000, 0x80008001,
               0x80000001])
OVERFLOW = C([0x7F7F7FFF, 0x7F7F8000, 0x7F7FFFFF, 0xFF7F8000, 0xFF7F7FFF])
NAN = C([0x7F800001, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FC00000, 0xFF800100, 0x7FFF8000])
ZEROS_INF = C([0x00000000, 0x80000000, 0x7F800000, 0xFF800000])


# ------------------------------------------------------------------------------ round_bf16_rne

@points(2)
@given(case=bf16_cases())
@example(case=TIE_EVEN)
@example(case=TIE_ODD)
@example(case=NEAR_TIE)
@example(case=EXACT)
@example(case=NEGATIVE)
@example(case=SUBNORMAL)
@example(case=OVERFLOW)
@example(case=NAN)
@example(case=ZEROS_INF)
def test_round_bf16_rne(sub, case):
    """round_bf16_rne rounds each float32 to the nearest BF16 value, ties to even; NaN stays NaN, ±inf and ±0 stay, overflow gives ±inf."""
    got = check_array("round_bf16_rne(x)", sub.round_bf16_rne(case.x), case.x.shape)
    compare("round_bf16_rne", case.x, got, rne_oracle(case.x))


@points(1)
def test_round_bf16_rne_returns_float32_array(sub):
    """round_bf16_rne returns a float32 ndarray of x's shape (1-D to 3-D, empty included), with the right values."""
    for shape in [(0,), (1,), (7,), (4, 5), (2, 0), (2, 3, 4)]:
        case = Bf16Case(seed=11, shape=shape, kind="mixed")
        got = check_array(f"round_bf16_rne(x of shape {shape})", sub.round_bf16_rne(case.x), shape)
        compare("round_bf16_rne", case.x, got, rne_oracle(case.x))


BAD_X = [
    (np.array([1.0, 2.0]), "a float64 array"),
    (np.array([1.0, 2.0], dtype=np.float16), "a float16 array"),
    (np.array([1, 2], dtype=np.int32), "an int32 array"),
    (np.array([1, 2], dtype=np.uint32), "a uint32 array (a bit pattern is not a float32 array)"),
    ([1.0, 2.0], "a list"),
]


def _expect(exc, call, what, fn, *args):
    try:
        got = fn(*args)
    except exc:
        return
    except Exception as e:  # the student's function raised another exception class
        kind = next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")
        pytest.fail(f"{call} with {what} raised {kind}: {e}; it must raise {exc.__name__}")
    pytest.fail(f"{call} with {what} returned {type(got).__name__}; it must raise {exc.__name__}")


@points(0.5)
def test_round_bf16_rne_rejects_bad_input(sub):
    """round_bf16_rne raises TypeError unless x is a numpy float32 array."""
    for x, what in BAD_X:
        _expect(TypeError, "round_bf16_rne(x)", f"x {what}", sub.round_bf16_rne, x)


# ------------------------------------------------------------------------------- round_bf16_sr

@points(2.5)
@given(case=bf16_cases())
@example(case=C([0x3F800000, 0xC0490000, 0x00010000], r=0))              # d = 0, r = 0: no move
@example(case=C([0x3F800000, 0xC0490000, 0x00000000], r=0xFFFF))         # d = 0, r = max
@example(case=C([0x3F808000, 0x3F818000, 0xBF808000], r=0x7FFF))         # tie, r < d: up
@example(case=C([0x3F808000, 0x3F818000, 0xBF808000], r=0x8000))         # tie, r = d: down
@example(case=C([0x3F800001, 0x3F80FFFF, 0xC2C80123], r=0))              # r = 0: every d > 0 up
@example(case=C([0x3F80FFFF, 0x3F800001, 0xC2C8FFFF], r=0xFFFF))         # r = max: never up
@example(case=C([0x3F801234, 0x3F801234, 0xBF801234, 0xBF801234],
                r=[0x1233, 0x1234, 0x1233, 0x1234]))                     # r = d - 1 and r = d
@example(case=C([0xBF80C000, 0xC1234567, 0x80000001, 0x80000001],
                r=[0x0100, 0x4566, 0x0000, 0x0001]))                     # negatives, -tiny -> -0
@example(case=C([0x00000001, 0x00000001, 0x007FFFFF, 0x007F0001, 0x80008000],
                r=[0x0000, 0x0001, 0x0000, 0x0000, 0x7FFF]))             # subnormals
@example(case=C([0x7F7F0001, 0x7F7FFFFF, 0xFF7F8000, 0x7F7FFFFF, 0x7F7F0000],
                r=[0x0000, 0xFFFE, 0x0000, 0xFFFF, 0x0000]))             # max -> inf
@example(case=C([0x7F800001, 0x7FFFFFFF, 0xFF800100, 0x7FC00000, 0x7F800001],
                r=[0x0000, 0x0000, 0x0000, 0x0000, 0xFFFF]))             # NaN
@example(case=C([0x00000000, 0x80000000, 0x7F800000, 0xFF800000], r=0))  # ±0, ±inf
def test_round_bf16_sr(sub, case):
    """round_bf16_sr moves |x| one BF16 ulp away from zero exactly when r < d (d the low 16 bits of x); NaN, ±inf, ±0 and BF16 values stay; overflow gives ±inf."""
    got = check_array("round_bf16_sr(x, r)", sub.round_bf16_sr(case.x, case.r), case.x.shape)
    compare("round_bf16_sr", case.x, got, sr_oracle(case.x, case.r), r=case.r)


UNBIASED_EDGES = [0x3F808000, 0x3F800001, 0x3F80FFFF, 0xBF80C000, 0x3F800000, 0x80000001,
                  0x007FFFFF, 0x7F7F0000, 0xFF7EFFFF, 0x80000000, 0x3F80624E]


@points(2)
@settings(max_examples=6)
@given(bits=st.lists(patterns(finite_bf16_range=True), min_size=2, max_size=3))
@example(bits=UNBIASED_EDGES[:4])
@example(bits=UNBIASED_EDGES[4:8])
@example(bits=UNBIASED_EDGES[8:])
def test_round_bf16_sr_unbiased(sub, bits):
    """Over all 65536 values of r, round_bf16_sr(x, r) sums to exactly 65536·x (checked with exact rationals), for |x| <= BF16 max."""
    xs = f32(bits)
    x = np.repeat(xs[:, None], 65536, axis=1)
    r = np.tile(ALL_R, (len(xs), 1))
    call = "round_bf16_sr(x, r) with r = 0..65535"
    got = check_array(call, sub.round_bf16_sr(x, r), x.shape)
    check_unbiased(call, xs, got)


@points(0.5)
def test_round_bf16_sr_rejects_bad_input(sub):
    """round_bf16_sr raises TypeError for x not float32 or r not uint16, and ValueError when their shapes differ."""
    r2 = np.array([1, 2], dtype=np.uint16)
    for x, what in BAD_X:
        _expect(TypeError, "round_bf16_sr(x, r)", f"x {what}", sub.round_bf16_sr, x, r2)
    x2 = np.array([1.5, 2.5], dtype=np.float32)
    for r, what in [(np.array([1, 2], dtype=np.int64), "an int64 array"),
                    (np.array([1, 2], dtype=np.uint32), "a uint32 array"),
                    (np.array([1, 2], dtype=np.int16), "an int16 array"),
                    ([1, 2], "a list")]:
        _expect(TypeError, "round_bf16_sr(x, r)", f"r {what}", sub.round_bf16_sr, x2, r)
    for xs, rs in [((3,), (4,)), ((2, 3), (3, 2)), ((6,), (2, 3)), ((1, 4), (4,))]:
        _expect(ValueError, "round_bf16_sr(x, r)", f"x of shape {xs} and r of shape {rs}",
                sub.round_bf16_sr, np.ones(xs, np.float32), np.zeros(rs, np.uint16))


# ------------------------------------------------------------------------------- sr_up_count

@points(1.5)
@given(bits=patterns())
@example(bits=0x3F80624E)     # float32(1.003): 25166, not 0.384 * 65536 = 25165.8
@example(bits=0x3F800000)     # exact: 0
@example(bits=0x3F808000)     # tie: 0x8000
@example(bits=0xBF80C000)     # negative: away from zero
@example(bits=0x00000001)     # smallest subnormal
@example(bits=0x7F7FFFFF)     # float32 max: rounds up to inf 65535 times out of 65536
@example(bits=0x7F800001)     # NaN: 0
@example(bits=0xFF800000)     # -inf: 0
@example(bits=0x80000000)     # -0.0: 0
def test_sr_up_count(sub, bits):
    """sr_up_count(x) is the number of r in 0..65535 for which round_bf16_sr(x, r) goes away from zero: d, or 0 for NaN and ±inf (a Python int)."""
    x = f32([bits])[0]
    got = sub.sr_up_count(x)
    assert type(got) is int, f"sr_up_count({show(x)}) must return a Python int, got {type(got).__name__}"
    xv = float(x)
    want = d_of(xv)
    if got != want:
        if not math.isfinite(xv):
            why = "NaN and ±inf never move, so no r rounds them up: 0"
        elif want == 0:
            why = "x is already a BF16 value: no r moves it, so 0"
        else:
            why = (f"x rounds away from zero exactly when r < d, and d = {want:#06x} (the low 16 "
                   f"bits of the pattern) values of r are below d")
        raise AssertionError(f"sr_up_count({show(x)}) = {got!r}, expected {want}: {why}")


@points(0.5)
def test_sr_up_count_rejects_non_float32(sub):
    """sr_up_count raises TypeError unless x is a numpy.float32 scalar (a Python float is a double)."""
    for v, what in [(1.003, "a Python float"), (np.float64(1.003), "a numpy.float64"),
                    (1, "a Python int"), (np.float16(1.0), "a numpy.float16")]:
        _expect(TypeError, f"sr_up_count({v!r})", what, sub.sr_up_count, v)


# ---------------------------------------------------------------------------------- sgd_bf16

U001 = np.float32(0.001)
STALL = SgdCase.of(1.0, [U001] * 200, label="w0 = 1.0, 200 updates of float32(0.001)")
# the float32 sum 1 + 2**-8 is a tie (it rounds to 1.0 even); the exact sum 1 + 2**-8 + 2**-31
# (a float64 addition) is above the tie and would round up
DOUBLE_ROUNDING = SgdCase.of(1.0, [2.0 ** -8 + 2.0 ** -31, 2.0 ** -8 + 2.0 ** -31],
                             bits=[0x8000, 0x8000])
TIES = SgdCase.of(1.0078125, [2.0 ** -8, 2.0 ** -8, -2.0 ** -8, 2.0 ** -7 + 2.0 ** -8],
                  bits=[0x7FFF, 0x8000, 0x0000, 0xFFFF])
CROSS_ZERO = SgdCase.of(-0.0078125, [0.003, 0.003, 0.003, 0.003, 0.002, -0.02],
                        bits=[0x1000, 0x9000, 0x0000, 0xFFFF, 0x4000, 0x2000])
EMPTY = SgdCase.of(-3.5, [], bits=[])
_rng = np.random.default_rng(2024)
DRIFT = SgdCase.of(1.0, [U001] * 1000, bits=_rng.integers(0, 65536, 1000),
                   label="w0 = 1.0, 1000 updates of float32(0.001), random_bits = "
                         "np.random.default_rng(2024).integers(0, 65536, 1000)")
ALL_ZERO_BITS = SgdCase.of(1.0, [U001] * 50, bits=[0] * 50)
ALL_MAX_BITS = SgdCase.of(1.0, [U001] * 50, bits=[0xFFFF] * 50)
NEGATIVE_WALK = SgdCase.of(-2.0, [-0.01, 0.004, -0.03, 0.0001, 0.02],
                           bits=[0x0100, 0x8000, 0xFFFE, 0x0000, 0x7000])


@points(1.5)
@given(case=sgd_cases())
@example(case=STALL)
@example(case=DOUBLE_ROUNDING)
@example(case=TIES)
@example(case=CROSS_ZERO)
@example(case=EMPTY)
def test_sgd_bf16_rne(sub, case):
    """sgd_bf16(w0, updates, None, "rne"): traj[0] = w0, traj[k+1] = round_bf16_rne(traj[k] + updates[k]) with a float32 addition; small updates stall."""
    got = sub.sgd_bf16(case.w0, case.updates, None, "rne")
    check_trajectory("sgd_bf16(w0, updates, None, 'rne')", got, case.w0, case.updates, None, "rne")


@points(1.5)
@given(case=sgd_cases())
@example(case=DRIFT)
@example(case=DOUBLE_ROUNDING)
@example(case=ALL_ZERO_BITS)
@example(case=ALL_MAX_BITS)
@example(case=TIES)
@example(case=CROSS_ZERO)
@example(case=NEGATIVE_WALK)
@example(case=EMPTY)
def test_sgd_bf16_sr(sub, case):
    """sgd_bf16(w0, updates, random_bits, "sr"): traj[k+1] = round_bf16_sr(traj[k] + updates[k], random_bits[k]), float32 addition, one random value per step, in order."""
    got = sub.sgd_bf16(case.w0, case.updates, case.bits, "sr")
    check_trajectory("sgd_bf16(w0, updates, random_bits, 'sr')", got, case.w0, case.updates,
                     case.bits, "sr")


@points(1)
def test_sgd_bf16_rejects_bad_input(sub):
    """sgd_bf16 raises ValueError for an unknown mode, a w0 that is not a finite BF16 value, and missing or mis-sized random bits in mode 'sr'."""
    u = np.full(4, 0.001, dtype=np.float32)
    bits = np.zeros(4, dtype=np.uint16)
    one = np.float32(1.0)
    cases = [
        ((one, u, bits, "RNE"), "mode 'RNE' (modes are lower case)"),
        ((one, u, bits, "stochastic"), "mode 'stochastic'"),
        ((one, u, None, None), "mode None"),
        ((np.float32(1.003), u, None, "rne"), "w0 = float32(1.003) (not a BF16 value)"),
        ((np.float32(1.003), u, bits, "sr"), "w0 = float32(1.003) in mode 'sr'"),
        ((np.float32(np.inf), u, None, "rne"), "w0 = inf"),
        ((np.float32(np.nan), u, bits, "sr"), "w0 = NaN"),
        ((one, u, None, "sr"), "mode 'sr' and random_bits None"),
        ((one, u, bits[:3], "sr"), "mode 'sr' and 3 random values for 4 updates"),
        ((one, u, np.zeros(5, np.uint16), "sr"), "mode 'sr' and 5 random values for 4 updates"),
    ]
    for args, what in cases:
        _expect(ValueError, "sgd_bf16(w0, updates, random_bits, mode)", what, sub.sgd_bf16, *args)


# ----------------------------------------------------------------------------------- hand part

@points(1)
def test_hand_rne(sub, variant, answer_digest):
    """HAND_RNE (a Python float) is round-to-nearest-even in BF16 of s = float32(w + float32(u)) for your w and u."""
    got = sub.HAND_RNE
    assert type(got) is float, f"HAND_RNE must be a Python float, got {type(got).__name__} {got!r}"
    s = hand_sum(variant)
    want = float(rne_oracle(np.array([s], dtype=np.float32))[0])
    assert answer_digest(got) == answer_digest(want), (
        f"HAND_RNE = {got!r} is not round-to-nearest-even of s = float32(w + float32(u)) in BF16 "
        f"for w = {variant['w']!r}, u = {variant['u']!r}: add in float32 (s is within one BF16 "
        f"ulp of w), then compare the discarded 16 bits with 0x8000. When you submit, w and u "
        f"are the ones your own statement names; a local `ulp check` uses the class's defaults.")


@points(1)
def test_hand_sr_up_count(sub, variant, answer_digest):
    """HAND_SR_UP_COUNT (a Python int) is the number of r in 0..65535 that make stochastic rounding move s away from zero."""
    got = sub.HAND_SR_UP_COUNT
    assert type(got) is int, (f"HAND_SR_UP_COUNT must be a Python int, got "
                              f"{type(got).__name__} {got!r}")
    assert 0 <= got <= 65535, f"HAND_SR_UP_COUNT = {got} is not a count of r values (0..65535)"
    want = d_of(float(hand_sum(variant)))
    assert answer_digest(got) == answer_digest(want), (
        f"HAND_SR_UP_COUNT = {got} is not the number of r values that move s = float32(w + "
        f"float32(u)) away from zero, for w = {variant['w']!r}, u = {variant['u']!r}: it is d, "
        f"the low 16 bits of s. If u points towards zero, s lies below |w| and 'away from zero' "
        f"is back up to |w|. When you submit, w and u are the ones your own statement names.")
