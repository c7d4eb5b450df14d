"""Public tests of rmsnorm_kernel (CPU: Triton's interpreter; GPU: compiled).

Every value is compared with a float64 oracle computed from the very same rounded inputs, within
the error bounds of rmsnorm_kernel_oracle (the statement derives them). The inputs are drawn from
a seed: the falsifying example hypothesis prints reproduces them with
rmsnorm_kernel_oracle.make_inputs(shape, dtype, seed, ...).
"""

import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import observe, points
from rmsnorm_kernel_oracle import (EPSILONS, check_backward, check_forward, check_partials,
                                   make_inputs, require_kernel, rstd_for, seeds)

N_SMALL = st.one_of(st.sampled_from([1, 2, 3, 7, 16, 31, 33, 64, 100, 127, 128, 129]),
                    st.integers(min_value=1, max_value=160))
EPS = st.sampled_from(EPSILONS)


def forward(sub, device, shape, dtype, seed, eps, request=None, **kw):
    require_kernel(sub)
    x, w, _ = make_inputs(shape, dtype, seed, device=device, **kw)
    if eps is None:  # the default, eps = 1e-6
        return check_forward(sub.rmsnorm_forward(x, w), x, w, 1e-6)
    got = sub.rmsnorm_forward(x, w, eps)
    return check_forward(got, x, w, eps)


def backward(sub, device, shape, dtype, seed, eps, request=None, **kw):
    require_kernel(sub)
    x, w, dy = make_inputs(shape, dtype, seed, device=device, **kw)
    rstd = rstd_for(x, eps)
    got = sub.rmsnorm_backward(dy, x, w, rstd)
    return check_backward(got, dy, x, w, eps, rstd)


# ----------------------------------------------------------------------------- Part 1: by hand

def hand_answers(v):
    """(y1, y2), (dx1, dx2), (dw1, dw2) for the student's row (exact binary fractions)."""
    c = v["c"]
    xh = (v["x1"] / c, v["x2"] / c)
    w = (v["w1"], v["w2"])
    dy = (v["dy1"], v["dy2"])
    g = (dy[0] * w[0], dy[1] * w[1])
    m = (g[0] * xh[0] + g[1] * xh[1]) / 2
    y = (xh[0] * w[0], xh[1] * w[1])
    dx = ((g[0] - xh[0] * m) / c, (g[1] - xh[1] * m) / c)
    dw = (dy[0] * xh[0], dy[1] * xh[1])
    return tuple(map(float, y)), tuple(map(float, dx)), tuple(map(float, dw))


def pair(sub, name):
    value = getattr(sub, name)
    assert isinstance(value, (tuple, list)) and len(value) == 2 and all(
        type(t) in (int, float) for t in value), (
        f"{name} must be a tuple of two floats (ints allowed), got {value!r}")
    return tuple(float(t) for t in value)


@points(1)
def test_hand_forward(sub, variant, answer_digest):
    """HAND_Y is y = x · rstd · w for your row (eps inside the square root), checked by digest."""
    want = answer_digest(hand_answers(variant)[0])
    assert answer_digest(pair(sub, "HAND_Y")) == want, (
        "HAND_Y is not y for your row: rstd = 1/sqrt(mean(x²) + eps) with eps INSIDE the square "
        "root (for your numbers mean(x²) + eps is a perfect square), then y_i = x_i · rstd · w_i")


@points(2)
def test_hand_gradients(sub, variant, answer_digest):
    """HAND_DX and HAND_DW are dx and dw for your row and your dy (checked together, by digest)."""
    _, dx, dw = hand_answers(variant)
    got = (pair(sub, "HAND_DX"), pair(sub, "HAND_DW"))
    assert answer_digest(got) == answer_digest((dx, dw)), (
        "HAND_DX and HAND_DW are not, together, the gradients for your row: dw_i = dy_i · x̂_i and "
        "dx_i = rstd · (g_i − x̂_i · mean(g · x̂)) with g = dy · w (the statement's worked example "
        "shows each step)")


# ----------------------------------------------------------------------------- Part 2: forward

@points(3)
@settings(max_examples=5)
@given(rows=st.integers(1, 6), n=N_SMALL, eps=EPS, seed=seeds)
@example(rows=3, n=7, eps=1e-6, seed=0)
@example(rows=2, n=129, eps=1e-5, seed=1)
@example(rows=4, n=33, eps=0.25, seed=2)
def test_forward_fp32(sub, device, request, rows, n, eps, seed):
    """float32 (rows, n): y = x / sqrt(mean(x²) + eps) · w and rstd, within the error bound."""
    worst = forward(sub, device, (rows, n), "float32", seed, eps, request)
    observe(worst, 1.0, label="forward fp32: error / bound")


@points(3)
@settings(max_examples=4)
@given(rows=st.integers(1, 4), n=N_SMALL, scale=st.sampled_from([1.0, 1e-3, 300.0, 1e4, 3e4]),
       eps=EPS, seed=seeds)
@example(rows=3, n=20, scale=1e4, eps=1e-6, seed=0)
@example(rows=2, n=64, scale=3e4, eps=1e-5, seed=1)
@example(rows=2, n=5, scale=1e-3, eps=1e-6, seed=2)
def test_forward_fp16_statistics_in_fp32(sub, device, request, rows, n, scale, eps, seed):
    """float16 in and out; values up to 3e4, whose squares overflow float16: statistics in float32."""
    worst = forward(sub, device, (rows, n), "float16", seed, eps, request, scale=scale)
    observe(worst, 1.0, label="forward fp16: error / bound")


EDGE_CASES = {
    "one element per row": dict(shape=(4, 1)),
    "all-zero rows": dict(shape=(5, 12), zero_rows=(0, 3)),
    "every row zero": dict(shape=(2, 9), zero_rows=(0, 1)),
    "1-D x": dict(shape=(37,)),
    "3-D x": dict(shape=(2, 3, 10)),
    "4-D x, rows of one": dict(shape=(2, 1, 3, 1), zero_rows=(2,)),
}


@points(3)
@settings(max_examples=3)
@given(case=st.sampled_from(sorted(EDGE_CASES)), dtype=st.sampled_from(["float32", "float16"]),
       eps=EPS, seed=seeds)
@example(case="one element per row", dtype="float32", eps=1e-6, seed=0)
@example(case="all-zero rows", dtype="float32", eps=1e-6, seed=1)
@example(case="every row zero", dtype="float16", eps=0.25, seed=2)
@example(case="1-D x", dtype="float32", eps=1e-5, seed=3)
@example(case="3-D x", dtype="float16", eps=1e-3, seed=4)
@example(case="4-D x, rows of one", dtype="float32", eps=2.0, seed=5)
def test_forward_edge_rows(sub, device, request, case, dtype, eps, seed):
    """n = 1, all-zero rows (rstd = 1/sqrt(eps)), 1-D x (rstd 0-d), 3-D and 4-D x (leading axes flattened)."""
    forward(sub, device, dtype=dtype, seed=seed, eps=eps, request=request, **EDGE_CASES[case])


@points(2)
@settings(max_examples=2)
@given(n=st.sampled_from([1025, 2048, 3073]), dtype=st.sampled_from(["float32", "float16"]),
       seed=seeds)
@example(n=3073, dtype="float32", seed=0)
@example(n=1025, dtype="float16", seed=1)
def test_forward_rows_longer_than_a_block(sub, device, request, n, dtype, seed):
    """n > 1024 = the largest tile: the kernel walks each row in blocks (n = 3·1024 + 1 included)."""
    forward(sub, device, (2, n), dtype, seed, 1e-6, request)


def in_wider_rows(t, extra=5):
    """``t`` as the first n columns of rows ``extra`` wider (``big[..., :n]``): a view whose
    rows are ``n + extra`` elements apart, the way a slice of a fused projection arrives. The
    columns past n hold a huge value, so a row read from the wrong place shows."""
    n = t.shape[-1]
    big = torch.full((*t.shape[:-1], n + extra), 1e4, dtype=t.dtype, device=t.device)
    big[..., :n] = t
    return big[..., :n]


def strided_context(x, check, *args):
    """``check(*args)``, its failure prefixed with what was unusual about the input."""
    try:
        return check(*args)
    except AssertionError as e:
        raise AssertionError(f"{e}\nNote: here x (and dy) are views into wider rows "
                             f"(x.stride(-2) = {x.stride(-2)}, not n = {x.shape[-1]}). If only "
                             "the tests of such views fail, find row r at r · stride, not r · n, "
                             "or copy with .contiguous() first.") from None


@points(2)
@settings(max_examples=3)
@given(shape=st.sampled_from([(3, 40), (2, 3, 17), (4, 1)]), seed=seeds)
@example(shape=(3, 40), seed=0)
@example(shape=(2, 3, 17), seed=1)
def test_forward_rows_that_are_views_of_wider_rows(sub, device, shape, seed):
    """x = big[..., :n], a view whose rows are n + 5 apart (a slice of a fused projection)."""
    require_kernel(sub)
    x, w, _ = make_inputs(shape, "float32", seed, device=device)
    x = in_wider_rows(x)
    got = sub.rmsnorm_forward(x, w, 1e-6)
    strided_context(x, check_forward, got, x, w, 1e-6)


FORWARD_BAD = [
    # (x shape, x dtype, w shape, w dtype, eps, why)
    ((3, 8), torch.float32, (7,), torch.float32, 1e-6, "w has 7 values, rows have 8"),
    ((3, 8), torch.float32, (1, 8), torch.float32, 1e-6, "w is 2-D"),
    ((3, 8), torch.float16, (8,), torch.float32, 1e-6, "w's dtype differs from x's"),
    ((3, 8), torch.float64, (8,), torch.float64, 1e-6, "float64 is not a supported dtype"),
    ((3, 8), torch.int32, (8,), torch.int32, 1e-6, "int32 is not a supported dtype"),
    ((3, 8), torch.float32, (8,), torch.float32, 0.0, "eps = 0"),
    ((3, 8), torch.float32, (8,), torch.float32, -1e-6, "eps < 0"),
    ((3, 8), torch.float32, (8,), torch.float32, float("nan"), "eps is NaN"),
    ((3, 0), torch.float32, (0,), torch.float32, 1e-6, "rows of length 0"),
    ((), torch.float32, (1,), torch.float32, 1e-6, "x is 0-d"),
]


def expect_value_error(fn, args, what, why):
    try:
        fn(*args)
    except ValueError:
        return
    except Exception as e:  # the student's exception arrives as the same built-in class
        raise AssertionError(f"{what} raised {type(e).__name__}, expected ValueError ({why}): "
                             f"{e}") from None
    raise AssertionError(f"{what} did not raise ValueError ({why})")


@points(2)
def test_forward_bad_arguments(sub, device, request):
    """ValueError for a w of the wrong shape or dtype, an unsupported dtype, eps <= 0 or NaN, n = 0, 0-d x."""
    # First a valid call, whose answer must be right: the errors are worth nothing without it.
    # It leaves eps out: the default is 1e-6.
    forward(sub, device, (3, 8), "float32", 0, None, request)
    for xs, xd, ws, wd, eps, why in FORWARD_BAD:
        x = torch.ones(xs, dtype=xd, device=device)
        w = torch.ones(ws, dtype=wd, device=device)
        expect_value_error(sub.rmsnorm_forward, (x, w, eps),
                           f"rmsnorm_forward(x{list(xs)} {xd}, w{list(ws)} {wd}, eps={eps})", why)


# ----------------------------------------------------------------------------- Part 3: backward

@points(3)
@settings(max_examples=4)
@given(rows=st.integers(1, 9), group=st.integers(1, 5), n=N_SMALL, eps=EPS, seed=seeds)
@example(rows=7, group=3, n=10, eps=1e-6, seed=0)
@example(rows=5, group=1, n=33, eps=1e-3, seed=1)
@example(rows=3, group=5, n=4, eps=1e-5, seed=2)
@example(rows=8, group=4, n=130, eps=0.25, seed=3)
def test_backward_partials_row_groups(sub, device, request, rows, group, n, eps, seed):
    """Stage one: dx, and partial[p] = Σ dy·x̂ over rows p·G … min((p+1)·G, R) − 1 (R % G ≠ 0 too)."""
    require_kernel(sub)
    x, w, dy = make_inputs((rows, n), "float32", seed, device=device, zero_rows=(seed % 4,))
    rstd = rstd_for(x, eps)
    got = sub.rmsnorm_backward_partials(dy, x, w, rstd, group)
    worst = check_partials(got, dy, x, w, eps, group)
    observe(worst, 1.0, label="backward partials fp32: error / bound")


@points(3)
@settings(max_examples=4)
@given(rows=st.integers(1, 12), n=N_SMALL, eps=EPS, seed=seeds)
@example(rows=6, n=16, eps=1e-6, seed=0)
@example(rows=11, n=37, eps=1e-5, seed=1)
@example(rows=2, n=1500, eps=1e-6, seed=2)
def test_backward_fp32(sub, device, request, rows, n, eps, seed):
    """float32: dx and dw = Σ_rows dy·x̂ against torch.autograd in float64, within the error bound."""
    worst = backward(sub, device, (rows, n), "float32", seed, eps, request)
    observe(worst, 1.0, label="backward fp32: error / bound")


@points(2)
@settings(max_examples=3)
@given(rows=st.integers(1, 8), n=N_SMALL, scale=st.sampled_from([1.0, 1e-2, 1e4]), eps=EPS,
       seed=seeds)
@example(rows=5, n=24, scale=1e4, eps=1e-6, seed=0)
@example(rows=3, n=65, scale=1.0, eps=1e-3, seed=1)
def test_backward_fp16(sub, device, request, rows, n, scale, eps, seed):
    """float16 dy, x, w: dx in float16, dw in float32, statistics in float32."""
    worst = backward(sub, device, (rows, n), "float16", seed, eps, request, scale=scale)
    observe(worst, 1.0, label="backward fp16: error / bound")


@points(2)
@settings(max_examples=3)
@given(shape=st.sampled_from([(3, 40), (2, 3, 17), (5, 9)]), seed=seeds)
@example(shape=(3, 40), seed=0)
@example(shape=(2, 3, 17), seed=1)
def test_backward_rows_that_are_views_of_wider_rows(sub, device, shape, seed):
    """dy and x = big[..., :n], views whose rows are n + 5 apart."""
    require_kernel(sub)
    x, w, dy = make_inputs(shape, "float32", seed, device=device)
    rstd = rstd_for(x, 1e-6)
    x, dy = in_wider_rows(x), in_wider_rows(dy, extra=3)
    got = sub.rmsnorm_backward(dy, x, w, rstd)
    strided_context(x, check_backward, got, dy, x, w, 1e-6, rstd)


@points(2)
def test_backward_bad_arguments(sub, device, request):
    """ValueError for dy, rstd or w of the wrong shape or dtype, and rows_per_program < 1."""
    backward(sub, device, (3, 8), "float32", 0, 1e-6, request)
    f32, f16 = torch.float32, torch.float16
    cases = [
        # (dy shape, dy dtype, rstd shape, rstd dtype, w shape, why)
        ((3, 7), f32, (3,), f32, (8,), "dy's shape differs from x's"),
        ((3, 8), f16, (3,), f32, (8,), "dy's dtype differs from x's"),
        ((3, 8), f32, (3, 1), f32, (8,), "rstd's shape is not x.shape[:-1]"),
        ((3, 8), f32, (3,), f16, (8,), "rstd is not float32"),
        ((3, 8), f32, (3,), f32, (9,), "w has 9 values, rows have 8"),
    ]
    x = torch.ones(3, 8, device=device)
    for dys, dyd, rs, rd, ws, why in cases:
        dy = torch.ones(dys, dtype=dyd, device=device)
        rstd = torch.ones(rs, dtype=rd, device=device)
        w = torch.ones(ws, device=device)
        expect_value_error(sub.rmsnorm_backward, (dy, x, w, rstd),
                           f"rmsnorm_backward(dy{list(dys)} {dyd}, x[3, 8], w{list(ws)}, "
                           f"rstd{list(rs)} {rd})", why)
        expect_value_error(sub.rmsnorm_backward_partials, (dy, x, w, rstd, 2),
                           f"rmsnorm_backward_partials(dy{list(dys)} {dyd}, x[3, 8], "
                           f"w{list(ws)}, rstd{list(rs)} {rd}, 2)", why)
    dy, w, rstd = torch.ones(3, 8, device=device), torch.ones(8, device=device), \
        torch.ones(3, device=device)
    for group in (0, -2):
        expect_value_error(sub.rmsnorm_backward_partials, (dy, x, w, rstd, group),
                           f"rmsnorm_backward_partials(..., rows_per_program={group})",
                           "rows_per_program < 1")
