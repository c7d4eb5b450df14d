"""Hidden tests of rmsnorm_kernel: mixtures of every feature, edge rows in the backward, many
row groups, extreme scales, and the shape of the kernels."""

import sys
from pathlib import Path

from hypothesis import example, given, settings, strategies as st

from autograder.testing import points, triton_source

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from rmsnorm_kernel_oracle import (EPSILONS, check_backward, check_forward,  # noqa: E402
                                   check_partials, make_inputs, require_kernel, rstd_for,
                                   seeds)

SHAPES = st.one_of(
    st.tuples(st.integers(1, 6), st.integers(1, 200)),
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 90)),
    st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 2), st.integers(1, 40)),
)


@points(4)
@settings(max_examples=4)
@given(shape=SHAPES, dtype=st.sampled_from(["float32", "float16"]),
       scale=st.sampled_from([1.0, 1e-3, 50.0]), eps=st.sampled_from(EPSILONS),
       zero=st.integers(0, 7), seed=seeds)
@example(shape=(2, 3, 45), dtype="float16", scale=50.0, eps=1e-5, zero=1, seed=0)
@example(shape=(5, 1), dtype="float32", scale=1.0, eps=1e-6, zero=9, seed=1)
@example(shape=(1, 1, 2, 17), dtype="float32", scale=1e-3, eps=1e-3, zero=0, seed=2)
def test_hidden_forward_mixture(sub, device, request, shape, dtype, scale, eps, zero, seed):
    """Forward: any leading shape, float32/float16, ragged n, zero rows, several scales and eps."""
    require_kernel(sub)
    x, w, _ = make_inputs(shape, dtype, seed, scale=scale, zero_rows=(zero,), device=device)
    check_forward(sub.rmsnorm_forward(x, w, eps), x, w, eps)


@points(4)
@settings(max_examples=4)
@given(shape=SHAPES, dtype=st.sampled_from(["float32", "float16"]),
       scale=st.sampled_from([1.0, 1e-3, 50.0]), eps=st.sampled_from(EPSILONS),
       zero=st.integers(0, 7), seed=seeds)
@example(shape=(2, 3, 45), dtype="float16", scale=50.0, eps=1e-5, zero=1, seed=0)
@example(shape=(3, 2, 70), dtype="float32", scale=1.0, eps=1e-6, zero=4, seed=1)
@example(shape=(6, 129), dtype="float32", scale=1e-3, eps=1e-3, zero=2, seed=2)
@example(shape=(7, 20), dtype="float32", scale=1.0, eps=1e-5, zero=3, seed=3)
def test_hidden_backward_mixture(sub, device, request, shape, dtype, scale, eps, zero, seed):
    """Backward: any leading shape, float32/float16, ragged n, zero rows, several scales and eps."""
    require_kernel(sub)
    x, w, dy = make_inputs(shape, dtype, seed, scale=scale, zero_rows=(zero,), device=device)
    rstd = rstd_for(x, eps)
    check_backward(sub.rmsnorm_backward(dy, x, w, rstd), dy, x, w, eps, rstd)


EDGE = {
    "one element per row": dict(shape=(6, 1)),
    "all-zero rows": dict(shape=(4, 10), zero_rows=(1, 2)),
    "3-D x": dict(shape=(2, 2, 5)),
    "1-D x": dict(shape=(9,)),
    "rows of 3073": dict(shape=(2, 3073)),
}


@points(4)
@settings(max_examples=1)
@given(case=st.sampled_from(sorted(EDGE)), dtype=st.sampled_from(["float32", "float16"]),
       seed=seeds)
@example(case="one element per row", dtype="float32", seed=0)
@example(case="all-zero rows", dtype="float16", seed=1)
@example(case="3-D x", dtype="float32", seed=2)
@example(case="1-D x", dtype="float16", seed=3)
@example(case="rows of 3073", dtype="float32", seed=4)
def test_hidden_backward_edge_rows(sub, device, request, case, dtype, seed):
    """Backward: n = 1, zero rows, 1-D and 3-D x, and rows longer than three blocks."""
    require_kernel(sub)
    eps = 1e-5
    x, w, dy = make_inputs(dtype=dtype, seed=seed, device=device, **EDGE[case])
    rstd = rstd_for(x, eps)
    check_backward(sub.rmsnorm_backward(dy, x, w, rstd), dy, x, w, eps, rstd)


@points(3)
@settings(max_examples=2)
@given(rows=st.integers(10, 23), group=st.integers(1, 30), n=st.integers(1, 80), seed=seeds)
@example(rows=23, group=5, n=13, seed=0)
@example(rows=17, group=17, n=6, seed=1)
@example(rows=11, group=30, n=3, seed=2)
@example(rows=3, group=2, n=1100, seed=3)
def test_hidden_partials_many_groups(sub, device, request, rows, group, n, seed):
    """Stage one with many groups, one group, a group larger than R, and rows of two blocks."""
    require_kernel(sub)
    x, w, dy = make_inputs((rows, n), "float32", seed, device=device, zero_rows=(rows - 1,))
    rstd = rstd_for(x, 1e-6)
    check_partials(sub.rmsnorm_backward_partials(dy, x, w, rstd, group), dy, x, w, 1e-6, group)


@points(3)
def test_hidden_extreme_scales(sub, device, request):
    """Forward and backward at 1e-20 and 1e10 (float32) and up to 3e4 (float16)."""
    require_kernel(sub)
    for dtype, scale, eps in (("float32", 1e-20, 1e-6), ("float32", 1e10, 1e-6),
                              ("float16", 1e4, 1e-6), ("float16", 1e-4, 1e-3)):
        x, w, dy = make_inputs((3, 21), dtype, 7, scale=scale, device=device)
        check_forward(sub.rmsnorm_forward(x, w, eps), x, w, eps)
        rstd = rstd_for(x, eps)
        check_backward(sub.rmsnorm_backward(dy, x, w, rstd), dy, x, w, eps, rstd)


@points(2)
def test_hidden_kernel_structure(sub, device, request):
    """Triton kernels that loop over column blocks (a loop around tl.load) and reduce with tl.sum."""
    found = triton_source(sub.source)
    assert found is not None and found.kernels, "no @triton.jit kernel found"
    assert any("load" in found.calls(loop) for loop in found.loops()), (
        "no @triton.jit kernel loads inside a loop: rows must be walked in blocks")
    assert any(found.calls(fn) & {"sum", "reduce"} for fn in found.kernels.values()), (
        "no @triton.jit kernel reduces with tl.sum (or tl.reduce)")
    x, w, dy = make_inputs((2, 40), "float32", 0, device=device)
    check_forward(sub.rmsnorm_forward(x, w, 1e-6), x, w, 1e-6)
