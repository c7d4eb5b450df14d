"""Hidden tests of tiled_matmul: big grids for tile_of, random mixtures of shapes, blocks and
dtypes, every block size, tall-skinny and short-wide products, linear mixtures, overflow."""

import sys
from pathlib import Path

from hypothesis import example, given, settings, strategies as st

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from tiled_matmul_strategies import (check_kernel_work, check_matmul, grouped_tile,  # noqa: E402
                                     make_ab, require_kernel, seeds)

BLOCKS = [16, 32, 64, 128]


def run(sub, a, b, device="cpu", **blocks):
    require_kernel(sub)
    kwargs = {k: v for k, v in blocks.items() if v is not None}
    got = sub.matmul(a, b, **kwargs)
    check_kernel_work(sub, a.shape[0], b.shape[1], a.shape[1])
    check_matmul(got, a, b, device=device, blocks=kwargs)


@points(3)
@settings(max_examples=6)
@given(num_pid_m=st.integers(1, 400), num_pid_n=st.integers(1, 400),
       group_m=st.integers(1, 64), data=st.data())
@example(num_pid_m=391, num_pid_n=17, group_m=8, data=None)
@example(num_pid_m=64, num_pid_n=64, group_m=64, data=None)
@example(num_pid_m=100, num_pid_n=3, group_m=7, data=None)
def test_hidden_tile_of_large_grids(sub, num_pid_m, num_pid_n, group_m, data):
    """Large grids (up to 400 x 400): the first, last, group-boundary and random pids."""
    total = num_pid_m * num_pid_n
    in_group = group_m * num_pid_n
    pids = {0, total - 1, min(in_group, total - 1), max(0, min(in_group - 1, total - 1)),
            max(0, total - in_group), total // 2}
    if data is not None:
        pids |= set(data.draw(st.lists(st.integers(0, total - 1), min_size=20, max_size=60)))
    calls = [(p, num_pid_m, num_pid_n, group_m) for p in sorted(pids)]
    for call, got in zip(calls, sub.many("tile_of", calls)):
        want = grouped_tile(*call)
        assert got == want and type(got) is tuple, f"tile_of{call} = {got!r}, expected {want}"


@st.composite
def mixture(draw):
    bm = draw(st.sampled_from(BLOCKS + [None]))
    bn = draw(st.sampled_from(BLOCKS + [None]))
    bk = draw(st.sampled_from(BLOCKS + [None]))
    gm = draw(st.sampled_from([None, 1, 2, 3, 8]))
    cap = lambda blk: 3 * (blk or 16)  # noqa: E731 - at most 3 blocks each way
    M = draw(st.integers(1, min(cap(bm), 80)))
    N = draw(st.integers(1, min(cap(bn), 80)))
    K = draw(st.integers(1, min(cap(bk), 96)))
    return dict(M=M, N=N, K=K, block_m=bm, block_n=bn, block_k=bk, group_m=gm)


@points(5)
@settings(max_examples=8)
@given(p=mixture(), dtype=st.sampled_from(["float32", "float16"]),
       kind=st.sampled_from(["randn", "randn", "wide", "positive"]), seed=seeds)
@example(p=dict(M=45, N=37, K=50, block_m=16, block_n=32, block_k=16, group_m=3),
         dtype="float32", kind="randn", seed=0)
@example(p=dict(M=70, N=20, K=9, block_m=16, block_n=16, block_k=16, group_m=2),
         dtype="float16", kind="wide", seed=1)
@example(p=dict(M=3, N=50, K=33, block_m=None, block_n=None, block_k=None, group_m=None),
         dtype="float32", kind="positive", seed=2)
def test_hidden_matmul_mixture(sub, device, p, dtype, kind, seed):
    """Random shapes, block sizes (or the defaults), group sizes, dtypes and value ranges."""
    a, b = make_ab(p["M"], p["K"], p["N"], dtype, seed, kind=kind, device=device)
    run(sub, a, b, device, block_m=p["block_m"], block_n=p["block_n"], block_k=p["block_k"],
        group_m=p["group_m"])


@points(3)
@settings(max_examples=1)
@given(seed=seeds)
def test_hidden_matmul_every_block_size(sub, device, seed):
    """Each of 16, 32, 64, 128 as block_m, block_n and block_k, on shapes with ragged edges."""
    configs = [(16, 64, 32), (32, 16, 128), (64, 128, 16), (128, 32, 64), (16, 16, 16),
               (128, 128, 128)]
    for i, (bm, bn, bk) in enumerate(configs):
        dtype = "float16" if i % 2 else "float32"
        a, b = make_ab(bm + 3, bk + 5, bn - 1, dtype, seed + i, device=device)
        run(sub, a, b, device, block_m=bm, block_n=bn, block_k=bk, group_m=1 + i % 3)


@points(3)
@settings(max_examples=4)
@given(long=st.integers(150, 300), short=st.integers(1, 4), K=st.integers(1, 40),
       tall=st.booleans(), dtype=st.sampled_from(["float32", "float16"]), seed=seeds)
@example(long=300, short=1, K=1, tall=True, dtype="float32", seed=0)
@example(long=257, short=2, K=40, tall=False, dtype="float16", seed=1)
def test_hidden_tall_skinny_and_short_wide(sub, device, long, short, K, tall, dtype, seed):
    """M >> N and M << N (300 x 1, 2 x 257): the grid is one block-row or one block-column."""
    M, N = (long, short) if tall else (short, long)
    a, b = make_ab(M, K, N, dtype, seed, device=device)
    run(sub, a, b, device, block_m=128 if tall else 16, block_n=16 if tall else 128,
        block_k=32, group_m=4)


@points(2)
@settings(max_examples=5)
@given(M=st.integers(1, 40), N=st.integers(1, 40), K=st.integers(1, 70),
       dtype=st.sampled_from(["float32", "float16"]), kind=st.sampled_from(["randn", "wide"]),
       seed=seeds)
@example(M=33, N=17, K=65, dtype="float16", kind="wide", seed=0)
@example(M=2, N=40, K=3, dtype="float32", kind="randn", seed=1)
def test_hidden_linear_mixture(sub, device, M, N, K, dtype, kind, seed):
    """linear(x, w) = x @ w.T on random shapes, dtypes and value ranges."""
    require_kernel(sub)
    x, wt = make_ab(M, K, N, dtype, seed, kind=kind, device=device)
    got = sub.linear(x, wt.t().contiguous())
    check_kernel_work(sub, M, N, K, "linear")
    check_matmul(got, x, wt, device=device, what="linear")


@points(2)
@settings(max_examples=4)
@given(M=st.integers(1, 40), N=st.integers(1, 40), K=st.integers(1, 20), seed=seeds)
@example(M=33, N=40, K=17, seed=0)
def test_hidden_fp16_overflow_mixture(sub, device, M, N, K, seed):
    """float16 near the max with your default blocks and longer K: +-inf exactly where IEEE rounding gives it."""
    a, b = make_ab(M, K, N, "float16", seed, kind="near_max", device=device)
    run(sub, a, b, device)
