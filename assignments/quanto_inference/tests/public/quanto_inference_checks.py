"""Checks shared by the public and hidden tests: layer_sensitivity's answer against quanto's
measurement, and a plan's form and measured error against its budget."""

import math

from quanto_inference_model import LAYERS, TYPES, plan_error, sensitivities, tolerance

from autograder.testing import observe


def check_sensitivity(case, qtype, got, label=True):
    want = sensitivities(case.state, case.x, qtype)
    call = f"layer_sensitivity({case!r}.state, {case!r}.x, {qtype!r})"
    assert isinstance(got, dict) and set(got) == set(LAYERS), (
        f"{call} must return a dict with exactly the keys {list(LAYERS)}, got {got!r}")
    for n in LAYERS:
        g, w = got[n], want[n]
        assert type(g) is float, f"{call}[{n!r}] must be a Python float, got {g!r}"
        if math.isinf(w):
            assert g == math.inf, (
                f"{call}[{n!r}] = {g!r}: quantizing {n} with {qtype} makes the output NaN "
                f"(quanto's qfloat8 of an all-zero weight divides 0 by a zero scale), and the "
                f"statement defines that error as math.inf")
            continue
        tol = tolerance(w)
        if label:
            observe(abs(g - w), tol, label="layer_sensitivity: |yours - quanto's| vs 1e-5 + 1e-3·e")
        assert abs(g - w) <= tol, (
            f"{call}[{n!r}] = {g!r}, but quantizing only {n} with quanto ({qtype}) gives "
            f"||y_q - y||_F / ||y||_F = {w!r} (tolerance {tol:.3g}); all: "
            + ", ".join(f"{k}: {v:.6g}" for k, v in want.items()))


def check_plan_form(call, got):
    assert isinstance(got, dict) and set(got) == set(LAYERS), (
        f"{call} must return a dict with exactly the keys {list(LAYERS)}, got {got!r}")
    for n in LAYERS:
        assert type(got[n]) is str and got[n] in TYPES, (
            f"{call}[{n!r}] = {got[n]!r}: must be one of {list(TYPES)}")


def check_budget(case, budget, got):
    call = f"plan({case!r}.state, {case!r}.x, {budget!r})"
    check_plan_form(call, got)
    e = plan_error(case.state, case.x, got)
    tol = tolerance(budget)
    if math.isfinite(e):
        observe(e, budget + tol, label="plan: measured error vs budget (+ tolerance)")
    assert e <= budget + tol, (
        f"{call} = {got}: quanto measures its output error as {e!r} > budget {budget!r} "
        f"(tolerance {tol:.3g}). Measure the error of the whole plan, all its layers quantized "
        f"together: errors of single layers do not add up to it, and each one being within "
        f"the budget does not make their combination so")
    return call, e
