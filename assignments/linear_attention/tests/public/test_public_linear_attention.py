"""Public tests of linear_attention: every output is compared with the statement's formula
evaluated by the grader in float64, within the statement's error bound (see
linear_attention_strategies.py). Each test calls ONE of your functions."""

from fractions import Fraction

import numpy as np
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from linear_attention_strategies import (
    OPS_SLACK,
    Case,
    check_close,
    check_pair,
    check_tensor,
    delta_cases,
    delta_oracle,
    delta_wrong_variants,
    describe,
    la_cases,
    la_oracle,
    la_wrong_variants,
)

from autograder.testing import check_raises, points


# ------------------------------------------------------------------------------------ helpers

def call_la(sub, name, case, t=None, chunk=None):
    """Call q, k, v (and chunk_size) positionally, initial_state by keyword when there is one."""
    t = case.tensors() if t is None else t
    args = [t["q"], t["k"], t["v"]]
    if name == "linear_attention_chunked":
        args.append(case.chunk if chunk is None else chunk)
    kwargs = {"initial_state": t["initial_state"]} if "initial_state" in t else {}
    return getattr(sub, name)(*args, **kwargs), t


def call_text(name, t, chunk=None):
    extra = (f", chunk_size={chunk}" if chunk is not None else "") + (
        ", initial_state=S0" if "initial_state" in t else "")
    return f"{name}(q, k, v{extra}) with {describe(t)}"


def check_la_result(name, result, t, chunk=None, pair=True):
    """Types, shapes, then o (and the final state) against the float64 oracle."""
    q, k, v = t["q"], t["k"], t["v"]
    B, H, T, dk = q.shape
    dv = v.shape[-1]
    s0 = t.get("initial_state")
    call = call_text(name, t, chunk)
    if pair:
        o, S = check_pair(call, result)
    else:
        o, S = result, None
    check_tensor(f"{call}: o", o, q.dtype, (B, H, T, dv))
    if S is not None:
        check_tensor(f"{call}: the final state", S, q.dtype, (B, H, dk, dv))
    want = la_oracle(q, k, v, s0)
    def wrong():
        return la_wrong_variants(q, k, v, s0, chunk)

    check_close(call, "o", o, want["o"], want["tol_o"], f"{name}: |o - o*| vs bound", wrong)
    if S is not None:
        check_close(call, "state", S, want["S"], want["tol_S"],
                    f"{name}: |S_T - S_T*| vs bound")
    return o, S


def torch_ops(sub, call):
    ops = sub.last_meta.get("torch_ops")
    assert ops is not None, (
        f"{call}: the grader could not count your torch operations (the call left torch's "
        f"dispatch mode stack changed)")
    return ops


def _r(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(7)).to(dtype)


def qkv_bad_inputs(name, extra=()):
    """Bad q, k, v for any of the four functions; ``extra`` are the arguments after v."""
    q, k, v = _r(2, 1, 5, 3), _r(2, 1, 5, 3), _r(2, 1, 5, 4)
    f = f"{name}(q, k, v{', ' + ', '.join(map(str, extra)) if extra else ''})"
    cases = [
        ((q.numpy(), k, v), TypeError, "q a numpy array"),
        ((q, k.tolist(), v), TypeError, "k a list"),
        ((q.half(), k.half(), v.half()), TypeError, "float16 q, k, v"),
        ((q.bfloat16(), k.bfloat16(), v.bfloat16()), TypeError, "bfloat16 q, k, v"),
        ((q.to(torch.int32), k.to(torch.int32), v.to(torch.int32)), TypeError, "int32 q, k, v"),
        ((q, k.double(), v), TypeError, "float32 q, v with float64 k"),
        ((q, k, v.double()), TypeError, "float32 q, k with float64 v"),
        ((q[0], k[0], v[0]), ValueError, "3-D q, k of shape (1, 5, 3), v of shape (1, 5, 4)"),
        ((q[0], k[0], v[0][..., :3]), ValueError, "3-D q, k, v, all of shape (1, 5, 3)"),
        ((q, k[..., :2], v), ValueError, "q of shape (2, 1, 5, 3), k of shape (2, 1, 5, 2)"),
        ((q, k, v[:, :, :4]), ValueError, "v with T = 4, q and k with T = 5"),
        ((q, k, v[:1]), ValueError, "v with B = 1, q and k with B = 2"),
        ((q[:, :, :0], k[:, :, :0], v[:, :, :0]), ValueError, "T = 0"),
        ((q, k, v[..., :0]), ValueError, "d_v = 0"),
        ((q[..., :0], k[..., :0], v), ValueError, "d_k = 0"),
    ]
    # T = 0 and d = 0 with extra per-token arguments: shape them to match
    out = []
    for (a, b, c), exc, what in cases:
        more = []
        for x in extra:
            if x == "beta":
                ref = a if isinstance(a, torch.Tensor) and a.dim() == 4 else q
                more.append(torch.rand(ref.shape[:3], generator=torch.Generator()
                                       .manual_seed(3)).to(ref.dtype))
            else:
                more.append(x)
        out.append(((a, b, c, *more), {}, exc, f"{f} with {what}"))
    return out


def state_bad_inputs(name, extra=()):
    q, k, v = _r(2, 1, 5, 3), _r(2, 1, 5, 3), _r(2, 1, 5, 4)
    more = [torch.rand(2, 1, 5) if x == "beta" else x for x in extra]
    f = f"{name}(q, k, v{', ' + ', '.join(map(str, extra)) if extra else ''}, initial_state=S0)"
    return [
        ((q, k, v, *more), {"initial_state": torch.zeros(2, 1, 4, 3)}, ValueError,
         f"{f} with q, k (2, 1, 5, 3), v (2, 1, 5, 4) and S0 of shape (2, 1, 4, 3): the state "
         f"is (B, H, d_k, d_v) = (2, 1, 3, 4)"),
        ((q, k, v, *more), {"initial_state": torch.zeros(1, 3, 4)}, ValueError,
         f"{f} with a 3-D S0 of shape (1, 3, 4)"),
        ((q, k, v, *more), {"initial_state": torch.zeros(2, 1, 3, 4, dtype=torch.float64)},
         TypeError, f"{f} with float32 q, k, v and a float64 S0"),
        ((q, k, v, *more), {"initial_state": np.zeros((2, 1, 3, 4), dtype=np.float32)},
         TypeError, f"{f} with S0 a numpy array"),
    ]


# --------------------------------------------------------------------------------- hand part

def hand_answer(var):
    """(S1 as a tuple of row tuples, o1 as a tuple) of one delta-rule step, exactly."""
    S0 = [[Fraction(x) for x in row] for row in var["S0"]]
    k = [Fraction(x) for x in var["k"]]
    v = [Fraction(x) for x in var["v"]]
    q = [Fraction(x) for x in var["q"]]
    b = Fraction(var["beta"])
    old = [S0[0][j] * k[0] + S0[1][j] * k[1] for j in range(2)]
    S1 = [[S0[i][j] + b * k[i] * (v[j] - old[j]) for j in range(2)] for i in range(2)]
    o1 = [S1[0][j] * q[0] + S1[1][j] * q[1] for j in range(2)]
    return (tuple(tuple(float(x) for x in row) for row in S1), tuple(float(x) for x in o1))


def _floats(name, value, shape):
    ok = isinstance(value, (tuple, list)) and len(value) == shape[0]
    if ok and len(shape) == 2:
        ok = all(isinstance(r, (tuple, list)) and len(r) == shape[1] for r in value)
    assert ok, (f"{name} must be a tuple of {shape[0]} "
                + ("tuples of 2 numbers" if len(shape) == 2 else "numbers")
                + f", got {value!r}")
    flat = [x for r in value for x in r] if len(shape) == 2 else list(value)
    for x in flat:
        assert type(x) in (int, float), (
            f"{name} must hold Python floats (or ints), got {type(x).__name__} {x!r}")
    if len(shape) == 2:
        return tuple(tuple(float(x) for x in r) for r in value)
    return tuple(float(x) for x in value)


@points(2)
def test_hand_delta_step(sub, variant, answer_digest):
    """HAND_S1 and HAND_O1 are one delta-rule step from your S0 with your k, v, beta and q (checked together, by digest)."""
    s1 = _floats("HAND_S1", sub.HAND_S1, (2, 2))
    o1 = _floats("HAND_O1", sub.HAND_O1, (2,))
    assert answer_digest((s1, o1)) == answer_digest(hand_answer(variant)), (
        "HAND_S1 and HAND_O1 have the right form but are not, together, one delta-rule step "
        "from your values: S0ᵀk first (a column of S0 times k for each value index), then "
        "r = v − S0ᵀk, then S1 = S0 + beta·k ⊗ r (row i of S1 adds beta·k_i·r), then "
        "o1 = S1ᵀq with the NEW state (the statement's worked example shows each step). When "
        "you submit, the values are the ones your own statement names; a local `ulp check` "
        "uses the class's default values.")


# ---------------------------------------------------------------------------------- parallel

@points(3)
@given(case=la_cases(init=False))
@example(case=Case(1, 1, 1, 3, 2))
@example(case=Case(2, 1, 7, 2, 5, kind="ints", seed=1))
@example(case=Case(1, 2, 9, 4, 4, kind="zero_keys", seed=2))
@example(case=Case(1, 1, 12, 3, 6, dtype="float64", kind="scaled", seed=3))
@example(case=Case(2, 2, 16, 8, 1, kind="gauss", seed=4))
def test_parallel_matches_exact(sub, case):
    """linear_attention_parallel returns o = (Q Kᵀ ⊙ M) V (M causal, diagonal included) within the stated bound."""
    result, t = call_la(sub, "linear_attention_parallel", case)
    check_la_result("linear_attention_parallel", result, t, pair=False)


@points(1)
@given(case=la_cases(max_T=12, init=False), T=st.integers(2, 12))
@example(case=Case(1, 1, 4, 3, 2), T=4)
def test_parallel_no_loop_over_tokens(sub, case, T):
    """linear_attention_parallel makes as many torch operations for 2T tokens as for T (at most 4 more): no loop over tokens."""
    ops = []
    for length in (T, 2 * T):
        c = Case(case.B, case.H, length, case.dk, case.dv, case.dtype, case.kind, case.seed)
        result, t = call_la(sub, "linear_attention_parallel", c)
        ops.append(torch_ops(sub, call_text("linear_attention_parallel", t)))
        check_la_result("linear_attention_parallel", result, t, pair=False)
    assert ops[1] <= ops[0] + OPS_SLACK, (
        f"linear_attention_parallel made {ops[0]} torch operations for T = {T} and {ops[1]} for "
        f"T = {2 * T} (same B, H, d_k, d_v): the parallel form must not loop over tokens; its "
        f"number of operations may not grow with T (at most {OPS_SLACK} more are allowed)")


@points(1)
def test_parallel_rejects_bad_input(sub):
    """linear_attention_parallel raises TypeError for non-tensors or bad dtypes, ValueError for bad shapes."""
    check_raises(sub.linear_attention_parallel, qkv_bad_inputs("linear_attention_parallel"))


# --------------------------------------------------------------------------------- recurrent

@points(3)
@given(case=la_cases())
@example(case=Case(1, 1, 1, 3, 2))
@example(case=Case(1, 1, 1, 2, 2, init=True, seed=5))
@example(case=Case(2, 1, 7, 2, 5, kind="ints", seed=1, init=True))
@example(case=Case(1, 2, 9, 4, 4, kind="zero_keys", seed=2))
@example(case=Case(1, 1, 12, 3, 6, dtype="float64", kind="scaled", seed=3, init=True))
@example(case=Case(2, 2, 16, 1, 8, kind="unit_keys", seed=4))
def test_recurrent_matches_exact(sub, case):
    """linear_attention_recurrent returns (o, S_T) with S_t = S_{t-1} + k_tᵀv_t, o_t = q_t S_t, within the stated bounds."""
    result, t = call_la(sub, "linear_attention_recurrent", case)
    check_la_result("linear_attention_recurrent", result, t)


def check_split(sub, name, case, cut, chunk=None):
    """Run tokens [0, cut) and then [cut, T) with the returned state: each call within bound."""
    t = case.tensors()
    first = {x: t[x][:, :, :cut] for x in ("q", "k", "v")}
    second = {x: t[x][:, :, cut:] for x in ("q", "k", "v")}
    if "initial_state" in t:
        first["initial_state"] = t["initial_state"]
    r1, _ = call_la(sub, name, case, first, chunk)
    _, S1 = check_la_result(name, r1, first, chunk)
    second["initial_state"] = S1
    r2, _ = call_la(sub, name, case, second, chunk)
    check_la_result(name + " (second half, from the first half's state)", r2, second, chunk)


@points(2)
@given(case=la_cases(init=None), data=st.data())
@example(case=Case(1, 1, 2, 2, 3, seed=9), data=None)
@example(case=Case(2, 2, 10, 3, 3, kind="ints", seed=10, init=True), data=None)
def test_recurrent_split_carries_state(sub, case, data):
    """Running tokens [0, t) then [t, T) with initial_state = the first call's final state gives the outputs of one run (each call within the bound)."""
    if case.T < 2:
        case.T = 2
    cut = data.draw(st.integers(1, case.T - 1), label="cut") if data else case.T // 2
    check_split(sub, "linear_attention_recurrent", case, cut)


@points(1)
def test_recurrent_rejects_bad_input(sub):
    """linear_attention_recurrent raises TypeError for non-tensors or bad dtypes, ValueError for bad shapes (initial_state included)."""
    name = "linear_attention_recurrent"
    check_raises(sub.linear_attention_recurrent, qkv_bad_inputs(name) + state_bad_inputs(name))


# ---------------------------------------------------------------------------------- chunked

@points(3)
@given(case=la_cases(chunk=True))
@example(case=Case(1, 1, 1, 3, 2, chunk=1))                        # T = 1
@example(case=Case(1, 1, 1, 2, 2, chunk=4, init=True, seed=5))      # C > T = 1
@example(case=Case(2, 1, 7, 2, 5, kind="ints", seed=1, chunk=1))    # C = 1
@example(case=Case(1, 2, 10, 4, 3, seed=2, chunk=3, init=True))     # T not a multiple of C
@example(case=Case(1, 1, 12, 3, 6, dtype="float64", kind="scaled", seed=3, chunk=12))  # C = T
@example(case=Case(2, 2, 16, 5, 2, kind="zero_keys", seed=4, chunk=20))               # C > T
@example(case=Case(1, 1, 16, 2, 7, seed=6, chunk=4))                # d_k != d_v, T = 4C
def test_chunked_matches_exact(sub, case):
    """linear_attention_chunked returns (o, S_T) equal to the recurrent form within the stated bounds, for every chunk size C ≥ 1 (the last chunk may be shorter)."""
    result, t = call_la(sub, "linear_attention_chunked", case)
    check_la_result("linear_attention_chunked", result, t, chunk=case.chunk)


@points(2)
@given(case=la_cases(chunk=True), data=st.data())
@example(case=Case(1, 1, 2, 2, 3, seed=9, chunk=1), data=None)
@example(case=Case(2, 2, 11, 3, 3, kind="ints", seed=10, init=True, chunk=4), data=None)
def test_chunked_split_carries_state(sub, case, data):
    """Running tokens [0, t) then [t, T) with initial_state = the first call's final state gives the outputs of one run (each call within the bound)."""
    if case.T < 2:
        case.T = 2
    cut = data.draw(st.integers(1, case.T - 1), label="cut") if data else case.T // 2
    check_split(sub, "linear_attention_chunked", case, cut, case.chunk)


@points(2)
@given(case=la_cases(max_T=1, max_d=6, init=False), C=st.integers(3, 8), n=st.integers(2, 3))
@example(case=Case(1, 1, 1, 2, 3), C=4, n=2)
@example(case=Case(2, 2, 1, 5, 1, dtype="float64"), C=3, n=3)
def test_chunked_ops_per_chunk(sub, case, C, n):
    """linear_attention_chunked makes (at most 4) more torch operations for n chunks of 2C tokens than for n chunks of C: no loop over tokens inside a chunk."""
    ops = []
    for size in (C, 2 * C):
        c = Case(case.B, case.H, n * size, max(case.dk, 2), max(case.dv, 2), case.dtype,
                 case.kind, case.seed, chunk=size)
        result, t = call_la(sub, "linear_attention_chunked", c)
        ops.append(torch_ops(sub, call_text("linear_attention_chunked", t, size)))
        check_la_result("linear_attention_chunked", result, t, chunk=size)
    assert ops[1] <= ops[0] + OPS_SLACK, (
        f"linear_attention_chunked made {ops[0]} torch operations for T = {n * C} in {n} chunks "
        f"of {C} and {ops[1]} for T = {2 * n * C} in {n} chunks of {2 * C}: the number of "
        f"operations may depend on the number of chunks, not on the chunk length (at most "
        f"{OPS_SLACK} more are allowed). Inside a chunk, use the masked matrix products "
        f"(Q_c K_cᵀ ⊙ M) V_c and K_cᵀ V_c, not a loop over its tokens")


@points(1)
def test_chunked_rejects_bad_input(sub):
    """linear_attention_chunked raises TypeError/ValueError for bad q, k, v, initial_state or chunk_size (< 1: ValueError, not an int: TypeError)."""
    name = "linear_attention_chunked"
    q, k, v = _r(1, 1, 4, 2), _r(1, 1, 4, 2), _r(1, 1, 4, 2)
    sizes = [((q, k, v, 0), {}, ValueError, f"{name}(q, k, v, 0): chunk_size 0"),
             ((q, k, v, -2), {}, ValueError, f"{name}(q, k, v, -2): chunk_size -2"),
             ((q, k, v, 2.0), {}, TypeError, f"{name}(q, k, v, 2.0): chunk_size a float"),
             ((q, k, v, torch.tensor(2)), {}, TypeError,
              f"{name}(q, k, v, torch.tensor(2)): chunk_size a 0-d tensor, not an int")]
    check_raises(sub.linear_attention_chunked,
                  qkv_bad_inputs(name, (2,)) + state_bad_inputs(name, (2,)) + sizes)


# ---------------------------------------------------------------------------------- delta rule

def call_delta(sub, case, t=None):
    t = case.tensors() if t is None else t
    kwargs = {"initial_state": t["initial_state"]} if "initial_state" in t else {}
    return sub.delta_rule_recurrent(t["q"], t["k"], t["v"], t["beta"], **kwargs), t


def check_delta_result(result, t, exact=False, name="delta_rule_recurrent"):
    q, k, v, beta = t["q"], t["k"], t["v"], t["beta"]
    B, H, T, dk = q.shape
    dv = v.shape[-1]
    s0 = t.get("initial_state")
    call = f"{name}(q, k, v, beta{', initial_state=S0' if s0 is not None else ''}) with " \
           f"{describe(t)}"
    o, S = check_pair(call, result)
    check_tensor(f"{call}: o", o, q.dtype, (B, H, T, dv))
    check_tensor(f"{call}: the final state", S, q.dtype, (B, H, dk, dv))
    want = delta_oracle(q, k, v, beta, s0)
    tol_o, tol_s = want["tol_o"], want["tol_S"]
    if exact:
        tol_o, tol_s = torch.zeros_like(tol_o), torch.zeros_like(tol_s)
    check_close(call, "o", o, want["o"], tol_o, "delta_rule_recurrent: |o - o*| vs bound",
                lambda: delta_wrong_variants(q, k, v, beta, s0))
    check_close(call, "state", S, want["S"], tol_s, "delta_rule_recurrent: |S_T - S_T*| vs bound")
    return o, S


@points(3)
@given(case=delta_cases())
@example(case=Case(1, 1, 1, 3, 2, kind="unit_keys", beta="uniform"))
@example(case=Case(1, 1, 1, 2, 2, kind="unit_keys", init=True, seed=5, beta="uniform"))
@example(case=Case(2, 1, 8, 2, 5, kind="small_keys", seed=1, beta="mixed", init=True))
@example(case=Case(1, 2, 9, 4, 4, kind="zero_keys", seed=2, beta="uniform"))
@example(case=Case(1, 1, 12, 3, 6, dtype="float64", kind="unit_keys", seed=3, beta="one",
                   init=True))
@example(case=Case(2, 2, 16, 6, 3, kind="basis", seed=4, beta="mixed", init=True))
def test_delta_matches_exact(sub, case):
    """delta_rule_recurrent returns (o, S_T) with S_t = S_{t-1} + β_t k_t ⊗ (v_t − S_{t-1}ᵀk_t), o_t = S_tᵀq_t, within the stated bounds."""
    result, t = call_delta(sub, case)
    check_delta_result(result, t)


@points(2)
@given(case=delta_cases(kinds=("unit_keys", "zero_keys", "small_keys"), betas=("zero",),
                        init=True),
       zero_keys=st.booleans())
@example(case=Case(1, 1, 1, 2, 3, kind="unit_keys", beta="zero", init=True), zero_keys=False)
@example(case=Case(2, 1, 6, 3, 2, kind="unit_keys", seed=8, beta="uniform", init=True),
         zero_keys=True)
def test_delta_beta_zero_and_zero_keys_keep_state(sub, case, zero_keys):
    """With beta = 0 at every step, or every key 0, the final state is the initial state bit for bit (and o_t = S0ᵀq_t within the bound)."""
    t = case.tensors()
    if zero_keys:
        t["k"] = torch.zeros_like(t["k"])
    result, _ = call_delta(sub, case, t)
    o, S = check_delta_result(result, t)
    assert torch.equal(S, t["initial_state"]), (
        f"delta_rule_recurrent with {'every key 0' if zero_keys else 'beta = 0 at every step'}: "
        f"the final state differs from the initial state, but S_t = S_{{t-1}} + beta_t k_t ⊗ "
        f"(...) adds exactly 0 at every step, so the state must stay the same bit for bit")


@points(2)
@given(case=delta_cases(kinds=("basis",), betas=("one",)))
@example(case=Case(1, 1, 1, 2, 2, kind="basis", beta="one", init=True, seed=11))
@example(case=Case(1, 2, 10, 3, 4, kind="basis", beta="one", init=True, seed=12))
@example(case=Case(2, 1, 6, 1, 3, kind="basis", beta="one", seed=13))
def test_delta_beta_one_overwrites(sub, case):
    """With beta = 1 and unit basis keys ±e_i on small integers, each step overwrites row i of the state with v_t: o and S_T exactly."""
    result, t = call_delta(sub, case)
    check_delta_result(result, t, exact=True)


@points(1)
def test_delta_rejects_bad_input(sub):
    """delta_rule_recurrent raises TypeError/ValueError for bad q, k, v, beta or initial_state."""
    name = "delta_rule_recurrent"
    q, k, v = _r(2, 1, 5, 3), _r(2, 1, 5, 3), _r(2, 1, 5, 4)
    b = torch.rand(2, 1, 5)
    f = f"{name}(q, k, v, beta)"
    betas = [((q, k, v, b[..., None]), {}, ValueError, f"{f} with beta of shape (2, 1, 5, 1)"),
             ((q, k, v, b[:, :, :4]), {}, ValueError, f"{f} with beta of shape (2, 1, 4)"),
             ((q, k, v, b.double()), {}, TypeError, f"{f} with float32 q, k, v, float64 beta"),
             ((q, k, v, b.tolist()), {}, TypeError, f"{f} with beta a list")]
    check_raises(sub.delta_rule_recurrent,
                  qkv_bad_inputs(name, ("beta",)) + state_bad_inputs(name, ("beta",)) + betas)
