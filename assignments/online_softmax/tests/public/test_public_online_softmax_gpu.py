"""GPU-only tests of online_softmax.softmax_rows: the compiled kernel on large rows, and its speed.

Marked gpu_only: on a machine without CUDA they are not run and not counted. On a GPU the
tensors are created on the grader's device and the worker rebuilds them on its GPU. The bound is
the statement's (fp32 statistics; tl.exp may be exp2 of a scaled argument with ex2.approx: its
error is inside the 8u per exp and the 4|d|u argument terms).
"""

import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import benchmark, gpu_only, leaderboard, points
from online_softmax_oracle import check_triton, make_rows, require_kernel, seeds

SPEED_ROWS, SPEED_COLS, SPEED_BLOCK = 4096, 32768, 2048


@gpu_only
@points(2)
@settings(max_examples=6)
@given(rows=st.integers(1, 64), n=st.one_of(st.sampled_from([1, 4095, 4097, 100_000]),
                                             st.integers(1, 100_000)),
       block=st.sampled_from([256, 1024, 4096]), dtype=st.sampled_from(["float32", "float16"]),
       seed=seeds, style=st.sampled_from(["normal", "wide", "neg_inf_entries", "all_neg_inf_row",
                                          "extreme", "huge"]))
@example(rows=8, n=100_000, block=4096, dtype="float16", seed=0, style="wide")
@example(rows=3, n=4097, block=256, dtype="float32", seed=1, style="all_neg_inf_row")
def test_gpu_large_rows(sub, device, rows, n, block, dtype, seed, style):
    """Compiled on the GPU: float32 and float16 rows up to 1e5 columns, block 256 to 4096."""
    require_kernel(sub)
    x = make_rows(rows, n, dtype, seed, style).to(device)
    got = sub.softmax_rows(x, block)
    check_triton(got, x, block, "gpu softmax_rows")


@gpu_only
@points(2)
def test_gpu_speed_against_torch_softmax(sub, device):
    """4096 x 32768 float16, block 2048: GB/s (one read, one write) at least a tenth of torch.softmax's."""
    require_kernel(sub)
    moved = 2 * SPEED_ROWS * SPEED_COLS * 2  # bytes: read x once, write y once (fp16)

    def make(seed):
        g = torch.Generator(device="cpu").manual_seed(seed)
        x = torch.randn(SPEED_ROWS, SPEED_COLS, generator=g).to(torch.float16).to(device)
        return (x, SPEED_BLOCK), {}

    def check(args, kwargs, out):
        x = args[0]
        check_triton(out[:4].cpu(), x[:4].cpu(), SPEED_BLOCK, "gpu speed outputs",
                     what=f"softmax_rows(x[{SPEED_ROWS}, {SPEED_COLS}] float16, {SPEED_BLOCK})")

    result = benchmark(sub, "softmax_rows", make, iterations=20, check=check)
    student = moved / result.seconds_per_call / 1e9
    x = make(12345)[0][0]
    for _ in range(3):
        torch.softmax(x, dim=1)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(20):
        torch.softmax(x, dim=1)
    end.record()
    torch.cuda.synchronize()
    library = moved / (start.elapsed_time(end) / 1e3 / 20) / 1e9
    leaderboard("GB/s (softmax_rows, 4096 x 32768 fp16)", round(student, 1))
    assert student >= 0.1 * library, (
        f"your softmax_rows moved {student:.0f} GB/s; torch.softmax moved {library:.0f} GB/s on "
        "this GPU; at least a tenth of it is asked for")
