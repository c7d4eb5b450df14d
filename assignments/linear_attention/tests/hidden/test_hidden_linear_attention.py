"""Hidden tests of linear_attention: longer sequences, wider heads, both dtypes, uneven last
chunks, a sequence too long for a T x T matrix, and the delta rule over long runs. Each test
calls ONE of the student's functions; the oracles are those of the public tests."""

from hypothesis import example, given, settings
from hypothesis import strategies as st
from linear_attention_strategies import OPS_SLACK, Case, delta_cases, la_cases
from test_public_linear_attention import (
    call_delta,
    call_la,
    call_text,
    check_delta_result,
    check_la_result,
    check_split,
    torch_ops,
)

from autograder.testing import hidden, points


@points(3)
@hidden
@settings(max_examples=5)
@given(case=la_cases(max_T=128, max_d=32, init=False))
@example(case=Case(1, 1, 128, 32, 16, kind="scaled", seed=21))
@example(case=Case(2, 2, 100, 1, 1, dtype="float64", seed=22))
def test_hidden_parallel_long(sub, case):
    result, t = call_la(sub, "linear_attention_parallel", case)
    check_la_result("linear_attention_parallel", result, t, pair=False)


@points(3)
@hidden
@settings(max_examples=5)
@given(case=la_cases(max_T=256, max_d=32, init=True))
@example(case=Case(1, 1, 256, 16, 32, kind="scaled", seed=23, init=True))
@example(case=Case(2, 2, 200, 7, 3, dtype="float64", kind="zero_keys", seed=24))
def test_hidden_recurrent_long(sub, case):
    result, t = call_la(sub, "linear_attention_recurrent", case)
    check_la_result("linear_attention_recurrent", result, t)


@points(4)
@hidden
@settings(max_examples=8)
@given(case=la_cases(max_T=256, max_d=32, chunk=True))
@example(case=Case(1, 1, 256, 16, 32, kind="scaled", seed=25, chunk=64, init=True))
@example(case=Case(2, 1, 250, 8, 8, dtype="float64", seed=26, chunk=7, init=True))
@example(case=Case(1, 2, 97, 5, 9, kind="zero_keys", seed=27, chunk=96))
@example(case=Case(1, 1, 64, 3, 3, kind="ints", seed=28, chunk=1))
@example(case=Case(1, 1, 33, 4, 2, seed=29, chunk=500))
def test_hidden_chunked_long(sub, case):
    result, t = call_la(sub, "linear_attention_chunked", case)
    check_la_result("linear_attention_chunked", result, t, chunk=case.chunk)


@points(2)
@hidden
@settings(max_examples=5)
@given(case=la_cases(max_T=1, max_d=6, init=False), C=st.integers(3, 8), n=st.integers(2, 3),
       r=st.data())
@example(case=Case(1, 1, 1, 2, 3), C=5, n=2, r=None)
def test_hidden_chunked_ops_uneven(sub, case, C, n, r):
    """n full chunks and a shorter last one (of 2 or more tokens), for C and 2C."""
    r1 = r.draw(st.integers(2, C - 1), label="r1") if r else 2
    r2 = r.draw(st.integers(2, 2 * C - 1), label="r2") if r else 7
    ops = []
    for size, rest in ((C, r1), (2 * C, r2)):
        c = Case(case.B, case.H, n * size + rest, max(case.dk, 2), max(case.dv, 2), case.dtype,
                 case.kind, case.seed, chunk=size)
        result, t = call_la(sub, "linear_attention_chunked", c)
        ops.append(torch_ops(sub, call_text("linear_attention_chunked", t, size)))
        check_la_result("linear_attention_chunked", result, t, chunk=size)
    assert ops[1] <= ops[0] + OPS_SLACK, f"{ops}"


@points(2)
@hidden
def test_hidden_chunked_no_t_by_t_matrix(sub):
    """T = 32768 in chunks of 64: a T x T float32 matrix (4 GiB) does not fit the memory limit."""
    case = Case(1, 1, 32768, 8, 8, kind="gauss", seed=30, chunk=64)
    result, t = call_la(sub, "linear_attention_chunked", case)
    check_la_result("linear_attention_chunked", result, t, chunk=case.chunk)


@points(4)
@hidden
@settings(max_examples=6)
@given(case=delta_cases(max_T=256, max_d=16))
@example(case=Case(1, 1, 256, 16, 16, kind="unit_keys", seed=31, beta="uniform", init=True))
@example(case=Case(2, 2, 200, 5, 9, dtype="float64", kind="small_keys", seed=32, beta="mixed"))
@example(case=Case(1, 1, 128, 4, 2, kind="basis", seed=33, beta="one", init=True))
def test_hidden_delta_long(sub, case):
    result, t = call_delta(sub, case)
    check_delta_result(result, t)


@points(2)
@hidden
@settings(max_examples=5)
@given(case=delta_cases(max_T=64), data=st.data())
@example(case=Case(1, 1, 20, 3, 4, kind="unit_keys", seed=34, beta="uniform", init=True),
         data=None)
def test_hidden_delta_split_carries_state(sub, case, data):
    if case.T < 2:
        case.T = 2
    cut = data.draw(st.integers(1, case.T - 1), label="cut") if data else 7
    t = case.tensors()
    first = {x: t[x][:, :, :cut] for x in ("q", "k", "v", "beta")}
    second = {x: t[x][:, :, cut:] for x in ("q", "k", "v", "beta")}
    if "initial_state" in t:
        first["initial_state"] = t["initial_state"]
    r1, _ = call_delta(sub, case, first)
    _, S1 = check_delta_result(r1, first)
    second["initial_state"] = S1
    r2, _ = call_delta(sub, case, second)
    check_delta_result(r2, second)


@points(2)
@hidden
@settings(max_examples=5)
@given(case=la_cases(max_T=64, max_d=16, chunk=True), data=st.data())
@example(case=Case(1, 2, 30, 4, 4, kind="scaled", seed=35, chunk=8, init=True), data=None)
def test_hidden_chunked_split_long(sub, case, data):
    if case.T < 2:
        case.T = 2
    cut = data.draw(st.integers(1, case.T - 1), label="cut") if data else 13
    check_split(sub, "linear_attention_chunked", case, cut, case.chunk)


@points(1)
@hidden
def test_hidden_recurrent_float64_wide(sub):
    case = Case(2, 3, 40, 24, 20, dtype="float64", kind="unit_keys", seed=36, init=True)
    result, t = call_la(sub, "linear_attention_recurrent", case)
    check_la_result("linear_attention_recurrent", result, t)

