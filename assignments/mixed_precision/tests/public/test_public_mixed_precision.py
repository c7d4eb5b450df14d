"""Public tests of mixed_precision: the hand part, unscale_grads and update_scale against
torch.amp.GradScaler, FP32 master weights against direct BF16 updates, and adam_step against
the exact formula and torch.optim.Adam.

Each test calls exactly one of your functions (the hand-part tests read only your constants).
The checks and their tolerances are in mixed_precision_strategies.py, derived in the statement.
"""

import numpy as np
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mixed_precision_strategies import (
    F32_MAX,
    AdamCase,
    RunCase,
    ScalerCase,
    adam_cases,
    agree_with_torch,
    bf16_oracle,
    check_adam_result,
    check_tensor,
    check_unscale_result,
    check_update_result,
    expected_update,
    f64,
    first_bad,
    fmt,
    hand_steps,
    master_oracle,
    round_fmt,
    run_cases,
    same_bits,
    scaler_cases,
    scaler_run,
    torch_adam_trace,
)

from autograder.testing import check_raises, observe_worst, points


# ---------------------------------------------------------------------------------- hand part

@points(2)
def test_hand_scaler(sub, variant, answer_digest):
    """HAND_SCALES are the ten scales after each update of your GradScaler run, HAND_TRACKER the final growth tracker."""
    scales, tracker = sub.HAND_SCALES, sub.HAND_TRACKER
    assert isinstance(scales, (tuple, list)) and len(scales) == 10, (
        f"HAND_SCALES must be a tuple of 10 floats, got {scales!r}")
    assert all(type(s) in (int, float) for s in scales), (
        f"HAND_SCALES = {scales!r}: each scale must be a float (or int)")
    assert type(tracker) is int, f"HAND_TRACKER must be an int, got {type(tracker).__name__}"
    want_scales, want_tracker = scaler_run(variant["init_scale"], variant["growth_interval"],
                                           variant["flags"])
    mine = tuple(float(s) for s in scales)
    assert answer_digest(mine) == answer_digest(want_scales), (
        "HAND_SCALES are not the scales of your run: an inf step halves the scale and resets "
        "the tracker; growth_interval clean steps in a row double it (the scale after the "
        "update of each step, ten values). When you submit, the grader uses your own run; a "
        "local `ulp check` uses the class's default run.")
    assert answer_digest(tracker) == answer_digest(want_tracker), (
        "HAND_SCALES are right but HAND_TRACKER is not the growth tracker after the tenth update")


@points(2)
def test_hand_adam_eps(sub, variant, answer_digest):
    """HAND_STEP_OUTSIDE, HAND_STEP_INSIDE and HAND_STEP_FLUSHED are your three Adam step sizes, to 3 significant digits."""
    names = ("HAND_STEP_OUTSIDE", "HAND_STEP_INSIDE", "HAND_STEP_FLUSHED")
    vals = [getattr(sub, n) for n in names]
    for n, v in zip(names, vals):
        assert type(v) is float, f"{n} must be a Python float, got {type(v).__name__} {v!r}"
        assert v == float(f"{v:.2e}"), (
            f"{n} = {v!r} is not rounded to 3 significant digits (write e.g. 0.000167)")
    want = hand_steps(variant["lr"], variant["m_hat"], variant["sqrt_v_hat"], variant["eps"])
    for n, v, w in zip(names, vals, want):
        assert answer_digest(v) == answer_digest(w), (
            f"{n} is not lr * m_hat / d of your values to 3 significant digits "
            f"(d = sqrt(v_hat) + eps outside, sqrt(v_hat + eps) inside, eps alone once v_hat has "
            f"flushed to 0). When you submit, the grader uses your own values; a local "
            f"`ulp check` uses the class's default values.")


# ----------------------------------------------------------------------------- unscale_grads

@points(3)
@given(case=scaler_cases())
@example(case=ScalerCase(65536.0, 2.0, 0.5, 2, ["inf", "ok", "ok", "ok", "nan", "ok"], 1))
@example(case=ScalerCase(1000.0, 1.5, 0.3, 1, ["ok", "ok", "-inf", "ok", "big", "ok"], 2))
@example(case=ScalerCase(2.0 ** 126, 2.0, 0.5, 1, ["ok", "ok", "ok", "big"], 3))
@example(case=ScalerCase(1.0, 2.0, 0.5, 3, ["inf", "inf", "nan", "ok", "zero", "ok"], 4))
def test_unscale_grads_matches_gradscaler(sub, case):
    """unscale_grads gives GradScaler's unscaled gradients bit for bit and its found_inf, on a real GradScaler run."""
    steps = case.trace()
    got = sub.many("unscale_grads", [(step["scaled"], step["scale"]) for step in steps])
    for i, (step, res) in enumerate(zip(steps, got)):
        call = (f"step {i + 1} ({step['kind']}) of {case.settings()}: "
                f"unscale_grads(scaled_grads, scale={step['scale']!r})")
        check_unscale_result(call, step["scaled"], step["scale"], res, step["found"], step["unscaled"])


@points(2)
def test_unscale_grads_edge_cases(sub):
    """inf/NaN anywhere sets found_inf; a scale below 1 may overflow an unscaled value without setting it; non-power-of-two and extreme scales."""
    big = float(np.float32(3e38))
    cases = [
        ([torch.tensor([1.0, float("inf")]), torch.tensor([2.0])], 65536.0),
        ([torch.tensor([0.0, -0.0, 3.0])], 1.0),
        ([torch.tensor([5.0]), torch.tensor([float("nan"), 1.0])], 2.0 ** 16),
        ([torch.tensor([-float("inf")])], 0.5),
        ([torch.tensor([big, -big, 1.0])], 0.25),             # overflows when unscaled
        ([torch.tensor([1.0, 3.0, 7.0, 1e-3, 123.456])], 1000.0),
        ([torch.tensor([1.0, 3.0, 7.0, 1e-3, -123.456])], float(np.float32(0.3))),
        ([torch.tensor([big, 1.0, -2.5])], F32_MAX),          # inv is subnormal
        ([torch.tensor([2.0 ** -100, 1.5])], 2.0 ** -100),
        ([torch.zeros(2, 3), torch.ones(4)], 3.0),
    ]
    got = sub.many("unscale_grads", cases)
    for (grads, scale), res in zip(cases, got):
        call = f"unscale_grads({[g.tolist() for g in grads]}, {scale!r})"
        check_unscale_result(call, grads, scale, res)


@points(1)
def test_unscale_grads_rejects_bad_input(sub):
    """unscale_grads raises TypeError for non-float32 gradients or a non-float scale, ValueError for an empty list or a scale that is not positive and finite."""
    g = [torch.ones(3)]
    check_raises(sub.unscale_grads, [
        (([torch.ones(3, dtype=torch.float16)], 2.0), TypeError,
         "unscale_grads of a float16 gradient"),
        (([np.ones(3, dtype=np.float32)], 2.0), TypeError, "unscale_grads of a NumPy array"),
        ((torch.ones(3), 2.0), TypeError, "unscale_grads of a bare tensor (not a list)"),
        ((g, "2.0"), TypeError, "unscale_grads with scale '2.0' (a str)"),
        (([], 2.0), ValueError, "unscale_grads of an empty list"),
        ((g, 0.0), ValueError, "unscale_grads with scale 0.0"),
        ((g, -4.0), ValueError, "unscale_grads with scale -4.0"),
        ((g, float("inf")), ValueError, "unscale_grads with scale inf"),
        ((g, float("nan")), ValueError, "unscale_grads with scale nan"),
    ])


# ------------------------------------------------------------------------------ update_scale

@points(3)
@given(case=scaler_cases())
@example(case=ScalerCase(65536.0, 2.0, 0.5, 3, ["ok", "ok", "ok", "ok", "ok", "ok", "ok"], 1))
@example(case=ScalerCase(65536.0, 2.0, 0.5, 3, ["ok", "ok", "inf", "ok", "ok", "ok"], 2))
@example(case=ScalerCase(2.0 ** 125, 2.0, 0.5, 1, ["ok"] * 4, 3))
@example(case=ScalerCase(1.0, 2.0, 0.5, 2, ["inf", "nan", "-inf", "inf", "ok", "ok"], 4))
@example(case=ScalerCase(1000.0, 1.1, 0.3, 1, ["ok", "inf", "ok", "big", "ok"], 5))
@example(case=ScalerCase(3.0, 1.0001, 0.9, 2, ["ok", "ok", "nan", "ok", "ok"], 6))
@example(case=ScalerCase(2.0 ** 125, 2.0, 0.5, 1, ["zero"] * 4, 7))
def test_update_scale_matches_gradscaler(sub, case):
    """update_scale reproduces GradScaler.update()'s scale and growth tracker at every step of a real GradScaler run."""
    steps = case.trace()
    gf, bf, gi = case.growth_factor, case.backoff_factor, case.growth_interval
    args = [(step["scale"], step["tracker"], step["found"], gf, bf, gi) for step in steps]
    got = sub.many("update_scale", args)
    for i, (step, a, res) in enumerate(zip(steps, args, got)):
        call = (f"step {i + 1} ({step['kind']}) of {case.settings()}: update_scale({a[0]!r}, "
                f"{a[1]}, {a[2]}, {gf!r}, {bf!r}, {gi})")
        assert expected_update(*a) == (step["new_scale"], step["new_tracker"])   # grader's own check
        check_update_result(call, res, step["new_scale"], step["new_tracker"], *a)


UPDATE_EDGES = [
    # (scale, tracker, found_inf, growth_factor, backoff_factor, growth_interval)
    (65536.0, 1, False, 2.0, 0.5, 2),          # the interval is reached: grow, reset
    (65536.0, 0, False, 2.0, 0.5, 2),          # one short: count
    (65536.0, 1, True, 2.0, 0.5, 2),           # inf at the boundary: back off, reset
    (65536.0, 0, False, 2.0, 0.5, 1),          # interval 1: grow at every clean step
    (2.0 ** 127, 0, False, 2.0, 0.5, 1),       # 2**128 overflows float32: keep 2**127
    (F32_MAX, 2, False, 1.0001, 0.5, 3),       # rounds to inf: keep, reset
    (float(np.float32(3e38)), 0, False, 1.1, 0.5, 1),   # 3.3e38 is still finite: grow
    (1.0, 0, True, 2.0, 0.5, 4),               # backoff below 1
    (2.0 ** -149, 0, True, 2.0, 0.5, 4),       # the smallest subnormal backs off to 0
    (3.0, 0, True, 2.0, 0.3, 4),               # 0.9 in float64 is not a float32: round
    (1000.0, 0, False, 1.1, 0.5, 1),           # 1100.0000000000002 in float64: round
    (float(np.float32(0.1)), 4, False, 3.0, 0.5, 5),
    (16777217.0 - 1.0, 0, False, 1.5, 0.5, 1),
]


# called with the defaults growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
DEFAULT_EDGES = [(65536.0, 1999, False), (65536.0, 1998, False), (65536.0, 1500, True),
                 (1024.0, 0, False)]


@points(2)
def test_update_scale_edge_cases(sub):
    """Growth exactly at the interval, overflow of float32 (the scale is kept), backoff below 1 and to 0, float32 rounding of non-dyadic products, and the defaults (2.0, 0.5, 2000)."""
    got = sub.many("update_scale", UPDATE_EDGES)
    for a, res in zip(UPDATE_EDGES, got):
        want = expected_update(*a)
        check_update_result(f"update_scale{a}", res, want[0], want[1], *a)
    got = sub.many("update_scale", DEFAULT_EDGES)
    for a, res in zip(DEFAULT_EDGES, got):
        full = a + (2.0, 0.5, 2000)
        want = expected_update(*full)
        check_update_result(f"update_scale{a} (the defaults growth_factor=2.0, backoff_factor="
                            f"0.5, growth_interval=2000)", res, want[0], want[1], *full)


@points(1)
def test_update_scale_rejects_bad_input(sub):
    """update_scale raises ValueError for growth_factor <= 1, backoff_factor outside (0, 1), growth_interval < 1, or a tracker outside [0, growth_interval)."""
    check_raises(sub.update_scale, [
        ((1024.0, 0, False, 1.0, 0.5, 10), ValueError, "update_scale with growth_factor 1.0"),
        ((1024.0, 0, False, 0.5, 0.5, 10), ValueError, "update_scale with growth_factor 0.5"),
        ((1024.0, 0, False, 2.0, 1.0, 10), ValueError, "update_scale with backoff_factor 1.0"),
        ((1024.0, 0, False, 2.0, 0.0, 10), ValueError, "update_scale with backoff_factor 0.0"),
        ((1024.0, 0, False, 2.0, 0.5, 0), ValueError, "update_scale with growth_interval 0"),
        ((1024.0, 10, False, 2.0, 0.5, 10), ValueError,
         "update_scale with growth_tracker 10 and growth_interval 10"),
        ((1024.0, -1, True, 2.0, 0.5, 10), ValueError, "update_scale with growth_tracker -1"),
    ])


# ----------------------------------------------------------------- master weights vs direct

def _run_call(name, case):
    return f"{name}(w0, updates) with {case!r} (n = {case.n}, T = {case.steps})"


@points(2)
@given(case=run_cases())
@example(case=RunCase(8, 64, "small", 1, 0, -10))
@example(case=RunCase(4, 40, "bf16", 2, 3, -12))
@example(case=RunCase(5, 0, "small", 3, 0, -8))
@example(case=RunCase(6, 30, "mixed", 4, -5, -6))
@example(case=RunCase(3, 10, "zero", 5, 2, -6))
def test_master_weights_run(sub, case):
    """master_weights_run adds each update to the float32 master (exact float32 sequence) and returns it with its bf16 copy; the master tracks the exact sum."""
    call = _run_call("master_weights_run", case)
    res = sub.master_weights_run(case.w0, case.updates)
    assert isinstance(res, (tuple, list)) and len(res) == 2, (
        f"{call} must return a tuple (master, model), got {type(res).__name__}")
    master, model = res
    check_tensor(f"{call}: master", master, torch.float32, (case.n,))
    check_tensor(f"{call}: model", model, torch.bfloat16, (case.n,))
    want, exact, drift = master_oracle(case.w0, case.updates)
    got = f64(master)
    err = np.abs(got - exact)
    observe_worst(err, drift, ~(err <= drift), label="master_weights_run: |master - exact sum| vs sum u|master_t|")
    ok = same_bits(got, want)
    if not ok.all():
        j = first_bad(ok)
        raise AssertionError(
            f"{call}: master[{j}] = {fmt(got[j])}, expected {fmt(want[j])}: w0 + update_1 + ... "
            f"+ update_T added one step at a time in float32 (the exact sum is "
            f"{fmt(exact[j])})" + (" — did the bf16 copy feed back into the master?"
                                   if got[j] == round_fmt(got[j], torch.bfloat16) and
                                   want[j] != got[j] else ""))
    want_model = round_fmt(want, torch.bfloat16)
    ok = same_bits(f64(model), want_model)
    if not ok.all():
        j = first_bad(ok)
        raise AssertionError(
            f"{call}: model[{j}] = {fmt(f64(model)[j])}, expected bf16(master) = "
            f"{fmt(want_model[j])} (round to nearest, ties to even)")


@points(2)
@given(case=run_cases())
@example(case=RunCase(8, 64, "small", 1, 0, -10))
@example(case=RunCase(4, 40, "bf16", 2, 3, -9))
@example(case=RunCase(5, 0, "small", 3, 0, -8))
@example(case=RunCase(6, 30, "mixed", 4, -5, -6))
@example(case=RunCase(6, 50, "noisy", 6, 1, -7))
def test_bf16_direct_run(sub, case):
    """bf16_direct_run rounds w0 to bf16 and adds each update rounded to bf16 with one bf16 rounding per step, exactly."""
    call = _run_call("bf16_direct_run", case)
    w = sub.bf16_direct_run(case.w0, case.updates)
    check_tensor(call, w, torch.bfloat16, (case.n,))
    want = bf16_oracle(case.w0, case.updates)
    got = f64(w)
    ok = same_bits(got, want)
    if not ok.all():
        j = first_bad(ok)
        master, _, _ = master_oracle(case.w0, case.updates)
        hint = ""
        if got[j] == round_fmt(master[j], torch.bfloat16):
            hint = (" — that is bf16 of a float32 master: here the bf16 weights themselves are "
                    "updated, so small updates are lost")
        raise AssertionError(
            f"{call}: w[{j}] = {fmt(got[j])}, expected {fmt(want[j])}: w = bf16(w0), then at "
            f"every step w = bf16(w + bf16(update)), one rounding to nearest even per step"
            f"{hint}")


# w = 1.0: the bf16 spacing is 2**-7 above 1 and 2**-8 below it
STALL_CASES = [
    # (w0, update, steps, expected final bf16 weight, why)
    (1.0, 1e-3, 100, 1.0, "1e-3 < 2**-8, half the spacing above 1: every sum rounds back to 1"),
    (1.0, 2.0 ** -8, 5, 1.0, "exactly half the spacing: a tie, and 1.0 (even) wins"),
    (1.0, 2.0 ** -8 + 2.0 ** -15, 1, 1.0 + 2.0 ** -7,
     "2**-8 + 2**-15 (a bf16 value) is just above half the spacing: moves up"),
    (1.0, 2.0 ** -8 + 2.0 ** -17, 1, 1.0,
     "the update is rounded to bf16 first: 2**-8 + 2**-17 becomes 2**-8, a tie, 1.0 stays"),
    (1.0 + 2.0 ** -7, 2.0 ** -8, 1, 1.0 + 2.0 ** -6,
     "a tie from an odd weight (1 + 2**-7): rounds to the even neighbour 1 + 2**-6"),
    (1.0, -(2.0 ** -9), 3, 1.0, "below 1 the spacing is 2**-8: -2**-9 is a tie, 1.0 stays"),
    (1.0, -(1.5 * 2.0 ** -9), 1, 1.0 - 2.0 ** -8, "more than half the spacing below 1: moves"),
    (256.0, 0.9, 50, 256.0, "the spacing at 256 is 2: an update of 0.9 never moves it"),
    (-3.0, 2.0 ** -7, 10, -3.0, "the spacing at 3 is 2**-6: half of it is 2**-7, a tie"),
]


@points(2)
def test_bf16_direct_stalls_where_rne_says(sub):
    """Direct bf16 updates stall when an update is below half the bf16 spacing (or exactly half, toward an even weight), and move otherwise."""
    args = [(torch.tensor([w0]), torch.full((steps, 1), upd)) for w0, upd, steps, _, _ in
            STALL_CASES]
    got = sub.many("bf16_direct_run", args)
    for (w0, upd, steps, want, why), w in zip(STALL_CASES, got):
        call = f"bf16_direct_run(w0=[{w0!r}], {steps} updates of {upd!r})"
        check_tensor(call, w, torch.bfloat16, (1,))
        assert float(w[0]) == want, (
            f"{call} = [{float(w[0])!r}], expected [{want!r}]: {why}")


@points(1)
def test_master_weights_run_rejects_bad_input(sub):
    """master_weights_run raises TypeError for non-float32 tensors, ValueError for shapes that do not match."""
    w, u = torch.ones(3), torch.zeros(5, 3)
    check_raises(sub.master_weights_run, [
        ((w.to(torch.bfloat16), u), TypeError, "master_weights_run with a bf16 w0"),
        ((w, u.double()), TypeError, "master_weights_run with float64 updates"),
        ((w.numpy(), u), TypeError, "master_weights_run with a NumPy w0"),
        ((w, torch.zeros(5, 4)), ValueError, "master_weights_run with w0 [3], updates [5, 4]"),
        ((w, torch.zeros(3)), ValueError, "master_weights_run with 1-D updates"),
        ((torch.ones(1, 3), u), ValueError, "master_weights_run with a 2-D w0 [1, 3]"),
        ((torch.ones(3, 3), u), ValueError, "master_weights_run with a 2-D w0 [3, 3]"),
    ])


@points(1)
def test_bf16_direct_run_rejects_bad_input(sub):
    """bf16_direct_run raises TypeError for non-float32 tensors, ValueError for shapes that do not match."""
    w, u = torch.ones(3), torch.zeros(5, 3)
    check_raises(sub.bf16_direct_run, [
        ((w.to(torch.bfloat16), u), TypeError, "bf16_direct_run with a bf16 w0"),
        ((w, u.to(torch.float16)), TypeError, "bf16_direct_run with float16 updates"),
        ((w, torch.zeros(5, 4)), ValueError, "bf16_direct_run with w0 [3], updates [5, 4]"),
        ((w, torch.zeros(2, 5, 3)), ValueError, "bf16_direct_run with 3-D updates"),
        ((torch.ones(3, 3), u), ValueError, "bf16_direct_run with a 2-D w0 [3, 3]"),
    ])


# ------------------------------------------------------------------------------------- Adam

@points(3)
@settings(max_examples=5)
@given(seed=st.integers(0, 2 ** 32 - 1),
       hyper=st.sampled_from([
           (1e-3, (0.9, 0.999), 1e-8, 0), (0.1, (0.8, 0.99), 1e-4, -15),
           (1.0, (0.5, 0.95), 1e-12, 5), (3e-4, (0.9, 0.9999), 1e-6, -6)]))
@example(seed=1, hyper=(1e-3, (0.9, 0.999), 1e-8, 0))
@example(seed=2, hyper=(0.1, (0.8, 0.99), 1e-4, -15))
def test_adam_matches_torch_adam(sub, seed, hyper):
    """adam_step reproduces torch.optim.Adam (float32) step by step, from t = 1, within the derived tolerance."""
    lr, betas, eps, log2_g = hyper
    trace = torch_adam_trace(8, 12, seed, lr, betas, eps, log2_g)
    got = sub.many("adam_step", [args for args, _ in trace])
    for (args, theirs), res in zip(trace, got):
        call = (f"step t={args[4]} of torch.optim.Adam(lr={lr!r}, betas={betas!r}, eps={eps!r}) "
                f"(seed {seed}): adam_step(param, grad, m, v, {args[4]}, {lr!r}, {betas[0]!r}, "
                f"{betas[1]!r}, {eps!r})")
        mine = check_adam_result(call, args, res, label="adam_step (torch trace)")
        agree_with_torch(call, args, mine, theirs)


@points(3)
@given(case=adam_cases(states=("float32",)))
@example(case=AdamCase(8, "float32", 1, 1))
@example(case=AdamCase(8, "float32", 1, 2, eps_inside=True))
@example(case=AdamCase(8, "float32", 1, 8, -10, 1e-3, 0.9, 0.999, 1e-8, True, "gauss"))
@example(case=AdamCase(6, "float32", 1, 3, kind="zero_grad"))
@example(case=AdamCase(6, "float32", 5, 4, kind="zero_grad", eps_inside=True))
@example(case=AdamCase(8, "float32", 40, 5, -6, 1e-2, 0.9, 0.999, 1e-2, False, "gauss"))
@example(case=AdamCase(8, "float32", 3, 6, 0, 1e-3, 0.9, 0.999, 1e-8, False, "cancel"))
@example(case=AdamCase(4, "float32", 10 ** 6, 7, 2, 1e-3, 0.9, 0.999, 1e-8, True, "gauss"))
def test_adam_step_float32(sub, case):
    """adam_step with float32 states: m', v' and param' within the derived float32 tolerances, eps outside or inside the square root."""
    check_adam_result(case.call(), case.args(), sub.adam_step(*case.args()))


@points(3)
@given(case=adam_cases(states=("bfloat16", "float16"), max_n=256))
@example(case=AdamCase(8, "bfloat16", 1, 1))
@example(case=AdamCase(8, "bfloat16", 7, 2, 3, 1e-3, 0.9, 0.999, 1e-8, False, "gauss"))
@example(case=AdamCase(8, "float16", 4, 3, -3, 1e-3, 0.9, 0.999, 1e-8, True, "wide"))
@example(case=AdamCase(8, "float16", 1, 4, -12, 1e-2, 0.9, 0.999, 1e-8, False, "gauss"))
@example(case=AdamCase(8, "bfloat16", 2, 5, 0, 1e-3, 0.9, 0.999, 1e-8, False, "cancel"))
@example(case=AdamCase(4096, "bfloat16", 1, 6, 0, 1e-3, 0.9, 0.999, 1e-8, False, "gauss"))
def test_adam_step_low_precision_states(sub, case):
    """adam_step with bf16 or fp16 states: m', v' rounded once to the state dtype, and the update uses the stored values."""
    check_adam_result(case.call(), case.args(), sub.adam_step(*case.args()))


@points(1)
def test_adam_fp16_v_underflow(sub):
    """With fp16 states a small gradient flushes v' to 0 while m' survives: the step becomes lr * m_hat / eps (called with the default lr, betas, eps)."""
    g = torch.full((4,), 2.0 ** -10)
    g[1] = -(2.0 ** -11)
    z = torch.zeros(4, dtype=torch.float16)
    args = (torch.zeros(4), g, z, z, 1, 1e-3, 0.9, 0.999, 1e-8, False)
    call = ("adam_step(zeros(4), [2**-10, -2**-11, 2**-10, 2**-10], fp16 zeros, fp16 zeros, 1) "
            "with the defaults lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, eps_inside=False")
    P, M, V = check_adam_result(call, args, sub.adam_step(*args[:5]))
    assert (V == 0).all(), f"{call}: v' = {V.tolist()}: (1-beta2)*g*g ~ 1e-9 flushes to 0 in fp16"
    assert np.abs(P[0]) > 50, (
        f"{call}: param'[0] = {P[0]!r}: with v' = 0 the step is lr * m_hat / eps = "
        f"1e-3 * 2**-10 / 1e-8 ~ 98, the explosion the statement describes")


@points(1)
def test_adam_step_rejects_bad_input(sub):
    """adam_step raises TypeError for wrong dtypes or non-tensors, ValueError for mismatched shapes or t < 1."""
    p, g, z = torch.zeros(3), torch.ones(3), torch.zeros(3)
    check_raises(sub.adam_step, [
        ((p.double(), g, z, z, 1), TypeError, "adam_step with a float64 param"),
        ((p, g.to(torch.bfloat16), z, z, 1), TypeError, "adam_step with a bf16 grad"),
        ((p, g, z.double(), z.double(), 1), TypeError, "adam_step with float64 states"),
        ((p, g, z, z.to(torch.bfloat16), 1), TypeError, "adam_step with m float32, v bf16"),
        ((p, g.numpy(), z, z, 1), TypeError, "adam_step with a NumPy grad"),
        ((p, g, [0.0, 0.0, 0.0], z, 1), TypeError, "adam_step with m a list"),
        ((p, torch.ones(4), z, z, 1), ValueError, "adam_step with grad [4], param [3]"),
        ((p, g, torch.zeros(2), z, 1), ValueError, "adam_step with m [2], param [3]"),
        ((p, g, z, z, 0), ValueError, "adam_step with t = 0"),
    ])
