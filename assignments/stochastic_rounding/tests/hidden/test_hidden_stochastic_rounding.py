"""Hidden tests of stochastic_rounding: sweeps over every BF16 upper half with the edges of the
discarded half, unbiasedness at many more points, long training runs, and the hand answers for the
student's own w and u. Each is checked against the independent oracles (ml_dtypes' bfloat16,
exact rationals) and the reference."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.testing import points
from sr_strategies import (ALL_R, SGD_KINDS, SgdCase, bits1, check_array, check_trajectory,
                           check_unbiased, d_of, f32, hand_sum, library_rne, mismatches, patterns,
                           rne_oracle, sr_oracle)

LOWS = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF]


def every_upper_half(lows, seed):
    """Every 16-bit upper half (both signs, NaN and inf included) with each of `lows` and one
    random low half: 65536 * (len(lows) + 1) patterns."""
    upper = np.arange(65536, dtype=np.uint64) << np.uint64(16)
    rnd = np.random.default_rng(seed).integers(0, 65536, size=65536, dtype=np.uint64)
    cols = [upper | np.uint64(lo) for lo in lows] + [upper | rnd]
    return np.stack(cols, axis=1)


@points(2)
def test_hidden_round_bf16_rne_every_upper_half(sub, ref):
    """round_bf16_rne is right for every upper half with every edge of the discarded half."""
    x = f32(every_upper_half(LOWS, 1).reshape(-1)).reshape(65536, len(LOWS) + 1)
    got = check_array("round_bf16_rne(x)", sub.round_bf16_rne(x), x.shape)
    want = library_rne(x)
    assert not mismatches(ref.round_bf16_rne(x), want).any(), "reference and oracle disagree"
    bad = mismatches(got, want)
    assert not bad.any(), f"{int(bad.sum())} elements wrong"


@points(2)
def test_hidden_round_bf16_sr_every_upper_half(sub, ref):
    """round_bf16_sr is right for every upper half with the edges of d and of r."""
    pats = every_upper_half(LOWS, 2)
    x = f32(pats.reshape(-1)).reshape(pats.shape)
    d = (pats & np.uint64(0xFFFF)).astype(np.int64)
    rng = np.random.default_rng(3)
    kind = rng.integers(0, 6, size=d.shape)
    r = np.select([kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
                  [0, 0xFFFF, d - 1, d, d + 1], rng.integers(0, 65536, size=d.shape))
    r = np.clip(r, 0, 0xFFFF).astype(np.uint16)
    got = check_array("round_bf16_sr(x, r)", sub.round_bf16_sr(x, r), x.shape)
    want = ref.round_bf16_sr(x, r)
    idx = rng.integers(0, x.size, 3000)         # spot-check the reference against the oracle
    xs, rs = x.reshape(-1)[idx], r.reshape(-1)[idx]
    assert not mismatches(want.reshape(-1)[idx], sr_oracle(xs, rs)).any()
    bad = mismatches(got, want)
    assert not bad.any(), f"{int(bad.sum())} elements wrong"


@points(2)
@settings(max_examples=2)
@given(bits=st.lists(patterns(finite_bf16_range=True), min_size=8, max_size=8))
def test_hidden_round_bf16_sr_unbiased_many(sub, bits):
    """Exact unbiasedness over all 65536 r at many more values."""
    xs = f32(bits)
    x = np.repeat(xs[:, None], 65536, axis=1)
    r = np.tile(ALL_R, (len(xs), 1))
    got = check_array("round_bf16_sr(x, r)", sub.round_bf16_sr(x, r), x.shape)
    check_unbiased("round_bf16_sr(x, r) with r = 0..65535", xs, got)


@points(1.5)
def test_hidden_sr_up_count_sweep(sub, ref):
    """sr_up_count on 3000 patterns of every kind (one round trip)."""
    rng = np.random.default_rng(5)
    pats = np.concatenate([every_upper_half(LOWS, 6)[rng.integers(0, 65536, 400)].reshape(-1),
                           rng.integers(0, 2 ** 32, size=200, dtype=np.uint64)])
    xs = f32(pats)
    got = sub.many("sr_up_count", [(v,) for v in xs])
    for v, g in zip(xs, got):
        want = d_of(float(v))
        assert want == ref.sr_up_count(v)
        assert type(g) is int and g == want, f"sr_up_count wrong for pattern {bits1(v):#010x}"


# The public examples' hard steps (ties of both parities, d = 0 with r = 0, r = d - 1 and r = d,
# the float32-sum tie, zero crossings, negatives), in both modes.
HARD_RUNS = [
    SgdCase.of(1.0, [2.0 ** -8 + 2.0 ** -31] * 2, bits=[0x8000, 0x7FFF]),
    SgdCase.of(1.0078125, [2.0 ** -8, 2.0 ** -8, -2.0 ** -8, 2.0 ** -7 + 2.0 ** -8, 2.0 ** -7],
               bits=[0x7FFF, 0x8000, 0x0000, 0xFFFF, 0x0000]),
    SgdCase.of(-0.0078125, [0.003, 0.003, 0.003, 0.003, 0.002, -0.02],
               bits=[0x1000, 0x9000, 0x0000, 0xFFFF, 0x4000, 0x2000]),
    SgdCase.of(-2.0, [-0.01, 0.004, -0.03, 0.0001, 0.02, -2.0 ** -6],
               bits=[0x0100, 0x8000, 0xFFFE, 0x0000, 0x7000, 0x0000]),
    SgdCase.of(1.0, [np.float32(0.001)] * 300, bits=[0] * 150 + [0xFFFF] * 150),
]


@points(2)
@settings(max_examples=1)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_hidden_sgd_bf16_long_runs(sub, seed):
    """Hard steps, long runs of every kind (300 steps), in both modes; the classic stall."""
    runs = HARD_RUNS + [SgdCase(seed=seed + i, n=300, kind=kind) for i, kind in enumerate(SGD_KINDS)]
    for case in runs:
        for mode, bits in [("rne", None), ("sr", case.bits)]:
            got = sub.sgd_bf16(case.w0, case.updates, bits, mode)
            check_trajectory(f"sgd_bf16 (mode {mode})", got, case.w0, case.updates, bits, mode)
    # 1.0 + 1000 * float32(0.001): RNE stays at 1.0, SR ends near 2
    u = np.full(1000, 0.001, dtype=np.float32)
    bits = np.random.default_rng(seed).integers(0, 65536, 1000).astype(np.uint16)
    got = sub.sgd_bf16(np.float32(1.0), u, bits, "sr")
    check_trajectory("sgd_bf16 (stall, mode sr)", got, np.float32(1.0), u, bits, "sr")


@points(2)
def test_hidden_hand_answers(sub, variant):
    """HAND_RNE and HAND_SR_UP_COUNT are right for your w and u."""
    s = hand_sum(variant)
    want_rne = float(rne_oracle(np.array([s], dtype=np.float32))[0])
    want_count = d_of(float(s))
    assert type(sub.HAND_RNE) is float and sub.HAND_RNE == want_rne
    assert type(sub.HAND_SR_UP_COUNT) is int and sub.HAND_SR_UP_COUNT == want_count
