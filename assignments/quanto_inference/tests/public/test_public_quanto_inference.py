"""Public tests of quanto_inference: what `ulp check` runs for students.

Every expected value comes from optimum-quanto itself or from the statement's formulas
(quanto_inference_model.py), never from the reference solution.
"""

import math

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from quanto_inference_checks import check_budget, check_sensitivity
from quanto_inference_model import (
    KINDS,
    LAYERS,
    QTYPES,
    TYPES,
    Case,
    all_qint4,
    layer_shapes,
    plan_bytes,
    plan_error,
    sensitivities,
    weight_bytes,
)
from quanto_inference_qbits import QBitsCase, check_decode, hand_answers, qbits_cases

from autograder.testing import points

# ------------------------------------------------------------------------------------ hand part


def _hand(variant):
    return hand_answers(variant)


@points(2)
def test_hand_values(sub, variant, answer_digest):
    """HAND_LOW and HAND_HIGH are the two weights your byte decodes to (floats, exact)."""
    low, high, _, _ = _hand(variant)
    got = (sub.HAND_LOW, sub.HAND_HIGH)
    assert all(type(v) is float for v in got), (
        f"HAND_LOW and HAND_HIGH must be Python floats, got {type(got[0]).__name__} and "
        f"{type(got[1]).__name__}")
    assert answer_digest(got[0]) == answer_digest(low), (
        "HAND_LOW is not scale_lo * (low nibble) - shift_lo for your byte (see the statement: "
        "the low nibble is bits 0-3, and the shift is subtracted after scaling)")
    assert answer_digest(got[1]) == answer_digest(high), (
        "HAND_HIGH is not scale_hi * (high nibble) - shift_hi for your byte")


@points(2)
def test_hand_positions(sub, variant, answer_digest):
    """HAND_LOW_POS and HAND_HIGH_POS are the (row, col) of those weights in the layer's weight."""
    _, _, lo, hi = _hand(variant)
    got = (sub.HAND_LOW_POS, sub.HAND_HIGH_POS)
    for name, g in zip(("HAND_LOW_POS", "HAND_HIGH_POS"), got):
        assert isinstance(g, tuple) and len(g) == 2 and all(type(v) is int for v in g), (
            f"{name} must be a tuple (row, col) of two Python ints, got {g!r}")
    assert answer_digest(got[0]) == answer_digest(tuple(lo)), (
        "HAND_LOW_POS is not where the low nibble's weight sits: grouped row i, column j")
    assert answer_digest(got[1]) == answer_digest(tuple(hi)), (
        "HAND_HIGH_POS is not where the high nibble's weight sits: the high nibble of packed "
        "row i holds grouped row i + ceil(R/2), not row i + 1")


# ----------------------------------------------------------------------------------- weight_bytes

SHAPES = st.tuples(st.integers(2, 600), st.integers(1, 1100))


@points(2)
def test_weight_bytes_tinynet(sub):
    """weight_bytes gives the statement's bytes for every layer of TinyNet and every type."""
    shapes = layer_shapes(Case(0).state)
    calls = [(shapes[n], t) for n in LAYERS for t in TYPES]
    got = sub.many("weight_bytes", calls)
    for (shape, t), g in zip(calls, got):
        want = weight_bytes(shape, t)
        assert type(g) is int, f"weight_bytes({shape}, {t!r}) must return an int, got {g!r}"
        assert g == want, f"weight_bytes({shape}, {t!r}) = {g}, expected {want}"


@points(3)
@given(shape=SHAPES)
@example(shape=(256, 128)).via("in = 128: one group per row (group size None)")
@example(shape=(8, 129)).via("in = 129: no group size divides it: one group per row")
@example(shape=(10, 160)).via("in = 160: group size 32")
@example(shape=(4, 192)).via("in = 192: group size 96")
@example(shape=(4, 320)).via("in = 320: group size 64")
@example(shape=(3, 224)).via("in = 224: group size 32, R = 21 groups (odd)")
@example(shape=(5, 64)).via("5 rows of 64: R odd, the last packed row half full")
def test_weight_bytes_any_shape(sub, shape):
    """weight_bytes follows quanto's group-size rule and storage for any (out, in)."""
    calls = [(shape, t) for t in TYPES]
    got = sub.many("weight_bytes", calls)
    for (_, t), g in zip(calls, got):
        want = weight_bytes(shape, t)
        assert type(g) is int, f"weight_bytes({shape}, {t!r}) must return an int, got {g!r}"
        assert g == want, (
            f"weight_bytes({shape}, {t!r}) = {g}, expected {want} (qint4: ceil(R/2)*C bytes of "
            f"codes + 8 bytes of float32 scale and shift per group; qint8/qfloat8: 1 byte per "
            f"weight + a float32 scale per row; none: 4 bytes per weight)")


BAD_BYTES = [((4, 8), "int4"), ((4, 8), None), ((0, 8), "qint8"), ((4, 8, 2), "none"),
             ((4, 8.0), "none")]


@points(1)
def test_weight_bytes_rejects(sub):
    """weight_bytes raises ValueError for an unknown type or a bad shape."""
    for shape, qtype in BAD_BYTES:
        with pytest.raises(ValueError):
            sub.weight_bytes(shape, qtype)


# ----------------------------------------------------------------------------------- decode_qint4

@points(5)
@given(case=qbits_cases())
@example(case=QBitsCase(5, 64, 1)).via("5 rows, one group per row: R odd")
@example(case=QBitsCase(3, 160, 2)).via("group size 32, R = 15 groups: odd")
@example(case=QBitsCase(128, 256, 3)).via("TinyNet's block.down: group size 128")
@example(case=QBitsCase(32, 192, 4)).via("TinyNet's head: group size 96")
@example(case=QBitsCase(6, 64, 5, "zero_rows")).via("all-zero rows: scale 0")
@example(case=QBitsCase(4, 256, 6, "constant_rows")).via("constant groups: scale 0, shift -c")
def test_decode_matches_quanto(sub, case):
    """decode_qint4 turns quanto's packed data, scale and shift back into quanto's weights."""
    got = sub.decode_qint4(*case.args())
    check_decode(case, got)


@points(1)
def test_decode_rejects(sub):
    """decode_qint4 raises TypeError for non-uint8 data or float64 scale, ValueError when shapes disagree."""
    data, scale, shift, gs, shape = QBitsCase(4, 64, 7).args()
    with pytest.raises(TypeError):
        sub.decode_qint4(data.to(torch.int32), scale, shift, gs, shape)
    with pytest.raises(TypeError):
        sub.decode_qint4(data, scale.double(), shift, gs, shape)
    with pytest.raises(ValueError):
        sub.decode_qint4(data, scale, shift, gs, (4, 128))
    with pytest.raises(ValueError):
        sub.decode_qint4(data, scale, shift, 48, shape)


# ------------------------------------------------------------------------------ layer_sensitivity

def cases(kinds=KINDS):
    return st.builds(Case, seed=st.integers(0, 10 ** 6), kind=st.sampled_from(kinds),
                     special=st.sampled_from(LAYERS))


@points(5)
@settings(max_examples=6)
@given(case=cases(), qtype=st.sampled_from(QTYPES))
@example(case=Case(0), qtype="qint4")
@example(case=Case(1, "outlier", "proj"), qtype="qint8").via("outliers: qint8 suffers")
@example(case=Case(1, "outlier", "proj"), qtype="qfloat8").via("outliers: qfloat8 copes")
@example(case=Case(2, "zero", "block.down"), qtype="qint4").via("zero layer: exact, masks block.up")
@example(case=Case(3, "zero", "embed"), qtype="qint8")
@example(case=Case(2, "zero", "block.down"), qtype="qfloat8").via("qfloat8 of zeros: NaN, e = inf")
def test_layer_sensitivity_matches_quanto(sub, case, qtype):
    """layer_sensitivity gives each layer's relative output error with only it quantized."""
    got = sub.layer_sensitivity(case.state, case.x, qtype)
    check_sensitivity(case, qtype, got)


@points(1)
@pytest.mark.parametrize("special", ["block.down", "embed"])
def test_layer_sensitivity_zero_layer_qfloat8(sub, special):
    """qfloat8 of an all-zero weight gives a NaN output: its error is math.inf."""
    case = Case(4, "zero", special)
    check_sensitivity(case, "qfloat8", sub.layer_sensitivity(case.state, case.x, "qfloat8"))


@points(1)
def test_layer_sensitivity_rejects(sub):
    """layer_sensitivity raises ValueError for a type other than qint4, qint8, qfloat8."""
    case = Case(5)
    for qtype in ["none", "int8", "qint2"]:
        with pytest.raises(ValueError):
            sub.layer_sensitivity(case.state, case.x, qtype)


# ------------------------------------------------------------------------------------------ plan

@points(4)
@settings(max_examples=2)
@given(case=cases(), frac=st.floats(0.05, 1.2))
@example(case=Case(6), frac=0.1).via("a few layers can be qint8")
@example(case=Case(7, "outlier", "block.up"), frac=0.12)
@example(case=Case(8, "zero", "block.down"), frac=0.3)
def test_plan_meets_budget(sub, case, frac):
    """plan returns a valid plan whose output error, measured with quanto, is within budget."""
    budget = frac * plan_error(case.state, case.x, all_qint4(case.state))
    check_budget(case, budget, sub.plan(case.state, case.x, budget))


@points(1)
@pytest.mark.parametrize("case", [Case(9), Case(10, "zero", "block.down"), Case(11, "zero", "embed")],
                         ids=repr)
def test_plan_budget_zero(sub, case):
    """Budget 0: only exact layers may be quantized, and then as qint4 (the cheapest)."""
    got = sub.plan(case.state, case.x, 0.0)
    call, _ = check_budget(case, 0.0, got)
    exact = {n for n, e in sensitivities(case.state, case.x, "qint4").items() if e == 0.0}
    best = {n: "qint4" if n in exact else "none" for n in LAYERS}
    assert plan_bytes(case.state, got) <= plan_bytes(case.state, best), (
        f"{call} = {got} weighs {plan_bytes(case.state, got)} bytes, but {best} also has "
        f"error exactly 0 and weighs {plan_bytes(case.state, best)}: a layer whose "
        f"quantization changes nothing (all-zero weights, or whose output is multiplied by an "
        f"all-zero layer) can be qint4 even at budget 0 (error <= budget, not <)")


@points(1)
@pytest.mark.parametrize("case,factor", [(Case(12), 1.02), (Case(13, "outlier", "head"), 1.5),
                                         (Case(14, "zero", "embed"), 1.01)],
                         ids=["plain_x1.02", "outlier_x1.5", "zero_x1.01"])
def test_plan_loose_budget(sub, case, factor):
    """A budget the all-qint4 plan meets: every layer is qint4 (the least memory there is)."""
    e4 = plan_error(case.state, case.x, all_qint4(case.state))
    budget = factor * e4
    got = sub.plan(case.state, case.x, budget)
    call, _ = check_budget(case, budget, got)
    assert got == all_qint4(case.state), (
        f"{call} = {got}, but all-qint4 has error {e4!r} <= budget and the least memory")


@points(1)
def test_plan_rejects(sub):
    """plan raises ValueError for a negative or NaN budget."""
    case = Case(15)
    for budget in [-0.01, math.nan]:
        with pytest.raises(ValueError):
            sub.plan(case.state, case.x, budget)
