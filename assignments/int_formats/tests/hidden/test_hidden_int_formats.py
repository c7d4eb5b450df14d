"""Hidden tests of int_formats: the hand answers for the student's own numbers, exhaustive sweeps
of small widths and small Q-formats, and random inputs against the reference and the exact
oracles. Sweeps go through sub.many (one round trip per sweep)."""

import math
from fractions import Fraction

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st
from int_formats_strategies import (
    HUGE,
    NUMPY_INTS,
    bits_value,
    hi,
    is_wrap_of,
    lo,
    q_in_range_case,
    q_limits,
    q_outside_case,
    q_round,
)

from autograder.testing import points

SMALL = range(2, 11)


def np_of(v):
    """v as the smallest-dtype NumPy integer that holds it (a deterministic choice)."""
    for t in NUMPY_INTS:
        if np.iinfo(t).min <= v <= np.iinfo(t).max:
            return t(v)
    return v


@points(2)
def test_hidden_hand_answers(sub, variant):
    """HAND_INT8 and HAND_Q34 are the INT8 and Q3.4 encodings of your numbers."""
    v8, vq = variant["v_int8"], variant["v_q34"]
    code = Fraction(vq) * 16
    assert code.denominator == 1 and -128 <= code < 0 and -128 <= v8 < 0
    want = (format(v8 + 256, "08b"), format(int(code) + 256, "08b"))
    got = (sub.HAND_INT8, sub.HAND_Q34)
    assert all(type(g) is str for g in got), "the hand answers must be strings"
    assert got == want, "the hand answers are not the encodings of your numbers"


@points(3)
def test_hidden_encode_bits_every_value(sub):
    """encode_bits is right for every value of every width 2..10, and at the ends of 11..64."""
    cases = [(v, b) for b in SMALL for v in range(lo(b), hi(b) + 1)]
    cases += [(v, b) for b in range(11, 65) for v in (lo(b), lo(b) + 1, -1, 0, 1, hi(b))]
    cases += [(np_of(v), np_of(b)) for v, b in cases[::7]]
    for (v, b), got in zip(cases, sub.many("encode_bits", cases)):
        assert type(got) is str and len(got) == int(b) and set(got) <= {"0", "1"}, (v, b)
        assert bits_value(got) == int(v), (v, b)


@points(3)
def test_hidden_decode_bits_every_pattern(sub):
    """decode_bits is right for every string of every width 2..10, and at the ends of 11..64."""
    cases = [(format(p, f"0{b}b"), b) for b in SMALL for p in range(2 ** b)]
    cases += [(format(p, f"0{b}b"), b) for b in range(11, 65)
              for p in (0, 1, 2 ** (b - 1) - 1, 2 ** (b - 1), 2 ** (b - 1) + 1, 2 ** b - 1)]
    for (s, b), got in zip(cases, sub.many("decode_bits", cases)):
        assert type(got) is int and got == bits_value(s), (s, b)


@points(1)
def test_hidden_to_unsigned_every_value(sub):
    """to_unsigned is right for every value of every width 2..10, and at the ends of 11..64."""
    cases = [(v, b) for b in SMALL for v in range(lo(b), hi(b) + 1)]
    cases += [(np_of(v), b) for b in range(11, 65) for v in (lo(b), -1, 0, hi(b))]
    for (v, b), got in zip(cases, sub.many("to_unsigned", cases)):
        assert type(got) is int and 0 <= got < 2 ** b, (v, b)
        assert bits_value(format(got, f"0{b}b")) == int(v), (v, b)


@points(1)
def test_hidden_from_unsigned_every_pattern(sub):
    """from_unsigned is right for every pattern of every width 2..10, and at the ends of 11..64."""
    cases = [(p, b) for b in SMALL for p in range(2 ** b)]
    cases += [(np_of(p), b) for b in range(11, 65)
              for p in (0, 2 ** (b - 1) - 1, 2 ** (b - 1), 2 ** b - 1)]
    for (p, b), got in zip(cases, sub.many("from_unsigned", cases)):
        assert type(got) is int and got == bits_value(format(int(p), f"0{b}b")), (p, b)


@points(2)
def test_hidden_wrap_sweep(sub):
    """wrap agrees with the definition around every multiple of 2**b for small b, at the ends of every width, for huge and NumPy ints."""
    cases = [(k * 2 ** b + off, b) for b in (2, 3, 8) for k in range(-3, 4)
             for off in range(-(2 ** (b - 1)) - 1, 2 ** (b - 1) + 1)]
    cases += [(k * 2 ** b + off, b) for b in range(2, 65) for k in (-1, 0, 1)
              for off in (lo(b) - 1, lo(b), -1, 0, hi(b), hi(b) + 1)]
    cases += [(h, b) for h in HUGE for b in (2, 17, 64)]
    cases += [(np_of(v), np_of(b)) for v, b in cases[::9]]
    for (v, b), g in zip(cases, sub.many("wrap", cases)):
        assert is_wrap_of(g, int(v), int(b)), (v, b)


@points(2)
def test_hidden_wrap_add_every_pair(sub):
    """wrap_add is right for every pair of operands of 2 to 5 bits, and at the ends of 6..64."""
    cases = [(x, y, b) for b in range(2, 6) for x in range(lo(b), hi(b) + 1)
             for y in range(lo(b), hi(b) + 1)]
    ends = lambda b: (lo(b), lo(b) + 1, -1, 0, 1, hi(b) - 1, hi(b))
    cases += [(x, y, b) for b in range(6, 65) for x in ends(b) for y in ends(b)]
    cases += [(np_of(x), np_of(y), b) for x, y, b in cases[::11]]
    for (x, y, b), got in zip(cases, sub.many("wrap_add", cases)):
        assert is_wrap_of(got, int(x) + int(y), b), (x, y, b)


@points(2)
def test_hidden_wrap_mul_every_pair(sub):
    """wrap_mul is right for every pair of operands of 2 to 5 bits, and at the ends of 6..64."""
    cases = [(x, y, b) for b in range(2, 6) for x in range(lo(b), hi(b) + 1)
             for y in range(lo(b), hi(b) + 1)]
    ends = lambda b: (lo(b), lo(b) + 1, -1, 0, 1, 2, hi(b) - 1, hi(b))
    cases += [(x, y, b) for b in range(6, 65) for x in ends(b) for y in ends(b)]
    cases += [(np_of(x), np_of(y), b) for x, y, b in cases[::11]]
    for (x, y, b), got in zip(cases, sub.many("wrap_mul", cases)):
        assert is_wrap_of(got, int(x) * int(y), b), (x, y, b)


@points(2)
def test_hidden_saturate_sweep(sub):
    """saturate clamps every value around the ends of every width, huge and NumPy ones too, in both modes (symmetric passed by position and by keyword)."""
    cases = [(v, b) for b in range(2, 65) for v in (lo(b) - 1, lo(b), lo(b) + 1, -1, 0, hi(b),
                                                   hi(b) + 1, 10 ** 30, -(10 ** 30))]
    cases += [(np_of(v), np_of(b)) for v, b in cases[::7]]
    for sym in (False, True):
        got = sub.many("saturate", [(v, b, sym) for v, b in cases])
        for (v, b), g in zip(cases, got):
            v, b = int(v), int(b)
            assert type(g) is int and g == min(max(v, -hi(b) if sym else lo(b)), hi(b)), (v, b, sym)
    got = [sub.saturate(-128, 8, symmetric=True), sub.saturate(-128, 8, symmetric=False),
           sub.saturate(-(10 ** 400), 64, True)]
    assert got == [-127, -128, -(2 ** 63) + 1]


SMALL_Q = [(3, 4), (7, 0), (0, 1), (1, 0), (1, 2), (2, 0)]         # Q0.7, Q0.31... in the public tests


def tie_sweep(m, n):
    """Every code's value, every tie between two codes, one double either side of each tie,
    and half a step and a step beyond each end of Qm.n."""
    low, high = q_limits(m, n)
    step = Fraction(1, 2 ** n)
    out = []
    for k in range(low - 1, high + 2):
        exact = float(k * step)
        tie = float((k + Fraction(1, 2)) * step)
        out += [exact, tie, math.nextafter(tie, math.inf), math.nextafter(tie, -math.inf)]
    return out + [math.inf, -math.inf, 1e300, -1e300, -0.0, 5e-324, -5e-324]


@points(3)
def test_hidden_q_encode_every_tie(sub):
    """q_encode is right at every code, tie and near-tie of small Q-formats (Q3.4, Q7.0, Q0.1, ...), in both roundings."""
    for rounding in ("nearest_even", "floor"):
        for m, n in SMALL_Q:
            xs = tie_sweep(m, n)
            got = sub.many("q_encode", [(x, m, n, rounding) for x in xs])
            for x, g in zip(xs, got):
                assert type(g) is int and g == q_round(x, m, n, rounding), (x, m, n, rounding)


@points(2)
@given(case=st.one_of(q_in_range_case(), q_outside_case()),
       rounding=st.sampled_from(["nearest_even", "floor"]))
@example(case=(-0.5, 31, 0), rounding="nearest_even")
@example(case=(-(2.0 ** -32), 0, 31), rounding="nearest_even")
@example(case=(-(2.0 ** -32), 0, 31), rounding="floor")
@example(case=(np.float16(-0.0), 3, 4), rounding="floor")
@example(case=(-1.5 * 2.0 ** -31, 0, 31), rounding="nearest_even")
@example(case=(2.5, 7, 0), rounding="nearest_even")
@example(case=(-2.5 * 2.0 ** -4, 3, 4), rounding="floor")
@example(case=(1e300, 0, 31), rounding="floor")
@example(case=(-1.7976931348623157e308, 0, 31), rounding="nearest_even")
@example(case=(1.7976931348623157e308, 15, 16), rounding="floor")
def test_hidden_q_encode_random(sub, ref, case, rounding):
    """q_encode agrees with the exact oracle (and the reference) on random formats and inputs."""
    x, m, n = case
    got = sub.q_encode(x, m, n, rounding)
    want = q_round(x, m, n, rounding)
    assert type(got) is int and got == want == ref.q_encode(x, m, n, rounding)


@points(2)
def test_hidden_q_decode_every_code(sub):
    """q_decode is exact for every code of small Q-formats and at the ends of every format up to 32 bits."""
    cases = [(k, m, n) for m, n in SMALL_Q for k in range(q_limits(m, n)[0], q_limits(m, n)[1] + 1)]
    cases += [(k, m, w - 1 - m) for w in range(2, 33) for m in range(w)
              for k in (q_limits(m, w - 1 - m)[0], -1, 0, 1, q_limits(m, w - 1 - m)[1])]
    cases += [(np_of(k), m, n) for k, m, n in cases[::13]]
    for (k, m, n), got in zip(cases, sub.many("q_decode", cases)):
        assert type(got) is float and Fraction(got) == Fraction(int(k), 2 ** n), (k, m, n)


@points(1)
def test_hidden_q_range_every_format(sub):
    """q_range is exact for every Q-format of 2 to 32 bits."""
    cases = [(m, w - 1 - m) for w in range(2, 33) for m in range(w)]
    for (m, n), got in zip(cases, sub.many("q_range", cases)):
        assert type(got) is tuple and len(got) == 3 and all(type(v) is float for v in got)
        assert tuple(Fraction(v) for v in got) == (-Fraction(2) ** m,
                                                   Fraction(2) ** m - Fraction(1, 2 ** n),
                                                   Fraction(1, 2 ** n)), (m, n)

