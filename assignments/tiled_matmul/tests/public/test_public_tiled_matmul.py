"""Public tests of tiled_matmul (CPU: Triton's interpreter; GPU: compiled).

tile_of is compared with the statement's formula exactly, for every program id of a grid (one
round trip: sub.many). matmul and linear are compared with A @ B computed exactly (float64) from
the very same rounded inputs, within the error bound of tiled_matmul_strategies (the statement
derives it): any block sizes, loop order or summation order that accumulates in float32 passes.
The inputs come from a seed: tiled_matmul_strategies.make_ab(M, K, N, dtype, seed, kind)
rebuilds the tensors of a falsifying example.
"""

import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points
from tiled_matmul_strategies import (blocks_loaded, check_kernel_work, check_matmul, grouped_tile,
                                     make_ab, require_kernel, seeds)

BLOCK = st.sampled_from([16, 32, 64, 128])


# ----------------------------------------------------------------------------- tile_of

def _grid_answers(sub, num_pid_m, num_pid_n, group_m):
    calls = [(p, num_pid_m, num_pid_n, group_m) for p in range(num_pid_m * num_pid_n)]
    return calls, sub.many("tile_of", calls)


def _check_tile(call, got):
    want = grouped_tile(*call)
    assert type(got) is tuple and len(got) == 2 and all(type(x) is int for x in got), (
        f"tile_of{call} must return a tuple of two Python ints, got {got!r}")
    assert got == want, (
        f"tile_of(pid={call[0]}, num_pid_m={call[1]}, num_pid_n={call[2]}, group_m={call[3]}) = "
        f"{got}, expected {want} (see the formula and the worked table in the statement)")


@points(3)
@settings(max_examples=10)
@given(num_pid_m=st.integers(1, 24), num_pid_n=st.integers(1, 24), group_m=st.integers(1, 10))
@example(num_pid_m=1, num_pid_n=1, group_m=1)
@example(num_pid_m=5, num_pid_n=3, group_m=2)      # the statement's worked table
@example(num_pid_m=7, num_pid_n=4, group_m=3)      # a ragged last group of 1 block-row
@example(num_pid_m=8, num_pid_n=5, group_m=4)      # groups that divide num_pid_m
@example(num_pid_m=6, num_pid_n=4, group_m=1)      # group_m = 1: row-major
@example(num_pid_m=3, num_pid_n=5, group_m=8)      # group_m > num_pid_m: column-major
@example(num_pid_m=1, num_pid_n=9, group_m=4)      # one block-row
@example(num_pid_m=9, num_pid_n=1, group_m=4)      # one block-column
def test_tile_of_matches_the_formula(sub, num_pid_m, num_pid_n, group_m):
    """tile_of(pid, ...) equals the statement's grouped-order formula for every pid of the grid."""
    calls, answers = _grid_answers(sub, num_pid_m, num_pid_n, group_m)
    for call, got in zip(calls, answers):
        _check_tile(call, got)


@points(1)
@settings(max_examples=8)
@given(num_pid_m=st.integers(1, 20), num_pid_n=st.integers(1, 20), group_m=st.integers(1, 8))
@example(num_pid_m=7, num_pid_n=3, group_m=2)
@example(num_pid_m=10, num_pid_n=6, group_m=4)
def test_tile_of_visits_every_tile_once(sub, num_pid_m, num_pid_n, group_m):
    """pid -> tile is a bijection from 0..num_pid_m*num_pid_n-1 onto the grid of tiles."""
    calls, answers = _grid_answers(sub, num_pid_m, num_pid_n, group_m)
    seen = {}
    for call, got in zip(calls, answers):
        pid = call[0]
        assert (isinstance(got, tuple) and len(got) == 2
                and 0 <= got[0] < num_pid_m and 0 <= got[1] < num_pid_n), (
            f"tile_of({pid}, {num_pid_m}, {num_pid_n}, {group_m}) = {got!r} is not a tile of the "
            f"{num_pid_m} x {num_pid_n} grid (the last group may have fewer than group_m "
            "block-rows: group_size_m = min(num_pid_m - first_pid_m, group_m))")
        assert got not in seen, (
            f"tile_of gives tile {got} to pid {seen.get(got)} and to pid {pid} "
            f"(num_pid_m={num_pid_m}, num_pid_n={num_pid_n}, group_m={group_m}): some tile is "
            "never computed. The last group may have fewer than group_m block-rows "
            "(group_size_m = min(num_pid_m - first_pid_m, group_m))")
        seen[got] = pid


BAD_TILE_ARGS = [
    ((6, 2, 3, 2), ValueError, "pid = 6 = num_pid_m * num_pid_n is past the last program"),
    ((-1, 2, 3, 2), ValueError, "negative pid"),
    ((0, 0, 3, 2), ValueError, "num_pid_m = 0"),
    ((0, 2, 0, 2), ValueError, "num_pid_n = 0"),
    ((0, 2, 3, 0), ValueError, "group_m = 0"),
    ((0, -1, -3, 2), ValueError, "num_pid_m = -1 and num_pid_n = -3 (their product is positive)"),
    ((1.0, 2, 3, 2), TypeError, "a float pid"),
    ((1, 2, 3, True), TypeError, "a bool group_m"),
]


@points(1)
def test_tile_of_rejects_bad_arguments(sub):
    """ValueError for a pid outside the grid or a count < 1; TypeError for an argument that is not an int."""
    _check_tile((5, 2, 3, 2), sub.tile_of(5, 2, 3, 2))   # a valid call first: it must be right
    for args, error, why in BAD_TILE_ARGS:
        try:
            got = sub.tile_of(*args)
        except error:
            continue
        except Exception as e:  # noqa: BLE001 - the student's exception, as the built-in class
            raise AssertionError(f"tile_of{args} raised {type(e).__name__}, expected "
                                 f"{error.__name__} ({why})") from None
        raise AssertionError(f"tile_of{args} returned {got!r}, expected {error.__name__} ({why})")


# ----------------------------------------------------------------------------- the hand part

@points(2)
def test_hand_tile(sub, variant, answer_digest):
    """HAND_TILE is the tile of your pid in your grid (statement, 'Your part by hand')."""
    want = grouped_tile(variant["pid"], variant["num_pid_m"], variant["num_pid_n"],
                        variant["group_m"])
    got = sub.HAND_TILE
    assert type(got) is tuple and len(got) == 2 and all(type(x) is int for x in got), (
        f"HAND_TILE must be a tuple of two Python ints (pid_m, pid_n), got {got!r}")
    assert answer_digest(got) == answer_digest(want), (
        "HAND_TILE is not the (pid_m, pid_n) that the grouped order gives your pid: redo "
        "num_pid_in_group, group_id, first_pid_m, group_size_m in that order")


@points(2)
def test_hand_loads(sub, variant, answer_digest):
    """HAND_LOADS counts the blocks read by your first `wave` programs, row-major and grouped."""
    v = variant
    want = (blocks_loaded(v["wave"], v["num_pid_m"], v["num_pid_n"], 1),
            blocks_loaded(v["wave"], v["num_pid_m"], v["num_pid_n"], v["group_m"]))
    got = sub.HAND_LOADS
    assert type(got) is tuple and len(got) == 2 and all(type(x) is int for x in got), (
        f"HAND_LOADS must be a tuple of two Python ints (row_major, grouped), got {got!r}")
    assert answer_digest(got[0]) == answer_digest(want[0]), (
        "HAND_LOADS[0] is not the number of distinct block-rows of A plus block-columns of B "
        "that programs 0..wave-1 read in row-major order (group_m = 1)")
    assert answer_digest(got[1]) == answer_digest(want[1]), (
        "HAND_LOADS[1] is not the number of distinct block-rows of A plus block-columns of B "
        "that programs 0..wave-1 read in the grouped order with your group_m")


# ----------------------------------------------------------------------------- matmul

def run(sub, a, b, device="cpu", **blocks):
    """Call the student's matmul (block sizes by keyword) and check the answer."""
    require_kernel(sub)
    kwargs = {k: v for k, v in blocks.items() if v is not None}
    got = sub.matmul(a, b, **kwargs)
    check_kernel_work(sub, a.shape[0], b.shape[1], a.shape[1])
    check_matmul(got, a, b, device=device, blocks=kwargs)
    return got


def _dims(block, tiles):
    """A length that needs exactly `tiles` blocks, biased to the edges (one past, exact, one short)."""
    lo, hi = (tiles - 1) * block + 1, tiles * block
    return st.one_of(st.sampled_from([lo, hi, max(lo, hi - 1)]), st.integers(lo, hi))


@st.composite
def blocked_problem(draw, max_steps=8):
    """Block sizes, then M, N, K with at most max_steps (tile, K step) pairs (the interpreter is slow)."""
    bm, bn, bk = draw(BLOCK), draw(BLOCK), draw(BLOCK)
    tm = draw(st.integers(1, 3))
    tn = draw(st.integers(1, max(1, min(3, max_steps // tm))))
    tk = draw(st.integers(1, max(1, min(4, max_steps // (tm * tn)))))
    M, N, K = draw(_dims(bm, tm)), draw(_dims(bn, tn)), draw(_dims(bk, tk))
    return dict(M=M, N=N, K=K, block_m=bm, block_n=bn, block_k=bk)


@points(3)
@settings(max_examples=5)
@given(bm=st.sampled_from([16, 32]), bn=st.sampled_from([16, 32]), bk=st.sampled_from([16, 32]),
       tm=st.integers(1, 2), tn=st.integers(1, 2), tk=st.integers(1, 2), seed=seeds)
@example(bm=32, bn=32, bk=32, tm=1, tn=1, tk=1, seed=0)
@example(bm=16, bn=32, bk=16, tm=2, tn=1, tk=2, seed=1)
@example(bm=32, bn=16, bk=32, tm=1, tn=2, tk=2, seed=2)
def test_matmul_fp32_whole_blocks(sub, device, bm, bn, bk, tm, tn, tk, seed):
    """float32, M, N, K multiples of the block sizes passed: C = A @ B within the fp32 bound."""
    a, b = make_ab(tm * bm, tk * bk, tn * bn, "float32", seed, device=device)
    run(sub, a, b, device, block_m=bm, block_n=bn, block_k=bk)


@points(4)
@settings(max_examples=6)
@given(p=blocked_problem(), dtype=st.sampled_from(["float32", "float16"]), seed=seeds)
@example(p=dict(M=1, N=1, K=1, block_m=16, block_n=16, block_k=16), dtype="float32", seed=0)
@example(p=dict(M=1, N=1, K=1, block_m=128, block_n=128, block_k=128), dtype="float16", seed=1)
@example(p=dict(M=20, N=9, K=1, block_m=16, block_n=16, block_k=32), dtype="float32", seed=2)
@example(p=dict(M=17, N=32, K=32, block_m=16, block_n=32, block_k=32), dtype="float32", seed=3)
@example(p=dict(M=32, N=33, K=16, block_m=32, block_n=32, block_k=16), dtype="float16", seed=4)
@example(p=dict(M=32, N=32, K=40, block_m=32, block_n=32, block_k=32), dtype="float32", seed=5)
@example(p=dict(M=16, N=16, K=17, block_m=16, block_n=16, block_k=16), dtype="float16", seed=6)
@example(p=dict(M=200, N=3, K=24, block_m=128, block_n=16, block_k=16), dtype="float32", seed=7)
@example(p=dict(M=2, N=230, K=24, block_m=16, block_n=128, block_k=32), dtype="float16", seed=8)
def test_matmul_ragged_shapes(sub, device, p, dtype, seed):
    """Any M, N, K >= 1 and any allowed blocks: the ragged last row, column and K blocks are masked."""
    a, b = make_ab(p["M"], p["K"], p["N"], dtype, seed, device=device)
    run(sub, a, b, device, block_m=p["block_m"], block_n=p["block_n"], block_k=p["block_k"])


@points(2)
@settings(max_examples=5)
@given(M=st.integers(1, 48), N=st.integers(1, 48), K=st.integers(1, 64),
       kind=st.sampled_from(["randn", "wide", "zeros"]), seed=seeds)
@example(M=16, N=16, K=16, kind="randn", seed=0)
@example(M=33, N=7, K=50, kind="wide", seed=1)
@example(M=5, N=6, K=7, kind="zeros", seed=2)
def test_matmul_fp16_default_blocks(sub, device, M, N, K, kind, seed):
    """float16 in and out with your default block sizes: within the fp32-accumulation bound plus one fp16 rounding."""
    a, b = make_ab(M, K, N, "float16", seed, kind=kind, device=device)
    run(sub, a, b, device)


@points(2)
@settings(max_examples=3)
@given(K=st.sampled_from([512, 768, 1024]), M=st.sampled_from([8, 16, 32]), seed=seeds)
@example(K=1024, M=16, seed=0)
@example(K=512, M=8, seed=1)
def test_matmul_accumulates_in_fp32(sub, device, K, M, seed):
    """float16, long K, positive entries (sums up to ~2000): a float16 running sum loses bits, float32 does not."""
    a, b = make_ab(M, K, 16, "float16", seed, kind="positive", device=device)
    run(sub, a, b, device, block_m=16, block_n=16, block_k=128)


@points(2)
@settings(max_examples=3)
@given(M=st.integers(1, 20), N=st.integers(1, 20), K=st.integers(1, 3), seed=seeds)
@example(M=4, N=5, K=1, seed=0)
@example(M=8, N=8, K=2, seed=1)
@example(M=3, N=17, K=3, seed=2)
def test_matmul_fp16_overflow_gives_inf(sub, device, M, N, K, seed):
    """fp16 entries near 65504: outputs beyond fp16's range are +-inf (IEEE rounding), the rest finite and right."""
    a, b = make_ab(M, K, N, "float16", seed, kind="near_max", device=device)
    run(sub, a, b, device, block_m=16, block_n=16, block_k=16)


BAD_MATMUL = [
    # (a shape, b shape, dtypes, keyword arguments, why)
    ((4, 5), (6, 3), ("float32", "float32"), {}, "inner dimensions 5 and 6 differ"),
    ((4, 5, 1), (5, 3), ("float32", "float32"), {}, "a is 3-D"),
    ((5,), (5, 3), ("float32", "float32"), {}, "a is 1-D"),
    ((4, 5), (5,), ("float32", "float32"), {}, "b is 1-D"),
    ((4, 5), (5, 3), ("float32", "float16"), {}, "a and b have different dtypes"),
    ((4, 5), (5, 3), ("float64", "float64"), {}, "float64 is not supported"),
    ((4, 5), (5, 3), ("bfloat16", "bfloat16"), {}, "bfloat16 is not supported"),
    ((0, 5), (5, 3), ("float32", "float32"), {}, "M = 0"),
    ((4, 0), (0, 3), ("float32", "float32"), {}, "K = 0"),
    ((4, 5), (5, 0), ("float32", "float32"), {}, "N = 0"),
    ((4, 5), (5, 3), ("float32", "float32"), {"block_m": 8}, "block_m = 8 < 16"),
    ((4, 5), (5, 3), ("float32", "float32"), {"block_n": 24}, "block_n = 24 is not a power of two"),
    ((4, 5), (5, 3), ("float32", "float32"), {"block_k": 256}, "block_k = 256 > 128"),
    ((4, 5), (5, 3), ("float32", "float32"), {"block_m": 0}, "block_m = 0"),
    ((4, 5), (5, 3), ("float32", "float32"), {"group_m": 0}, "group_m = 0"),
]


@points(2)
def test_matmul_bad_arguments_raise_value_error(sub, device):
    """ValueError for non-2-D inputs, mismatched K, mixed or unsupported dtypes, an empty dimension, bad blocks."""
    # a valid call first (one block of each, no mask): rejecting bad input is worth nothing
    # without the product
    a, b = make_ab(16, 16, 16, "float32", 0, device=device)
    run(sub, a, b, device, block_m=16, block_n=16, block_k=16, group_m=2)
    dt = {"float32": torch.float32, "float16": torch.float16, "float64": torch.float64,
          "bfloat16": torch.bfloat16}
    for ashape, bshape, (da, db), kwargs, why in BAD_MATMUL:
        x = torch.ones(ashape, dtype=dt[da]).to(device)
        y = torch.ones(bshape, dtype=dt[db]).to(device)
        call = f"matmul(a{list(ashape)} {da}, b{list(bshape)} {db}" + "".join(
            f", {k}={v}" for k, v in kwargs.items()) + ")"
        try:
            sub.matmul(x, y, **kwargs)
        except ValueError:
            continue
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"{call} raised {type(e).__name__}, expected ValueError "
                                 f"({why}): {e}") from None
        raise AssertionError(f"{call} did not raise ValueError ({why})")


# ----------------------------------------------------------------------------- linear

@points(3)
@settings(max_examples=5)
@given(M=st.integers(1, 40), N=st.integers(1, 40), K=st.integers(1, 64),
       dtype=st.sampled_from(["float32", "float16"]), seed=seeds)
@example(M=8, N=24, K=40, dtype="float32", seed=0)
@example(M=1, N=1, K=1, dtype="float32", seed=1)
@example(M=17, N=5, K=33, dtype="float16", seed=2)
@example(M=16, N=32, K=16, dtype="float32", seed=3)
def test_linear_reads_w_through_strides(sub, device, M, N, K, dtype, seed):
    """linear(x, w) = x @ w.T for w of shape (N, K): the kernel reads w.t() through its strides."""
    require_kernel(sub)
    x, wt = make_ab(M, K, N, dtype, seed, device=device)   # wt is (K, N); w = wt.T is (N, K)
    w = wt.t().contiguous()
    got = sub.linear(x, w)
    check_kernel_work(sub, M, N, K, "linear")
    check_matmul(got, x, w.t(), device=device, what="linear")


BAD_LINEAR = [
    ((4, 5), (3, 6), ("float32", "float32"), "x has K = 5 columns, w has 6"),
    ((4, 5), (5,), ("float32", "float32"), "w is 1-D"),
    ((4, 5, 2), (3, 5), ("float32", "float32"), "x is 3-D"),
    ((4, 5), (3, 5), ("float16", "float32"), "x and w have different dtypes"),
    ((0, 5), (3, 5), ("float32", "float32"), "M = 0"),
]


@points(1)
def test_linear_bad_arguments_raise_value_error(sub, device):
    """ValueError when x and w disagree on K, are not 2-D, differ in dtype, or are empty."""
    require_kernel(sub)
    x, wt = make_ab(16, 16, 16, "float32", 3, device=device)
    check_matmul(sub.linear(x, wt.t().contiguous()), x, wt, device=device, what="linear")
    for xs, ws, (dx, dw), why in BAD_LINEAR:
        x = torch.ones(xs, dtype=getattr(torch, dx)).to(device)
        w = torch.ones(ws, dtype=getattr(torch, dw)).to(device)
        call = f"linear(x{list(xs)} {dx}, w{list(ws)} {dw})"
        try:
            sub.linear(x, w)
        except ValueError:
            continue
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"{call} raised {type(e).__name__}, expected ValueError "
                                 f"({why}): {e}") from None
        raise AssertionError(f"{call} did not raise ValueError ({why})")
