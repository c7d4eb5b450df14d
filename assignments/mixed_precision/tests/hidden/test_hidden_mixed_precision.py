"""Hidden tests of mixed_precision: long GradScaler runs with many tensors, long master/direct
runs, long torch.optim.Adam traces on many values, and float16 states at the edge of underflow.

Each test calls ONE of the student's functions; nothing here uses the reference.
"""

import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mixed_precision_strategies import (
    PATTERNS,
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
    master_oracle,
    run_cases,
    same_bits,
    torch_adam_trace,
)

from autograder.testing import hidden, points


@st.composite
def long_scaler_cases(draw):
    kinds = draw(st.lists(st.sampled_from(PATTERNS + ("ok",) * 6), min_size=40, max_size=120))
    return ScalerCase(
        draw(st.sampled_from([65536.0, 2.0 ** 24, 1.0, 2.0 ** 120, 1000.0, 0.75])),
        draw(st.sampled_from([2.0, 1.5, 1.1, 1.0001, 3.7])),
        draw(st.sampled_from([0.5, 0.3, 0.9, 0.125])),
        draw(st.integers(1, 8)), kinds, draw(st.integers(0, 2 ** 32 - 1)),
        draw(st.sampled_from([(3, 2), (64, 1, 17, 5), (256,)])))


@points(4)
@hidden
@settings(max_examples=2)
@given(case=long_scaler_cases())
@example(case=ScalerCase(2.0 ** 120, 3.7, 0.125, 2, ["ok"] * 20 + ["big", "nan"] * 5, 1,
                         (64, 1, 17, 5)))
def test_hidden_unscale_grads_long_runs(sub, case):
    """unscale_grads over long GradScaler runs with several gradient tensors."""
    steps = case.trace()
    got = sub.many("unscale_grads", [(s["scaled"], s["scale"]) for s in steps])
    for i, (s, res) in enumerate(zip(steps, got)):
        check_unscale_result(f"step {i + 1} of {case.settings()}", s["scaled"], s["scale"], res,
                             s["found"], s["unscaled"])


@points(5)
@hidden
@settings(max_examples=3)
@given(case=long_scaler_cases())
@example(case=ScalerCase(1000.0, 1.0001, 0.9, 1, ["ok"] * 80 + ["inf"] * 30, 2))
@example(case=ScalerCase(0.75, 1.1, 0.3, 3, ["inf"] * 60 + ["ok"] * 30, 3))
@example(case=ScalerCase(2.0 ** 120, 3.7, 0.125, 1, ["zero"] * 12 + ["ok", "inf"], 4))
def test_hidden_update_scale_long_runs(sub, case):
    """update_scale over long GradScaler runs, rounding of non-dyadic factors compounding."""
    steps = case.trace()
    gf, bf, gi = case.growth_factor, case.backoff_factor, case.growth_interval
    args = [(s["scale"], s["tracker"], s["found"], gf, bf, gi) for s in steps]
    got = sub.many("update_scale", args)
    for i, (s, a, res) in enumerate(zip(steps, args, got)):
        assert expected_update(*a) == (s["new_scale"], s["new_tracker"])
        check_update_result(f"step {i + 1} of {case.settings()}: update_scale{a}", res,
                            s["new_scale"], s["new_tracker"], *a)


@points(3)
@hidden
@settings(max_examples=3)
@given(case=run_cases(max_n=64, max_steps=1000))
@example(case=RunCase(64, 1000, "small", 1, 0, -12))
@example(case=RunCase(32, 1000, "noisy", 2, 8, -14))
def test_hidden_master_weights_long(sub, case):
    """master_weights_run over up to 1000 steps on up to 64 weights."""
    master, model = sub.master_weights_run(case.w0, case.updates)
    check_tensor("master", master, torch.float32, (case.n,))
    check_tensor("model", model, torch.bfloat16, (case.n,))
    want, _, _ = master_oracle(case.w0, case.updates)
    assert same_bits(f64(master), want).all(), f"{case!r}: master differs"
    assert same_bits(f64(model), f64(torch.from_numpy(want).to(torch.bfloat16))).all(), (
        f"{case!r}: model differs")


@points(3)
@hidden
@settings(max_examples=3)
@given(case=run_cases(max_n=64, max_steps=1000))
@example(case=RunCase(64, 1000, "small", 1, 0, -9))
@example(case=RunCase(32, 1000, "mixed", 2, -8, -8))
def test_hidden_bf16_direct_long(sub, case):
    """bf16_direct_run over up to 1000 steps on up to 64 weights."""
    w = sub.bf16_direct_run(case.w0, case.updates)
    check_tensor("w", w, torch.bfloat16, (case.n,))
    ok = same_bits(f64(w), bf16_oracle(case.w0, case.updates))
    assert ok.all(), f"{case!r}: w[{first_bad(ok)}] = {fmt(f64(w)[first_bad(ok)])} differs"


@points(5)
@hidden
@settings(max_examples=2)
@given(seed=st.integers(0, 2 ** 32 - 1),
       hyper=st.sampled_from([(1e-3, (0.9, 0.999), 1e-8, -3), (1e-2, (0.95, 0.9999), 1e-6, 4)]))
@example(seed=7, hyper=(1e-3, (0.9, 0.999), 1e-8, 0))
def test_hidden_adam_long_torch_trace(sub, seed, hyper):
    """adam_step against 200 steps of torch.optim.Adam on 256 values."""
    lr, betas, eps, log2_g = hyper
    trace = torch_adam_trace(256, 200, seed, lr, betas, eps, log2_g)
    got = sub.many("adam_step", [args for args, _ in trace])
    for (args, theirs), res in zip(trace, got):
        call = f"step t={args[4]} of torch.optim.Adam({lr}, {betas}, {eps}) seed {seed}"
        mine = check_adam_result(call, args, res, label="adam_step (long torch trace)")
        agree_with_torch(call, args, mine, theirs)


@points(5)
@hidden
@given(case=adam_cases(states=("float16",), max_n=64))
@example(case=AdamCase(64, "float16", 1, 1, -10, 1e-3, 0.9, 0.999, 1e-8, False, "gauss"))
@example(case=AdamCase(64, "float16", 1, 2, -12, 1e-3, 0.9, 0.999, 1e-8, True, "wide"))
@example(case=AdamCase(64, "float16", 3, 3, -7, 1e-3, 0.9, 0.9999, 1e-12, False, "gauss"))
@example(case=AdamCase(4096, "bfloat16", 9, 4, -20, 1e-3, 0.9, 0.999, 1e-8, False, "wide"))
@example(case=AdamCase(4096, "float32", 2, 5, 6, 1.0, 0.5, 0.95, 1e-2, True, "sparse"))
def test_hidden_adam_low_precision_extremes(sub, case):
    """adam_step with float16 states at the edge of underflow, and 4096-value steps."""
    check_adam_result(case.call(), case.args(), sub.adam_step(*case.args()))
