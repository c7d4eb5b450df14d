"""Hidden tests of quanto_inference: they report only their name and whether they passed."""

import pytest
from quanto_inference_allplans import all_plan_errors, robust_budgets
from quanto_inference_checks import check_budget, check_sensitivity
from quanto_inference_model import (
    TYPES,
    Case,
    all_qint4,
    plan_bytes,
    plan_error,
    weight_bytes,
)
from quanto_inference_qbits import QBitsCase, check_decode

from autograder.testing import points

MEMORY_FACTOR = 1.10

NEAR_OPTIMAL = [Case(101), Case(102, "outlier", "proj"), Case(103, "zero", "block.down")]


@points(4)
@pytest.mark.parametrize("case", NEAR_OPTIMAL, ids=repr)
def test_hidden_plan_near_optimal(sub, case):
    errors = all_plan_errors(case.state, case.x)
    for budget, best in robust_budgets(case.state, errors, [0.006, 0.03]):
        got = sub.plan(case.state, case.x, budget)
        call, _ = check_budget(case, budget, got)
        mem = plan_bytes(case.state, got)
        assert mem <= MEMORY_FACTOR * best, (
            f"{call} = {got} weighs {mem} bytes; the best plan within the budget weighs {best}")


@points(1)
@pytest.mark.parametrize("case,frac", [(Case(105, "outlier", "block.down"), 0.02),
                                       (Case(107, "outlier", "head"), 0.9)], ids=repr)
def test_hidden_plan_meets_budget_more(sub, case, frac):
    budget = frac * plan_error(case.state, case.x, all_qint4(case.state))
    check_budget(case, budget, sub.plan(case.state, case.x, budget))


@points(1)
@pytest.mark.parametrize("case,qtype", [(Case(108, "outlier", "embed"), "qint8"),
                                        (Case(109, "outlier", "head"), "qint4"),
                                        (Case(110, "zero", "proj"), "qfloat8"),
                                        (Case(111, "zero", "block.up"), "qint4")], ids=repr)
def test_hidden_layer_sensitivity_more(sub, case, qtype):
    check_sensitivity(case, qtype, sub.layer_sensitivity(case.state, case.x, qtype), label=False)


DECODE_MORE = [(64, 384, 112, "outliers"), (33, 224, 113, "gauss"), (9, 200, 114, "zero_rows"),
               (192, 128, 115, "gauss"), (128, 64, 116, "constant_rows"), (1, 256, 117, "gauss"),
               (6, 1, 118, "gauss")]


@points(3)
def test_hidden_decode_more(sub):
    for args in DECODE_MORE:
        case = QBitsCase(*args)
        check_decode(case, sub.decode_qint4(*case.args()))


@points(2)
def test_hidden_weight_bytes_boundaries(sub):
    shapes = [(2, 1), (3, 7), (9, 130), (2, 256), (7, 288), (11, 416), (1000, 4096), (3, 96)]
    calls = [(s, t) for s in shapes for t in TYPES]
    got = sub.many("weight_bytes", calls)
    for (s, t), g in zip(calls, got):
        assert type(g) is int and g == weight_bytes(s, t), f"weight_bytes({s}, {t!r}) = {g!r}"
