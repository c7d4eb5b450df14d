"""Hidden tests of online_softmax: longer streams, other merge trees, extreme finalize inputs,
mixed Triton shapes. Same oracle and bounds as the public tests (online_softmax_oracle.py)."""

import numpy as np
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points
from online_softmax_oracle import (Case, cases, check_lse, check_probabilities, check_state,
                                   exact_state, fold, make_rows, merge_in_order, run_triton, seeds)


@points(4)
@settings(max_examples=6)
@given(case=cases(max_n=64), ascending=st.booleans())
@example(case=Case(4, 64, "float32", 10, "wide", list(range(1, 64))), ascending=True)
@example(case=Case(2, 40, "float64", 11, "extreme", [0, 0, 5, 5, 20, 39]), ascending=False)
@example(case=Case(3, 30, "float32", 12, "ties", [10, 20]), ascending=False)
@example(case=Case(2, 20, "float64", 13, "neg_inf_prefix", [5, 10, 15]), ascending=False)
def test_hidden_update_long_streams(sub, case, ascending):
    """Many blocks, rising maxima (every block raises the max), empty blocks, float32 and float64."""
    if ascending:  # sort each row so that every later block raises the running max
        case.x = np.sort(case.x, axis=1)
    state, k = fold(sub, case)
    check_state(state, case.x, k, f"update over the blocks of {case!r}", "hidden update")


@points(4)
@settings(max_examples=6)
@given(case=cases(max_n=40), order=seeds, with_empty=st.booleans())
@example(case=Case(3, 16, "float32", 20, "neg_inf_entries", list(range(1, 16))), order=7,
         with_empty=True)
@example(case=Case(2, 12, "float64", 21, "extreme", [6]), order=8, with_empty=True)
@example(case=Case(2, 9, "float32", 22, "huge", [1, 2, 3, 4, 5, 6, 7, 8]), order=9,
         with_empty=False)
def test_hidden_merge_trees(sub, case, order, with_empty):
    """Merge trees over many leaves, empty states among them, -inf and huge leaves."""
    leaves = [exact_state(b)[0] for b in case.blocks()]
    if with_empty:
        dt = case.dtype
        leaves += [(np.full(case.rows, -np.inf, dtype=dt), np.zeros(case.rows, dtype=dt))] * 2
    state, merges = merge_in_order(sub, leaves, order)
    check_state(state, case.x, merges, f"merging the block states of {case!r}", "hidden merge")


@points(2)
@settings(max_examples=6)
@given(case=cases(max_n=64, styles=["extreme", "huge", "wide", "neg_inf_prefix"]))
@example(case=Case(4, 64, "float64", 30, "extreme", []))
@example(case=Case(4, 64, "float32", 31, "wide", []))
@example(case=Case(3, 10, "float64", 34, "wide", [], dead=1))
def test_hidden_finalize_softmax_extremes(sub, case):
    """finalize_softmax on wide, huge and +-max/2 rows, float32 and float64."""
    state, ex = exact_state(case.x)
    got = sub.finalize_softmax(state, case.x)
    check_probabilities(got, case.x, state, ex, f"finalize_softmax of {case!r}", "hidden softmax")


@points(2)
@settings(max_examples=6)
@given(case=cases(max_n=64, styles=["extreme", "huge", "wide", "all_neg_inf_row"]))
@example(case=Case(4, 64, "float64", 32, "huge", []))
@example(case=Case(3, 3, "float32", 33, "all_neg_inf_row", []))
def test_hidden_finalize_lse_extremes(sub, case):
    """finalize_lse on wide, huge, +-max/2 and all -inf rows."""
    check_lse(sub, case, "hidden lse")


@points(6)
@settings(max_examples=5)
@given(rows=st.integers(1, 4), n=st.integers(1, 150), block=st.sampled_from([16, 32, 64, 128]),
       dtype=st.sampled_from(["float32", "float16"]), seed=seeds,
       style=st.sampled_from(["normal", "wide", "ties", "neg_inf_entries", "neg_inf_prefix",
                              "all_neg_inf_row", "extreme", "huge"]))
@example(rows=4, n=129, block=128, dtype="float32", seed=40, style="neg_inf_prefix")
@example(rows=3, n=17, block=16, dtype="float16", seed=41, style="all_neg_inf_row")
@example(rows=2, n=150, block=16, dtype="float32", seed=42, style="ties")
@example(rows=2, n=100, block=16, dtype="float16", seed=43, style="wide")   # max grows across blocks
def test_hidden_softmax_rows_mixed(sub, rows, n, block, dtype, seed, style):
    """softmax_rows on mixed shapes, dtypes, blocks and styles."""
    x = make_rows(rows, n, dtype, seed, style)
    if style == "ties":  # the max of every row first in its last block, then again at column 0
        x[:, -1] = x.max() + 1
        x[:, 0] = x[:, -1]
    run_triton(sub, x, block, "hidden softmax_rows")
