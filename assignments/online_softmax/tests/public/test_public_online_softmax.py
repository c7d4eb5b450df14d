"""Public tests of online_softmax: the NumPy state (init, update, merge, finalize_lse,
finalize_softmax) and the Triton row softmax (softmax_rows).

The NumPy oracle is exact (float64 for float32 data, mpmath for float64) and the tolerances are
the statement's bounds (online_softmax_oracle.py). Each NumPy function is tested on its own:
merge gets exact leaf states and the finalize functions an exact state, so a bug in one function
fails its own tests only. Inputs come from a seed: Case(...) / make_rows(...) in
online_softmax_oracle.py rebuild the failing example.
"""

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points
from online_softmax_oracle import (Case, cases, check_lse, check_probabilities, check_state,
                                   check_state_type, describe, exact_state, fold, make_rows,
                                   kernel_trace, load_budget, make_x, merge_in_order, run_triton,
                                   seeds)


# ----------------------------------------------------------------------------- init

@points(1)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_init_is_the_empty_state(sub, dtype):
    """init(rows, dtype) returns (m, l) = (-inf, 0) per row, 1-D arrays of the dtype."""
    for rows in (1, 3, 7):
        m, l = check_state_type(sub.init(rows, dtype), rows, dtype, f"init({rows}, {dtype!r})")
        assert np.all(np.isneginf(m)), f"init({rows}, {dtype!r}): m = {describe(m)}, expected all -inf"
        assert np.all(l == 0) and not np.signbit(l).any(), \
            f"init({rows}, {dtype!r}): l = {describe(l)}, expected all +0.0"


# ----------------------------------------------------------------------------- update

@points(3)
@settings(max_examples=10)
@given(case=cases())
@example(case=Case(2, 12, "float32", 0, "normal", [4, 8]))
@example(case=Case(3, 9, "float64", 1, "normal", list(range(1, 9))))      # one-element blocks
@example(case=Case(2, 16, "float32", 2, "ties", [4, 8, 12]))              # max tied across blocks
@example(case=Case(2, 10, "float32", 3, "huge", [3, 7]))                  # logits near 1e4
@example(case=Case(3, 10, "float32", 4, "extreme", [2, 5]))               # +-float32 max / 2
@example(case=Case(2, 10, "float64", 5, "extreme", [1, 9]))               # +-float64 max / 2
@example(case=Case(2, 20, "float32", 6, "wide", [5, 5, 10, 20]))          # empty blocks
@example(case=Case(2, 24, "float64", 7, "wide", [2, 4, 6, 12]))
@example(case=Case(2, 8, "float32", 8, "neg_inf_prefix", [4]))               # a first block of -inf
def test_update_folds_blocks_into_the_state(sub, case):
    """update over any split of the columns: m is the exact row max, l within the bound."""
    state, k = fold(sub, case)
    check_state(state, case.x, k, f"update over the blocks of {case!r}", "update: |l - L|")


@points(2)
@settings(max_examples=6)
@given(case=cases(styles=["neg_inf_prefix", "neg_inf_entries", "all_neg_inf_row"]))
@example(case=Case(2, 8, "float32", 0, "neg_inf_prefix", [2, 4, 6]))     # all -inf blocks first
@example(case=Case(3, 6, "float64", 1, "all_neg_inf_row", [3]))          # a row all -inf
@example(case=Case(1, 5, "float32", 2, "neg_inf_prefix", [1, 2, 3, 4]))
@example(case=Case(2, 12, "float32", 3, "neg_inf_entries", [1, 5, 6]))
def test_update_neg_inf_blocks_give_no_nan(sub, case):
    """A block (or a whole row) of -inf keeps the state (-inf, 0), never NaN; later finite values count."""
    state, k = fold(sub, case)
    check_state(state, case.x, k, f"update over the blocks of {case!r}", "update (-inf): |l - L|")


# ----------------------------------------------------------------------------- merge

@points(3)
@settings(max_examples=8)
@given(case=cases(), order=seeds)
@example(case=Case(2, 12, "float32", 0, "normal", [3, 6, 9]), order=0)
@example(case=Case(2, 12, "float64", 1, "ties", [3, 6, 9]), order=1)
@example(case=Case(2, 8, "float32", 2, "neg_inf_prefix", [2, 4, 6]), order=2)   # -inf leaves
@example(case=Case(3, 10, "float32", 3, "extreme", [2, 5, 7]), order=3)
@example(case=Case(2, 6, "float64", 4, "huge", [1, 2, 3, 4, 5]), order=4)
@example(case=Case(3, 6, "float32", 5, "all_neg_inf_row", [3]), order=5)
def test_merge_any_split_any_order(sub, case, order):
    """merge of exact block states in any tree and argument order: m exact, l within the bound."""
    leaves = [exact_state(b)[0] for b in case.blocks()]
    state, merges = merge_in_order(sub, leaves, order)
    check_state(state, case.x, merges, f"merging the block states of {case!r} (order seed {order})",
                "merge: |l - L|")


@points(2)
def test_merge_with_the_empty_state_is_the_identity(sub):
    """merge(empty, s) and merge(s, empty) return s bit for bit; merge(empty, empty) is empty."""
    for dtype in ("float32", "float64"):
        x = make_x(3, 5, dtype, 11, "all_neg_inf_row")
        s = exact_state(x)[0]
        empty = (np.full(3, -np.inf, dtype=dtype), np.zeros(3, dtype=dtype))
        for got, what in ((sub.merge(empty, s), "merge(empty, s)"), (sub.merge(s, empty), "merge(s, empty)")):
            m, l = check_state_type(got, 3, dtype, what)
            assert np.array_equal(m, s[0]) and np.array_equal(l, s[1]), (
                f"{what} in {dtype}: got m = {describe(m)}, l = {describe(l)}; expected s itself, "
                f"m = {describe(s[0])}, l = {describe(s[1])} (the empty state (-inf, 0) is the "
                "identity of merge; a NaN means -inf - (-inf) was computed)")
        m, l = check_state_type(sub.merge(empty, empty), 3, dtype, "merge(empty, empty)")
        assert np.all(np.isneginf(m)) and np.all(l == 0), (
            f"merge(empty, empty) in {dtype}: got m = {describe(m)}, l = {describe(l)}, expected "
            "(-inf, 0) (no NaN from -inf - (-inf))")


# ----------------------------------------------------------------------------- finalize

LSE_CASES = cases(styles=["normal", "wide", "huge", "extreme", "ties", "all_neg_inf_row",
                          "neg_inf_entries"])


@points(2)
@settings(max_examples=8)
@given(case=LSE_CASES)
@example(case=Case(3, 8, "float32", 0, "normal", []))
@example(case=Case(2, 8, "float64", 1, "huge", []))
@example(case=Case(3, 6, "float32", 2, "all_neg_inf_row", []))     # lse -inf
@example(case=Case(2, 9, "float32", 3, "extreme", []))
@example(case=Case(2, 1, "float64", 4, "normal", []))              # one value: lse = x
def test_finalize_lse(sub, case):
    """finalize_lse(state) = m + log(l) within the bound; -inf for a row that saw nothing finite."""
    check_lse(sub, case, "finalize_lse: |lse - LSE|")


SOFTMAX_CASES = cases(styles=["normal", "wide", "huge", "extreme", "ties", "all_neg_inf_row",
                              "neg_inf_entries", "neg_inf_prefix"])


@points(3)
@settings(max_examples=8)
@given(case=SOFTMAX_CASES)
@example(case=Case(3, 8, "float32", 0, "normal", []))
@example(case=Case(2, 8, "float32", 1, "huge", []))
@example(case=Case(3, 6, "float64", 2, "all_neg_inf_row", []))    # zeros
@example(case=Case(2, 9, "float32", 3, "extreme", []))
@example(case=Case(2, 10, "float64", 4, "neg_inf_entries", []))   # exact zeros at -inf
@example(case=Case(2, 7, "float32", 5, "ties", []))
def test_finalize_softmax(sub, case):
    """finalize_softmax(state, x) = exp(x - m) / l within the bound; zeros for an all -inf row."""
    state, ex = exact_state(case.x)
    got = sub.finalize_softmax(state, case.x)
    check_probabilities(got, case.x, state, ex, f"finalize_softmax(exact state, x) of {case!r}",
                        "finalize_softmax: |p - P|")


# ----------------------------------------------------------------------------- NumPy errors

@points(1)
def test_numpy_bad_arguments_raise_value_error(sub):
    """ValueError for a bad rows/dtype in init, a block, state or x of another row count or dtype."""
    s32 = exact_state(make_x(2, 4, "float32", 0))[0]
    s64 = exact_state(make_x(2, 4, "float64", 0))[0]
    # one valid call first: raising errors earns nothing without the state
    m, l = check_state_type(sub.init(2, "float32"), 2, "float32", "init(2, 'float32')")
    assert np.all(np.isneginf(m)) and np.all(l == 0), "init(2, 'float32') is not (-inf, 0)"
    bad = [
        ("init(0, 'float32')", "init", (0, "float32")),
        ("init(2, 'float16')", "init", (2, "float16")),
        ("update(state of 2 rows, block of 3 rows)", "update", (s32, np.zeros((3, 2), np.float32))),
        ("update(float32 state, float64 block)", "update", (s32, np.zeros((2, 2), np.float64))),
        ("update(state, 1-D block)", "update", (s32, np.zeros(2, np.float32))),
        ("merge(float32 state, float64 state)", "merge", (s32, s64)),
        ("merge(state of 2 rows, state of 3 rows)", "merge",
         (s32, (np.zeros(3, np.float32), np.ones(3, np.float32)))),
        ("finalize_softmax(state of 2 rows, x of 3 rows)", "finalize_softmax",
         (s32, np.zeros((3, 4), np.float32))),
        ("finalize_softmax(state of 2 rows, x of 1 row)", "finalize_softmax",
         (s32, np.zeros((1, 4), np.float32))),
        ("finalize_softmax(float32 state, float64 x)", "finalize_softmax",
         (s32, np.zeros((2, 4), np.float64))),
    ]
    for text, name, args in bad:
        try:
            getattr(sub, name)(*args)
        except ValueError:
            continue
        except Exception as e:  # noqa: BLE001 - the student's exception, as its built-in class
            raise AssertionError(f"{text} raised {type(e).__name__}, expected ValueError: {e}") from None
        raise AssertionError(f"{text} did not raise ValueError")


# ----------------------------------------------------------------------------- Triton

@points(3)
@settings(max_examples=5)
@given(rows=st.integers(1, 3), n=st.integers(17, 150), block=st.sampled_from([16, 32, 64]),
       seed=seeds, style=st.sampled_from(["normal", "wide", "ties"]))
@example(rows=2, n=64, block=16, seed=0, style="normal")       # whole blocks
@example(rows=3, n=37, block=16, seed=1, style="wide")         # a ragged last block
@example(rows=1, n=100, block=32, seed=2, style="ties")
def test_softmax_rows_fp32_rows_longer_than_block(sub, rows, n, block, seed, style):
    """float32 rows of several blocks (ragged tails): within the bound of the statement."""
    x = make_rows(rows, n, "float32", seed, style)
    run_triton(sub, x, block, "softmax_rows fp32: |y - P|")


@points(2)
@settings(max_examples=4)
@given(rows=st.integers(1, 3), n=st.integers(1, 130), block=st.sampled_from([16, 32, 64]),
       seed=seeds, style=st.sampled_from(["normal", "wide", "huge"]))
@example(rows=2, n=48, block=16, seed=0, style="normal")
@example(rows=2, n=33, block=16, seed=1, style="huge")         # 3e4 + N(0, 1) in fp16
@example(rows=1, n=1, block=16, seed=2, style="normal")        # one element: 1.0
def test_softmax_rows_fp16(sub, rows, n, block, seed, style):
    """float16 in and out, float32 statistics: within the fp16 bound."""
    x = make_rows(rows, n, "float16", seed, style)
    run_triton(sub, x, block, "softmax_rows fp16: |y - P|")


@points(2)
@settings(max_examples=4)
@given(rows=st.integers(1, 3), n=st.integers(1, 100), block=st.sampled_from([16, 32]),
       dtype=st.sampled_from(["float32", "float16"]), seed=seeds,
       style=st.sampled_from(["neg_inf_entries", "neg_inf_prefix", "all_neg_inf_row", "extreme"]))
@example(rows=2, n=40, block=16, dtype="float32", seed=0, style="neg_inf_prefix")   # -inf blocks first
@example(rows=3, n=20, block=16, dtype="float32", seed=1, style="all_neg_inf_row")  # zeros
@example(rows=2, n=50, block=16, dtype="float32", seed=2, style="extreme")          # +-max/2
@example(rows=2, n=30, block=16, dtype="float16", seed=3, style="neg_inf_entries")
def test_softmax_rows_neg_inf_and_huge_logits(sub, rows, n, block, dtype, seed, style):
    """-inf entries, all -inf blocks, all -inf rows (zeros), logits of +-max/2: no NaN, no inf."""
    x = make_rows(rows, n, dtype, seed, style)
    run_triton(sub, x, block, "softmax_rows -inf/huge: |y - P|")


@points(2)
def test_softmax_rows_longer_than_the_largest_tile(sub):
    """A row of 2**20 + 17 values (more than any Triton tile holds) with block = 16384."""
    x = make_rows(1, 2**20 + 17, "float32", 5, "wide")
    run_triton(sub, x, 16384, "softmax_rows long row: |y - P|")


@points(2)
def test_softmax_rows_makes_two_passes(sub):
    """The kernels load each value at most twice (statistics pass, write pass), and are correct.

    Counted under the interpreter (CPU): the active lanes of every tl.load of the call."""
    rows, n, block = 3, 200, 16
    x = make_rows(rows, n, "float32", 3, "wide")
    run_triton(sub, x, block, "softmax_rows two passes: |y - P|")
    trace = kernel_trace(sub)
    if trace is None:  # compiled on a GPU: the loads are not counted there
        return
    loaded, budget = int(trace.get("loaded_elems", 0)), load_budget(rows, n, block)
    assert loaded <= budget, (
        f"softmax_rows(x[{rows}, {n}], block={block}): your kernels loaded {loaded} elements, "
        f"{loaded / (rows * n):.2f} per value of x (at most {budget} allowed, about 2 per value): "
        "the online softmax makes one pass for (m, l) and one pass to write; a separate max pass "
        "and sum pass is the naive three-pass form")


@points(1)
def test_softmax_rows_bad_arguments_raise_value_error(sub):
    """ValueError for a non-tensor, a tensor that is not 2-D or is empty, a dtype other than float32/float16, or a bad block."""
    import torch

    x = make_rows(2, 20, "float32", 0)
    run_triton(sub, x, 16, "softmax_rows errors test: |y - P|")  # a valid call first
    bad = [
        ("a list instead of a tensor", [[0.0] * 16] * 2, 16),
        ("an empty tensor of shape (0, 8)", torch.zeros(0, 8), 16),
        ("an empty tensor of shape (2, 0)", torch.zeros(2, 0), 16),
        ("a 1-D tensor", torch.zeros(8), 16),
        ("a 3-D tensor", torch.zeros(2, 2, 8), 16),
        ("a float64 tensor", torch.zeros(2, 8, dtype=torch.float64), 16),
        ("an int32 tensor", torch.zeros(2, 8, dtype=torch.int32), 16),
        ("block = 24 (not a power of two)", torch.zeros(2, 8), 24),
        ("block = 8 (below 16)", torch.zeros(2, 8), 8),
        ("block = 32768 (above 16384)", torch.zeros(2, 8), 32768),
    ]
    for text, arg, block in bad:
        try:
            sub.softmax_rows(arg, block)
        except ValueError:
            continue
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"softmax_rows with {text} raised {type(e).__name__}, expected "
                                 f"ValueError: {e}") from None
        raise AssertionError(f"softmax_rows with {text} did not raise ValueError")
