"""Hidden tests of moe_router: extreme logits and near-ties, huge token counts and long decimal
factors, large routing tables, wide combines in both dtypes, the loss over many tokens.

Each test calls ONE of the student's functions; the checks are the public ones
(moe_strategies.py), which never use the reference.
"""

from hypothesis import example, given, settings
from hypothesis import strategies as st
from moe_strategies import (
    CombineCase,
    LogitCase,
    RouteCase,
    capacity_oracle,
    check_combine,
    check_gating,
    check_loss,
    check_slots,
    combine_cases,
    exact_capacity_args,
    logit_cases,
)

from autograder.testing import hidden, points


@points(4)
@hidden
@given(case=st.one_of(logit_cases(max_T=64, max_E=64, dtypes=("float32",), mag=(-60, 120)),
                      logit_cases(max_T=64, max_E=64, dtypes=("float64",), mag=(-300, 1000))))
@example(case=LogitCase(64, 64, 8, "float32", "gauss", 1, 100))
@example(case=LogitCase(32, 64, 64, "float64", "gauss", 2, 900))
@example(case=LogitCase(8, 32, 3, "float32", "tiny", 3, 0))
def test_hidden_top_k_gating_extreme(sub, case):
    """top_k_gating with logits up to 2**120 (float32) and 2**1000 (float64), 64 experts."""
    check_gating(f"top_k_gating(logits, k={case.k})", case.logits, case.k,
                 sub.top_k_gating(case.logits, case.k))


@points(3)
@hidden
@given(case=logit_cases(max_E=24, kinds=("near_ties", "ints", "constant", "favourite")))
@example(case=LogitCase(32, 16, 5, "float32", "near_ties", 4, 0))
@example(case=LogitCase(32, 16, 2, "float64", "near_ties", 5, 0))
def test_hidden_top_k_gating_ties(sub, case):
    """top_k_gating on exact ties and adjacent floats everywhere."""
    check_gating(f"top_k_gating(logits, k={case.k})", case.logits, case.k,
                 sub.top_k_gating(case.logits, case.k))


@points(3)
@hidden
@given(T=st.integers(0, 10 ** 18), E=st.integers(1, 4096), data=st.data(),
       cf=st.one_of(st.floats(0, 64), st.integers(0, 10 ** 6),
                    st.builds(lambda n, d: float(f"{n}.{d:07d}"), st.integers(0, 9),
                              st.integers(0, 10 ** 7 - 1))))
@example(T=10 ** 15, E=3, data=None, cf=0.1)
@example(T=7, E=1, data=None, cf=1.0000000000000002)
@example(T=2 ** 53 + 1, E=1, data=None, cf=1)
def test_hidden_expert_capacity_huge(sub, T, E, data, cf):
    """expert_capacity for up to 10**18 tokens and long decimal factors."""
    k = 1 if data is None else data.draw(st.integers(1, E), label="k")
    if data is not None and data.draw(st.booleans(), label="exact case"):
        T, E, k, cf = data.draw(exact_capacity_args(max_E=4096), label="(T, E, k, cf)")
    elif data is not None and data.draw(st.booleans(), label="beyond 2**53"):
        T = data.draw(st.integers(2 ** 53 + 1, 10 ** 18), label="T")
    got = sub.expert_capacity(T, E, k, cf)
    want = capacity_oracle(T, E, k, cf)
    assert type(got) is int and got == want, (
        f"expert_capacity({T}, {E}, {k}, {cf!r}) = {got!r}, expected {want}")


@points(4)
@hidden
@settings(max_examples=6)
@given(case=st.builds(RouteCase, T=st.integers(256, 4096), E=st.integers(8, 64),
                      k=st.integers(1, 4), kind=st.sampled_from(["uniform", "skewed",
                                                                 "second_heavy"]),
                      seed=st.integers(0, 2 ** 32 - 1), capacity=st.integers(0, 200)))
@example(case=RouteCase(4096, 64, 4, "skewed", 1, 80))
@example(case=RouteCase(1000, 8, 2, "second_heavy", 2, 140))
def test_hidden_assign_slots_large(sub, case):
    """assign_slots on up to 4096 tokens, 64 experts, k up to 4."""
    call = f"assign_slots(experts, num_experts={case.E}, capacity={case.capacity})"
    check_slots(call, case.experts, case.E, case.capacity,
                sub.assign_slots(case.experts, case.E, case.capacity))


@points(4)
@hidden
@settings(max_examples=8)
@given(case=st.one_of(combine_cases(max_T=256, max_E=16, max_D=64),
                      combine_cases(max_T=8, max_E=4, max_D=8)))
@example(case=CombineCase(256, 16, 4, 64, 12, "float32", 1, 40, 8))
@example(case=CombineCase(64, 8, 2, 64, 8, "float64", 2, 10, -6))
def test_hidden_moe_combine_large(sub, case):
    """moe_combine on up to 256 tokens of width 64, 16 experts, float32 and float64."""
    args = case.args()
    check_combine("moe_combine(x, experts, gates, positions, weights, biases)", args,
                  sub.moe_combine(*args))


@points(4)
@hidden
@settings(max_examples=8)
@given(case=st.one_of(logit_cases(max_T=1024, max_E=64, mag=(-8, 8)),
                      logit_cases(max_E=32, dtypes=("float32",), mag=(20, 120)),
                      logit_cases(max_E=32, dtypes=("float64",), mag=(20, 1000))))
@example(case=LogitCase(1024, 64, 2, "float32", "gauss", 1, 0))
@example(case=LogitCase(512, 16, 16, "float64", "favourite", 2, 1))
def test_hidden_load_balancing_loss_large(sub, case):
    """load_balancing_loss over up to 1024 tokens and 64 experts, and with extreme logits."""
    check_loss(f"load_balancing_loss(logits, k={case.k})", case.logits, case.k,
               sub.load_balancing_loss(case.logits, case.k))
