"""Hidden tests of bf16_accumulation: every float32 rounding decision (all 65536 upper halves at
the tie and either side of it, and NaN payloads), long vectors (256 to 4096 terms), long update
sequences, hand-picked hard cases and a sweep of stall points, against the reference. One
function per test, so a bug loses only the points of its own function."""

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from bf16_strategies import (  # noqa: E402
    F32,
    HARD_ACCUMULATE,
    HARD_BLOCKED,
    HARD_PAIRS,
    Vectors,
    from_bits,
    same,
    show,
    show_array,
)


def _value(name, got):
    if isinstance(got, bool) or not isinstance(got, (float, int, np.floating, np.integer)):
        raise AssertionError(f"{name} returned a {type(got).__name__}")
    return float(got)


def check_same(name, got, want, args_text):
    if not same(_value(name, got), want):
        raise AssertionError(f"{name}({args_text}) returned {got!r}, expected {show(want)}")


# ---------------------------------------------------------------------------- round_to_bf16

@points(3)
def test_hidden_round_to_bf16_all_patterns(sub, ref):
    """round_to_bf16 is exact on every upper half with the low halves 0x0001, 0x7FFF, 0x8000 and 0x8001 (the NaNs among them give NaNs)."""
    tops = np.arange(0x10000, dtype=np.uint64) << 16
    inputs = [(from_bits(tops | low),) for low in (0x0001, 0x7FFF, 0x8000, 0x8001)]
    answers = sub.many("round_to_bf16", inputs)
    for (a,), got in zip(inputs, answers):
        want = ref.round_to_bf16(a)
        assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.shape == a.shape, \
            "round_to_bf16 must return a float32 ndarray of the input's shape"
        nan = np.isnan(want)
        assert np.isnan(got[nan]).all(), "a NaN input must give a NaN"
        bad = np.flatnonzero(got[~nan].view(np.uint32) != want[~nan].view(np.uint32))
        assert bad.size == 0, (f"round_to_bf16({show(a[~nan][bad[0]])}) returned "
                               f"{show(got[~nan][bad[0]])}, expected {show(want[~nan][bad[0]])}")


# ------------------------------------------------------------------------------ dot products

def check_dot_against_ref(sub, ref, name, x, y, block=None):
    args = (x, y) if block is None else (x, y, block)
    got = getattr(sub, name)(*args)
    want = getattr(ref, name)(*args)
    text = f"x = {show_array(x)}, y = {show_array(y)}" + ("" if block is None else f", {block}")
    check_same(name, got, want, text)


long_vectors = st.builds(Vectors, st.sampled_from(Vectors.KINDS), st.integers(256, 4096),
                         st.integers(0, 2 ** 32 - 1))


@points(3)
@settings(max_examples=5)
@given(v=long_vectors)
def test_hidden_dot_bf16_long_vectors(sub, ref, v):
    """dot_bf16 is exact on long vectors (256 to 4096 terms)."""
    check_dot_against_ref(sub, ref, "dot_bf16", v.x, v.y)


@points(2)
def test_hidden_dot_bf16_hard_cases(sub, ref):
    """dot_bf16 is exact on hand-picked hard cases."""
    for x, y in HARD_PAIRS.values():
        check_dot_against_ref(sub, ref, "dot_bf16", x, y)


@points(3)
@settings(max_examples=5)
@given(v=long_vectors)
def test_hidden_dot_fp32_long_vectors(sub, ref, v):
    """dot_fp32 is exact on long vectors (256 to 4096 terms)."""
    check_dot_against_ref(sub, ref, "dot_fp32", v.x, v.y)


@points(2)
def test_hidden_dot_fp32_hard_cases(sub, ref):
    """dot_fp32 is exact on hand-picked hard cases."""
    for x, y in HARD_PAIRS.values():
        check_dot_against_ref(sub, ref, "dot_fp32", x, y)


@points(3)
@settings(max_examples=5)
@given(v=long_vectors, block=st.sampled_from([3, 7, 16, 32, 64, 100, 128]))
def test_hidden_dot_blocked_long_vectors(sub, ref, v, block):
    """dot_blocked is exact on long vectors (256 to 4096 terms), for blocks from 3 to 128."""
    check_dot_against_ref(sub, ref, "dot_blocked", v.x, v.y, block)


@points(2)
def test_hidden_dot_blocked_hard_cases(sub, ref):
    """dot_blocked is exact on hand-picked hard cases."""
    for x, y, block in HARD_BLOCKED.values():
        check_dot_against_ref(sub, ref, "dot_blocked", x, y, block)
    for x, y in HARD_PAIRS.values():
        for block in (1, 2, 3, len(x) + 1):
            check_dot_against_ref(sub, ref, "dot_blocked", x, y, block)


# ---------------------------------------------------------------------------- accumulate_bf16

@st.composite
def long_updates(draw):
    """A BF16 weight and 200 to 2000 small updates (an optimizer's steps, a gradient sum)."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    n = draw(st.integers(200, 2000))
    kind = draw(st.sampled_from(["sgd", "drift", "sum"]))
    if kind == "sgd":                         # updates far below the weight's ulp, random sign
        w = F32(1.0 + rng.integers(0, 128) / 128)
        u = rng.standard_normal(n) * 2.0 ** -int(rng.integers(6, 14))
    elif kind == "drift":                     # all the same sign: lost in BF16, not in FP32
        w = F32(rng.integers(1, 255))
        u = np.abs(rng.standard_normal(n)) * 2.0 ** -int(rng.integers(0, 8))
    else:                                     # a running sum of gradients from 0
        w = F32(0.0)
        u = rng.standard_normal(n)
    return w, u.astype(np.float32)


def with_trap(ref, w, u):
    """Append an update t = half an ulp of the running value w, plus or minus a float32 crumb:
    the float32 sum w + t drops the crumb and lands exactly on a BF16 tie, which rounds to the
    even neighbour, while the exact sum lies on the other side of the tie (crumb + for an even
    w, whose tie rounds down; - for an odd one, whose tie rounds up)."""
    end = ref.accumulate_bf16(w, u)
    if not np.isfinite(end) or end == 0:
        return u
    e = int(np.frexp(abs(float(end)))[1]) - 1           # 2**e <= |end| < 2**(e+1)
    odd = (int(np.array([end], dtype=np.float32).view(np.uint32)[0]) >> 16) & 1
    crumb = -(2.0 ** (e - 30)) if odd else 2.0 ** (e - 30)
    t = np.copysign(2.0 ** (e - 8) + crumb, float(end))
    return np.append(u, np.float32(t))


@points(2)
@settings(max_examples=5)
@given(wu=long_updates())
def test_hidden_accumulate_bf16_long(sub, ref, wu):
    """accumulate_bf16 is exact on 200 to 2000 updates."""
    w, u = wu
    u = with_trap(ref, w, u)
    check_same("accumulate_bf16", sub.accumulate_bf16(w, u), ref.accumulate_bf16(w, u),
               f"{w!r}, {show_array(u)}")


@points(1)
def test_hidden_accumulate_bf16_hard_cases(sub, ref):
    """accumulate_bf16 is exact on hand-picked hard cases."""
    for w, u in HARD_ACCUMULATE.values():
        check_same("accumulate_bf16", sub.accumulate_bf16(w, u), ref.accumulate_bf16(w, u),
                   f"{w!r}, {show_array(u)}")


# -------------------------------------------------------------------------------- stall_point

@points(2)
def test_hidden_stall_point_sweep(sub, ref):
    """stall_point is exact for every 37th positive BF16 up to 2**100 and its negative (bf16), and for a spread of float32 values (fp32)."""
    bf = from_bits((np.arange(1, 0x7F80, 37, dtype=np.uint64) << 16))
    bf = bf[bf <= 2.0 ** 100]
    fp = from_bits(np.arange(1, 0x71800000, 0x71800000 // 1500, dtype=np.uint64))
    calls = ([(F32(t), "bf16") for t in bf] + [(F32(-t), "bf16") for t in bf[::5]]
             + [(F32(t), "fp32") for t in fp] + [(F32(-t), "fp32") for t in fp[::5]])
    answers = sub.many("stall_point", calls)
    for (t, acc), got in zip(calls, answers):
        check_same("stall_point", got, ref.stall_point(t, acc), f"{show(t)}, {acc!r}")
