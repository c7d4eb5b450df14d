"""GPU-only public tests of rmsnorm_kernel: bfloat16, rows of a million values, and speed.

They run only where the assignment runs on CUDA (a GPU present); on a CPU they are left out of
the total. On the GPU the kernels are compiled: bfloat16 conversions round to nearest (the CPU
interpreter truncates them, which is why bfloat16 is graded here only), and a kernel that holds a
whole row of 2^20 + 1 values in one tile does not compile (Triton's limit is 2^20 elements).
"""

import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import benchmark, gpu_only, leaderboard, points
from rmsnorm_kernel_oracle import (check_backward, check_forward, check_partials, make_inputs,
                                   require_kernel, rstd_for, seeds)

SPEED_SHAPE = (8192, 4096)   # rows, n: a batch of 8192 tokens of a 4096-wide model, float16


@gpu_only
@points(2)
@settings(max_examples=6)
@given(rows=st.integers(1, 300), n=st.one_of(st.sampled_from([1, 1023, 1024, 1025, 4096, 8193]),
                                             st.integers(1, 9000)),
       group=st.integers(1, 40), seed=seeds)
@example(rows=257, n=4097, group=7, seed=0)
@example(rows=3, n=1, group=2, seed=1)
def test_gpu_bf16(sub, device, request, rows, n, group, seed):
    """Compiled, bfloat16 in and out: forward, stage one and the full backward, ragged shapes."""
    require_kernel(sub)
    eps = 1e-6
    x, w, dy = make_inputs((rows, n), "bfloat16", seed, device=device, zero_rows=(1,))
    check_forward(sub.rmsnorm_forward(x, w, eps), x, w, eps)
    rstd = rstd_for(x, eps)
    check_partials(sub.rmsnorm_backward_partials(dy, x, w, rstd, group), dy, x, w, eps, group)
    check_backward(sub.rmsnorm_backward(dy, x, w, rstd), dy, x, w, eps, rstd)


@gpu_only
@points(2)
def test_gpu_rows_of_a_million_values(sub, device, request):
    """n = 2^20 + 1, float32 and float16: only a kernel that walks the row in blocks compiles."""
    require_kernel(sub)
    eps = 1e-5
    for dtype in ("float32", "float16"):
        x, w, dy = make_inputs((2, 2 ** 20 + 1), dtype, 3, device=device)
        check_forward(sub.rmsnorm_forward(x, w, eps), x, w, eps)
        rstd = rstd_for(x, eps)
        check_backward(sub.rmsnorm_backward(dy, x, w, rstd), dy, x, w, eps, rstd)


@gpu_only
@points(2)
def test_gpu_forward_bandwidth(sub, device, request):
    """Forward GB/s at 8192 x 4096 float16 (on the leaderboard); at least a quarter of torch's rms_norm."""
    require_kernel(sub)
    rows, n = SPEED_SHAPE
    eps = 1e-6
    moved = 2 * rows * n * 2 + n * 2 + rows * 4      # read x, write y, read w, write rstd

    def make(seed):
        x, w, _ = make_inputs((rows, n), "float16", seed, device=device)
        return (x, w, eps), {}

    def check(args, kwargs, out):
        x, w, e = args
        check_forward((out[0][:64], out[1][:64]), x[:64], w, e)

    timing = benchmark(sub, "rmsnorm_forward", make, iterations=20, check=check)
    student = moved / timing.seconds_per_call / 1e9
    x, w, _ = make_inputs((rows, n), "float16", 12345, device=device)
    F = torch.nn.functional
    for _ in range(3):
        F.rms_norm(x, (n,), w, eps)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(20):
        F.rms_norm(x, (n,), w, eps)
    end.record()
    torch.cuda.synchronize()
    library = moved / (start.elapsed_time(end) / 1e3 / 20) / 1e9
    leaderboard("forward GB/s (fp16, 8192 x 4096)", round(student, 1))
    assert student >= 0.25 * library, (
        f"your forward moved {student:.0f} GB/s; torch.nn.functional.rms_norm moved "
        f"{library:.0f} GB/s on this GPU; at least a quarter of it is asked for")
