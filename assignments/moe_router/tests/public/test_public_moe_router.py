"""Public tests of moe_router: the hand part, top-k gating, expert capacity, slot assignment with
dropping, the combine step and the load-balancing loss.

Each test calls exactly one of your functions (the hand-part test reads only your constants).
The checks and their tolerances are in moe_strategies.py, derived in the statement.
"""

import math
from fractions import Fraction

import numpy as np
from hypothesis import example, given
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
    explicit_logits,
    explicit_route,
    logit_cases,
    route_cases,
    slots_oracle,
)

from autograder.testing import check_raises, points


# ---------------------------------------------------------------------------------- hand part

@points(2)
def test_hand_capacity_and_slots(sub, variant, answer_digest):
    """HAND_CAPACITY and HAND_POSITIONS are the capacity and the slots (or -1) of your routing table."""
    cap = sub.HAND_CAPACITY
    assert type(cap) is int, f"HAND_CAPACITY must be an int, got {type(cap).__name__} {cap!r}"
    pos = sub.HAND_POSITIONS
    assert isinstance(pos, (tuple, list)) and len(pos) == 6 and all(
        isinstance(r, (tuple, list)) and len(r) == 2 for r in pos), (
        f"HAND_POSITIONS must be a tuple of 6 pairs (one per token), got {pos!r}")
    assert all(type(v) is int for r in pos for v in r), (
        f"HAND_POSITIONS = {pos!r}: every entry must be an int (a slot, or -1)")
    table = np.array(variant["table"], dtype=np.int64)
    want_cap = capacity_oracle(6, 4, 2, Fraction(variant["cf"]))
    assert answer_digest(cap) == answer_digest(want_cap), (
        "HAND_CAPACITY is not ceil(capacity_factor * T * k / E) for your table (T = 6, k = 2, "
        "E = 4): compute it exactly, and round UP. When you submit, the table and factor are "
        "the ones your own statement names; a local `ulp check` uses the class's defaults.")
    want = tuple(tuple(int(v) for v in r) for r in slots_oracle(table, 4, want_cap))
    assert answer_digest(tuple(tuple(r) for r in pos)) == answer_digest(want), (
        "HAND_CAPACITY is right but HAND_POSITIONS are not: place every token's 1st choice "
        "first (token 0, 1, ..., 5), then every 2nd choice; each gets its expert's next free "
        "slot (0, 1, ...), or -1 once the expert holds capacity assignments")


# ------------------------------------------------------------------------------ top_k_gating

NEAR = float(np.nextafter(np.float32(0.1), np.float32(1)))


@points(3)
@given(case=logit_cases())
@example(case=explicit_logits([[1.0, 1.0, 1.0, 1.0]], 2))
@example(case=explicit_logits([[0.0, 2.0, 2.0, 1.0], [3.0, -1.0, 3.0, 3.0]], 3, "float64"))
@example(case=explicit_logits([[0.1, NEAR]], 1))
@example(case=explicit_logits([[3.5]], 1))
@example(case=explicit_logits([[1e30, -1e30, 0.0], [-3e38, 3e38, 0.0]], 2))
@example(case=LogitCase(16, 8, 8, "float32", "gauss", 1, 2))
@example(case=LogitCase(12, 6, 2, "float64", "favourite", 2, 0))
@example(case=LogitCase(1, 16, 4, "float32", "ints", 3, 0))
def test_top_k_gating(sub, case):
    """top_k_gating: the k largest logits (descending, ties to the lower index) as int64, and gates = softmax renormalized over the k, in the logits' dtype."""
    check_gating(f"top_k_gating(logits, k={case.k})", case.logits, case.k,
                 sub.top_k_gating(case.logits, case.k))


@points(2)
def test_top_k_gating_ties(sub):
    """Equal logits go to the lower expert index; near-equal logits are ordered by the logits, not by rounded probabilities."""
    cases = [
        ([[2.0, 5.0, 5.0, 5.0, 1.0]], 1, [[1]]),
        ([[2.0, 5.0, 5.0, 5.0, 1.0]], 2, [[1, 2]]),
        ([[7.0, 7.0, 7.0]], 3, [[0, 1, 2]]),
        ([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0]], 1, [[0], [1], [0]]),
        ([[0.1, NEAR, 0.1]], 1, [[1]]),             # float32: exp(-7.5e-9) rounds to 1
        ([[0.1, NEAR, 0.1]], 2, [[1, 0]]),
    ]
    for values, k, want in cases:
        for dtype in ("float32", "float64"):
            case = explicit_logits(values, k, dtype)
            call = f"top_k_gating(logits={values} ({dtype}), k={k})"
            experts, gates = check_gating(call, case.logits, k, sub.top_k_gating(case.logits, k))
            assert experts.tolist() == want, (
                f"{call}: experts {experts.tolist()}, expected {want} (ties: lower index first)")


BAD_LOGITS = [
    (([[1.0, 2.0]], 1), TypeError, "logits given as a list"),
    ((np.array([[1, 2]], dtype=np.int64), 1), TypeError, "int64 logits"),
    ((np.array([[1, 2]], dtype=np.float16), 1), TypeError, "float16 logits"),
    ((np.array([1.0, 2.0], dtype=np.float32), 1), ValueError, "1-D logits"),
    ((np.zeros((2, 2, 2), dtype=np.float32), 1), ValueError, "3-D logits"),
    ((np.zeros((0, 4), dtype=np.float32), 1), ValueError, "logits of shape (0, 4)"),
    ((np.zeros((3, 0), dtype=np.float64), 1), ValueError, "logits of shape (3, 0)"),
    ((np.zeros((3, 4), dtype=np.float32), 0), ValueError, "k = 0"),
    ((np.zeros((3, 4), dtype=np.float64), 5), ValueError, "k = 5 with 4 experts"),
]


@points(1)
def test_top_k_gating_rejects_bad_input(sub):
    """top_k_gating raises TypeError for a non-array or a dtype other than float32/float64, ValueError for a shape other than (T, E) with T, E >= 1 or k outside 1..E."""
    check_raises(sub.top_k_gating, [(a, e, "top_k_gating of " + w) for a, e, w in BAD_LOGITS])


# --------------------------------------------------------------------------- expert_capacity

decimals = st.builds(lambda n, d: float(f"{n}.{d:02d}"), st.integers(0, 4), st.integers(0, 99))


@points(2)
@given(T=st.integers(0, 10 ** 6), E=st.integers(1, 64), data=st.data(),
       cf=st.one_of(decimals, st.integers(0, 8), st.floats(0, 8)))
@example(T=190, E=11, data=None, cf=1.1)
@example(T=180, E=1, data=None, cf=0.55)
@example(T=2 ** 53 + 1, E=1, data=None, cf=1)
@example(T=8, E=4, data=None, cf=1.25)
@example(T=3, E=8, data=None, cf=0.5)
@example(T=100, E=8, data=None, cf=0)
def test_expert_capacity(sub, T, E, data, cf):
    """expert_capacity = ceil(capacity_factor * T * k / E) exactly, as a Python int (a float factor read as its decimal repr)."""
    k = 1 if data is None else data.draw(st.integers(1, E), label="k")
    if data is not None and data.draw(st.integers(0, 2), label="exact case") > 0:
        T, E, k, cf = data.draw(exact_capacity_args(), label="(T, E, k, cf)")
    got = sub.expert_capacity(T, E, k, cf)
    want = capacity_oracle(T, E, k, cf)
    assert type(got) is int, f"expert_capacity must return a Python int, got {type(got).__name__}"
    hint = ""
    if isinstance(cf, float) and got == math.ceil(cf * T * k / E) != want:
        hint = (" — that is the float product rounded up: read the factor exactly, as "
                "Fraction(repr(capacity_factor)), and compute the ceiling with integers")
    elif got == (Fraction(repr(cf)) if isinstance(cf, float) else Fraction(cf)) * T * k // E != want:
        hint = " (round UP: ceil, not floor)"
    assert got == want, (
        f"expert_capacity({T}, {E}, {k}, {cf!r}) = {got}, expected ceil({cf!r} * {T} * {k} / "
        f"{E}) = {want}{hint}")


@points(2)
def test_expert_capacity_exact_decimal(sub):
    """Floats are read as their decimal repr (1.1 is 11/10): ceil(1.1 * 190 / 11) = 19, where float arithmetic gives 20; counts beyond 2**53 stay exact."""
    cases = [
        ((190, 11, 1, 1.1), 19), ((180, 8, 4, 1.1), 99), ((175, 14, 4, 1.1), 55),
        ((180, 1, 1, 0.55), 99), ((2 ** 53 + 1, 1, 1, 1), 2 ** 53 + 1),
        ((10 ** 18 + 1, 3, 1, 0.3), 10 ** 17 + 1), ((10, 11, 1, 1.1), 1), ((10, 3, 1, 0.3), 1), ((10, 7, 7, 0.7), 7), ((20, 6, 3, 0.6), 6),
        ((6, 4, 2, 0.34), 2), ((6, 4, 2, 1.0), 3), ((1, 8, 2, 1.0), 1), ((1, 1, 1, 1.0), 1),
        ((5, 2, 1, 2.35), 6), ((12, 5, 5, 2), 24), ((8, 8, 8, 0.0), 0),
        ((0, 4, 1, 1.5), 0), ((3, 4, 2, 1e-9), 1),
    ]
    for args, want in cases:
        got = sub.expert_capacity(*args)
        assert type(got) is int, (
            f"expert_capacity must return a Python int, got {type(got).__name__}")
        hint = (" — float arithmetic rounds the product up past an integer: compute exactly"
                if isinstance(args[3], float) and got == want + 1 else "")
        assert got == want, f"expert_capacity{args} = {got}, expected {want}{hint}"


@points(1)
def test_expert_capacity_rejects_bad_input(sub):
    """expert_capacity raises ValueError for T < 0, E < 1, k outside 1..E, a negative, NaN or infinite factor; TypeError for a factor that is not an int or a float."""
    check_raises(sub.expert_capacity, [
        ((-1, 4, 1, 1.0), ValueError, "expert_capacity with num_tokens = -1"),
        ((8, 0, 1, 1.0), ValueError, "expert_capacity with num_experts = 0"),
        ((8, 4, 0, 1.0), ValueError, "expert_capacity with k = 0"),
        ((8, 4, 5, 1.0), ValueError, "expert_capacity with k = 5 > num_experts = 4"),
        ((8, 4, 1, -0.5), ValueError, "expert_capacity with capacity_factor = -0.5"),
        ((8, 4, 1, -2), ValueError, "expert_capacity with capacity_factor = -2"),
        ((8, 4, 1, float("nan")), ValueError, "expert_capacity with capacity_factor = nan"),
        ((8, 4, 1, float("inf")), ValueError, "expert_capacity with capacity_factor = inf"),
        ((8, 4, 1, "1.25"), TypeError, "expert_capacity with capacity_factor = '1.25' (a str)"),
        ((8, 4, 1, None), TypeError, "expert_capacity with capacity_factor = None"),
    ])


# ------------------------------------------------------------------------------ assign_slots

@points(3)
@given(case=route_cases())
@example(case=explicit_route([[0, 1], [0, 2], [1, 0], [0, 3], [2, 0], [3, 1]], 4, 2))
@example(case=explicit_route([[0, 1], [1, 0], [0, 1]], 2, 2))
@example(case=RouteCase(16, 4, 2, "skewed", 1, 3))
@example(case=RouteCase(10, 5, 3, "second_heavy", 2, 4))
def test_assign_slots(sub, case):
    """assign_slots: choice-major priority (all 1st choices in token order, then all 2nd, ...), the next free slot of the expert, -1 once it holds capacity; int64 (T, k)."""
    call = f"assign_slots(experts, num_experts={case.E}, capacity={case.capacity})"
    check_slots(call, case.experts, case.E, case.capacity,
                sub.assign_slots(case.experts, case.E, case.capacity))


@points(2)
def test_assign_slots_edges(sub):
    """Capacity 0 drops everything, capacity 1, one expert, a single token, every token on one expert, k equal to the number of experts."""
    cases = [
        ([[0, 1], [1, 0]], 2, 0), ([[0, 1], [1, 0], [0, 1]], 2, 1), ([[0]] * 5, 1, 3),
        ([[0]], 1, 1), ([[2, 0, 1]], 3, 1), ([[1]] * 6, 3, 4), ([[3, 1, 2, 0]] * 3, 4, 2),
        ([[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1]], 3, 1),
    ]
    for rows, E, cap in cases:
        experts = np.array(rows, dtype=np.int64)
        call = f"assign_slots(experts={rows}, num_experts={E}, capacity={cap})"
        check_slots(call, experts, E, cap, sub.assign_slots(experts, E, cap))


@points(1)
def test_assign_slots_rejects_bad_input(sub):
    """assign_slots raises ValueError for experts that are not 2-D, a negative capacity, or an expert index outside 0..E-1."""
    ok = np.array([[0, 1], [1, 0]], dtype=np.int64)
    check_raises(sub.assign_slots, [
        ((np.array([0, 1], dtype=np.int64), 2, 1), ValueError, "assign_slots of 1-D experts"),
        ((ok, 2, -1), ValueError, "assign_slots with capacity = -1"),
        ((np.array([[0, 2]], dtype=np.int64), 2, 1), ValueError,
         "assign_slots with expert index 2 and num_experts = 2"),
        ((np.array([[-1, 0]], dtype=np.int64), 2, 1), ValueError,
         "assign_slots with expert index -1"),
    ])


# ------------------------------------------------------------------------------- moe_combine

@points(3)
@given(case=combine_cases())
@example(case=CombineCase(1, 1, 1, 4, 3, "float32", 1, 1))
@example(case=CombineCase(12, 4, 4, 8, 5, "float64", 2, 12))
@example(case=CombineCase(16, 4, 2, 16, 8, "float32", 3, 3))
@example(case=CombineCase(8, 2, 1, 6, 2, "float32", 4, 0))
def test_moe_combine(sub, case):
    """moe_combine: y_t = sum over kept j of gate_tj * (x_t @ W[e_tj] + b[e_tj]) in x's dtype, within (2(D+k)+8)u of the sum of absolute terms."""
    args = case.args()
    check_combine("moe_combine(x, experts, gates, positions, weights, biases)", args,
                  sub.moe_combine(*args))


@points(2)
def test_moe_combine_dropped_tokens(sub):
    """A token whose assignments are all dropped gets exactly 0 (no residual); a partly dropped token keeps its other gates as given (no renormalization)."""
    x = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]], dtype=np.float32)
    W = np.array([[[1.0, 0.0], [0.0, 1.0]], [[2.0, 1.0], [-1.0, 0.5]],
                  [[0.0, -1.0], [1.0, 1.0]]], dtype=np.float32)
    b = np.array([[0.5, -0.5], [1.0, 2.0], [0.0, 0.25]], dtype=np.float32)
    experts = np.array([[0, 1], [1, 2], [2, 0]], dtype=np.int64)
    gates = np.array([[0.75, 0.25], [0.5, 0.5], [0.625, 0.375]], dtype=np.float32)
    for positions, what in [
        ([[-1, -1], [0, 0], [0, 1]], "token 0 fully dropped"),
        ([[0, -1], [-1, 1], [0, -1]], "every token keeps one of two"),
        ([[-1, -1], [-1, -1], [-1, -1]], "everything dropped (capacity 0)"),
        ([[0, 0], [0, 0], [0, 1]], "nothing dropped"),
    ]:
        for dtype in (np.float32, np.float64):
            args = (x.astype(dtype), experts, gates.astype(dtype),
                    np.array(positions, dtype=np.int64), W.astype(dtype), b.astype(dtype))
            got = sub.moe_combine(*args)
            check_combine(f"moe_combine with {what} (positions = {positions}, "
                          f"{np.dtype(dtype).name})", args, got)
            for t, row in enumerate(positions):
                if all(p < 0 for p in row):
                    assert np.all(got[t] == 0), (
                        f"moe_combine with {what}: token {t} is dropped everywhere, so y[{t}] "
                        f"must be exactly 0 (no residual pass-through), got {got[t].tolist()}")


@points(1)
def test_moe_combine_rejects_bad_input(sub):
    """moe_combine raises ValueError for an expert index outside 0..E-1 and for mismatched shapes."""
    args = CombineCase(4, 3, 2, 5, 2, "float32", 7, 8).args()
    x, experts, gates, positions, weights, biases = args
    bad_e = experts.copy()
    bad_e[1, 0] = 3
    neg_e = experts.copy()
    neg_e[2, 1] = -1
    check_raises(sub.moe_combine, [
        ((x, bad_e, gates, positions, weights, biases), ValueError,
         "moe_combine with expert index 3 and E = 3"),
        ((x, neg_e, gates, positions, weights, biases), ValueError,
         "moe_combine with expert index -1"),
        ((x, experts, gates[:, :1], positions, weights, biases), ValueError,
         "moe_combine with gates (4, 1) and experts (4, 2)"),
        ((x, experts, gates, positions[:3], weights, biases), ValueError,
         "moe_combine with positions (3, 2) and experts (4, 2)"),
        ((x[:, :4], experts, gates, positions, weights, biases), ValueError,
         "moe_combine with x (4, 4) and weights (3, 5, 2)"),
        ((x, experts, gates, positions, weights, biases[:2]), ValueError,
         "moe_combine with biases (2, 2) and weights (3, 5, 2)"),
        ((x[:3], experts, gates, positions, weights, biases), ValueError,
         "moe_combine with x (3, 5) and experts (4, 2)"),
    ])


# ----------------------------------------------------------------------- load_balancing_loss

@points(3)
@given(case=logit_cases(mag=(-4, 4)))
@example(case=explicit_logits([[1.0, 1.0, 1.0, 1.0]], 2))
@example(case=explicit_logits([[3.5]], 1))
@example(case=LogitCase(16, 8, 2, "float32", "favourite", 1, 1))
@example(case=LogitCase(20, 5, 5, "float64", "gauss", 2, 0))
@example(case=LogitCase(9, 6, 3, "float32", "ints", 3, 0))
@example(case=LogitCase(1, 4, 1, "float64", "gauss", 4, 3))
def test_load_balancing_loss(sub, case):
    """load_balancing_loss = E * sum_e f_e P_e (f_e over all top-k choices / (T k), before dropping; P_e the mean softmax probability), a Python float."""
    check_loss(f"load_balancing_loss(logits, k={case.k})", case.logits, case.k,
               sub.load_balancing_loss(case.logits, case.k))


@points(1)
def test_load_balancing_loss_balance_and_collapse(sub):
    """The loss is 1 at perfect balance (any k) and close to E when every token sends everything to one expert."""
    for E, k in [(4, 1), (4, 2), (8, 3), (2, 2)]:
        logits = np.tile(np.eye(E) * 3.0, (3, 1)).astype(np.float32)
        call = f"load_balancing_loss(logits = 3 * eye({E}) repeated 3 times, k={k})"
        got = sub.load_balancing_loss(logits, k)
        check_loss(call, logits, k, got)
    for E in (2, 8):
        logits = np.zeros((10, E), dtype=np.float64)
        logits[:, 0] = 60.0
        call = f"load_balancing_loss(every token's logit 60 on expert 0, E={E}, k=1)"
        got = sub.load_balancing_loss(logits, 1)
        check_loss(call, logits, 1, got)


@points(1)
def test_load_balancing_loss_rejects_bad_input(sub):
    """load_balancing_loss raises the same errors as top_k_gating for the same bad logits and k."""
    check_raises(sub.load_balancing_loss,
                  [(a, e, "load_balancing_loss of " + w) for a, e, w in BAD_LOGITS])
