"""GPU-only tests of tiled_attention: compiled kernels, bf16, TF32, long sequences, memory and speed.

Marked gpu_only: on a machine without CUDA they are not run and not counted (the report says that
speed was not graded). On a GPU, tensors are created on the grader's device and the worker
rebuilds them on its GPU.

Tolerances: bf16 has u = 2^-8 (p and the output are rounded to bf16); float32 is graded at TF32's
u = 2^-11 on the inputs of both products (Triton's default input_precision), so a kernel with
input_precision="ieee" passes too.
"""

import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import benchmark, gpu_only, leaderboard, points
from attention_strategies import (check_attention, make_qkv, require_kernel,
                                  seeds, shape_text)

# Published numbers of the Triton tutorial "Fused Attention" (06-fused-attention.py) are in
# bench/attention.py; the speed test compares against PyTorch's SDPA measured side by side.
SPEED_SHAPE = dict(B=4, H=16, N=4096, D=128)


def run(sub, q, k, v, causal=False, sm_scale=None, device="cuda"):
    require_kernel(sub)
    kwargs = {"causal": causal}
    if sm_scale is not None:
        kwargs["sm_scale"] = sm_scale
    got = sub.attention(q, k, v, **kwargs)
    check_attention(got, q, k, v, causal, sm_scale, device=device)
    return got


@gpu_only
@points(2)
@settings(max_examples=8)
@given(B=st.integers(1, 2), Hkv=st.sampled_from([1, 2, 4]), group=st.sampled_from([1, 2, 4]),
       N=st.one_of(st.sampled_from([1, 63, 128, 1000]), st.integers(1, 1500)),
       D=st.sampled_from([64, 128]), causal=st.booleans(), seed=seeds)
@example(B=1, Hkv=2, group=4, N=1000, D=128, causal=True, seed=0)
def test_gpu_bf16(sub, device, B, Hkv, group, N, D, causal, seed):
    """Compiled on the GPU, bfloat16 in and out, GQA, causal or not, ragged N."""
    q, k, v = make_qkv(B, Hkv * group, Hkv, N, D, "bfloat16", seed, device=device)
    run(sub, q, k, v, causal, device=device)


@gpu_only
@points(2)
@settings(max_examples=8)
@given(dtype=st.sampled_from(["float16", "float32"]), B=st.integers(1, 2),
       Hkv=st.sampled_from([1, 2]), group=st.sampled_from([1, 2, 4]),
       N=st.one_of(st.sampled_from([17, 255, 2048, 4097]), st.integers(1, 4500)),
       D=st.sampled_from([16, 32, 64, 128]), causal=st.booleans(),
       sm_scale=st.one_of(st.none(), st.floats(0.02, 2.0)), seed=seeds)
@example(dtype="float16", B=1, Hkv=2, group=2, N=4097, D=128, causal=True, sm_scale=None, seed=0)
@example(dtype="float32", B=1, Hkv=1, group=1, N=255, D=64, causal=False, sm_scale=0.3, seed=1)
def test_gpu_long_sequences(sub, device, dtype, B, Hkv, group, N, D, causal, sm_scale, seed):
    """Compiled on the GPU: fp16 and fp32 (TF32 tolerance), N up to 4500, every head dim."""
    q, k, v = make_qkv(B, Hkv * group, Hkv, N, D, dtype, seed, device=device)
    run(sub, q, k, v, causal, sm_scale, device=device)


@gpu_only
@points(2)
def test_gpu_no_score_matrix_in_memory(sub, device):
    """N = 16384: the GPU memory your call allocates stays O(N * D), far below one N x N matrix."""
    B, H, N, D = 1, 4, 16384, 64
    q, k, v = make_qkv(B, H, H, N, D, "float16", 0, device=device)
    got = sub.attention(q, k, v, causal=True)
    meta = getattr(sub, "last_meta", None) or {}
    peak = meta.get("cuda_peak_bytes")
    assert peak is not None, "the grading engine did not report the call's peak GPU memory"
    # cuda_peak_bytes: the peak of torch.cuda.max_memory_allocated during the call, minus what
    # was allocated when it started (the arguments, guard zones included).
    allowed = q.numel() * q.element_size() + 2 * q.numel() * 4 + 64 * 2**20
    one_matrix = H * N * N * 2
    assert peak <= allowed, (
        f"{shape_text(q, k, True)} allocated {peak / 2**20:.0f} MiB of GPU memory at its peak; "
        f"the output and some fp32 scratch take {allowed / 2**20:.0f} MiB, while the N x N fp16 "
        f"score matrices would take {one_matrix / 2**20:.0f} MiB: never build them")
    check_attention_sampled(got, q, k, v, causal=True, device=device)


@gpu_only
@points(3)
def test_gpu_speed_against_sdpa(sub, device):
    """Forward TFLOP/s at B=4, H=16, N=4096, D=128, fp16, causal: at least half of PyTorch's SDPA."""
    B, H, N, D = SPEED_SHAPE["B"], SPEED_SHAPE["H"], SPEED_SHAPE["N"], SPEED_SHAPE["D"]
    flops = 4 * B * H * N * N * D * 0.5  # causal: half the pairs

    def make(seed):
        q, k, v = make_qkv(B, H, H, N, D, "float16", seed, device=device)
        return (q, k, v), {"causal": True}

    result = benchmark(sub, "attention", make, iterations=20,
                       check=lambda args, kwargs, out: check_attention_sampled(out, *args, **kwargs,
                                                                         device=device))
    student_tflops = flops / result.seconds_per_call / 1e12
    import torch.nn.functional as F
    q, k, v = make_qkv(B, H, H, N, D, "float16", 12345, device=device)
    for _ in range(3):
        F.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(20):
        F.scaled_dot_product_attention(q, k, v, is_causal=True)
    end.record()
    torch.cuda.synchronize()
    sdpa_tflops = flops / (start.elapsed_time(end) / 1e3 / 20) / 1e12
    leaderboard("TFLOP/s (fp16, causal, N=4096, D=128)", round(student_tflops, 1))
    assert student_tflops >= 0.5 * sdpa_tflops, (
        f"your kernel reached {student_tflops:.0f} TFLOP/s; PyTorch's SDPA reached "
        f"{sdpa_tflops:.0f} on this GPU; at least half of it is asked for")


def check_attention_sampled(out, q, k, v, causal=False, sm_scale=None, device="cuda"):
    """Check 64 random query rows of one (batch, head) against the float64 oracle and its bound
    (the oracle of the whole problem would not fit in memory at these sizes)."""
    B, H, N, D = q.shape
    g = torch.Generator().manual_seed(int(N) * 7919 + int(causal))
    b, h = int(torch.randint(B, (1,), generator=g)), int(torch.randint(H, (1,), generator=g))
    rows = torch.cat([torch.tensor([0, N - 1]), torch.randint(N, (62,), generator=g)]).unique()
    hk = h // (H // k.shape[1])
    qs = q[b:b + 1, h:h + 1, rows.to(q.device)]
    got = out[b:b + 1, h:h + 1].cpu()[:, :, rows]
    check_attention(got, qs, k[b:b + 1, hk:hk + 1], v[b:b + 1, hk:hk + 1], causal, sm_scale,
                    device=device, rows=rows)
