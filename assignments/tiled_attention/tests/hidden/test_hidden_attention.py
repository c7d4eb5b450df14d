"""Hidden tests of tiled_attention: random mixtures of every feature, long causal GQA sequences,
one-hot rows, and the structure of the kernel (it walks the keys in blocks)."""

import sys
from pathlib import Path

import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from attention_strategies import (MAX_N_CPU, check_attention, check_kernel_trace,  # noqa: E402
                                  kernel_trace, loop_with_dot, make_qkv, require_kernel, seeds,
                                  shape_text)


def run(sub, q, k, v, causal=False, sm_scale=None, device="cpu"):
    require_kernel(sub)
    kwargs = {"causal": causal}
    if sm_scale is not None:
        kwargs["sm_scale"] = sm_scale
    got = sub.attention(q, k, v, **kwargs)
    check_kernel_trace(sub, q, k, causal)
    check_attention(got, q, k, v, causal, sm_scale, device=device)


@points(3)
@settings(max_examples=8)
@given(dtype=st.sampled_from(["float32", "float16"]), B=st.integers(1, 2),
       Hkv=st.sampled_from([1, 2]), group=st.sampled_from([1, 2, 4]),
       N=st.integers(1, MAX_N_CPU), D=st.sampled_from([16, 32, 64]), causal=st.booleans(),
       sm_scale=st.one_of(st.none(), st.floats(0.02, 2.0)), seed=seeds)
@example(dtype="float32", B=2, Hkv=2, group=2, N=45, D=32, causal=True, sm_scale=0.3, seed=0)
@example(dtype="float16", B=1, Hkv=1, group=4, N=33, D=16, causal=True, sm_scale=None, seed=1)
@example(dtype="float16", B=1, Hkv=1, group=1, N=32, D=64, causal=False, sm_scale=2.0, seed=2)
def test_hidden_random_configurations(sub, device, dtype, B, Hkv, group, N, D, causal, sm_scale, seed):
    """Every feature at once: dtype, batch, GQA, ragged N, head dim, causal, sm_scale."""
    q, k, v = make_qkv(B, Hkv * group, Hkv, N, D, dtype, seed, device=device)
    run(sub, q, k, v, causal, sm_scale, device=device)


@points(2)
@settings(max_examples=3)
@given(N=st.integers(65, 136), Hkv=st.sampled_from([1, 2]), seed=seeds)
@example(N=129, Hkv=2, seed=0)
@example(N=100, Hkv=1, seed=1)
def test_hidden_long_causal_gqa(sub, device, N, Hkv, seed):
    """Causal, GQA and a ragged N beyond 64: diagonal blocks and block skipping for big blocks."""
    q, k, v = make_qkv(1, 4, Hkv, N, 16, "float32", seed, device=device)
    run(sub, q, k, v, causal=True, device=device)


@points(2)
@settings(max_examples=3)
@given(dtype=st.sampled_from(["float32", "float16"]), causal=st.booleans(),
       N=st.sampled_from([17, 40, 64]), seed=seeds)
@example(dtype="float16", causal=True, N=40, seed=0)
@example(dtype="float32", causal=False, N=64, seed=1)
def test_hidden_one_hot_rows_and_large_values(sub, device, dtype, causal, N, seed):
    """Rows dominated by one key (scores 1e3 apart) and values near fp16's largest: exact picks, no overflow."""
    g = torch.Generator().manual_seed(seed)
    D = 16
    q = torch.randn(1, 2, N, D, generator=g, dtype=torch.float64)
    k = q.clone()[:, :, torch.randperm(N, generator=g)]
    q, k = q * 12.0, k * 12.0                  # q_i . k_j largest where k_j is q_i itself
    big = 3.0e4 if dtype == "float16" else 3.0e30
    v = (torch.rand(1, 2, N, D, generator=g, dtype=torch.float64) * 2 - 1) * big
    dt = torch.float16 if dtype == "float16" else torch.float32
    q, k, v = (t.to(dt).to(device) for t in (q, k, v))
    run(sub, q, k, v, causal=causal, device=device)


@points(3)
def test_hidden_kernel_walks_the_keys_in_blocks(sub, device, request):
    """The kernel loops over key blocks (a loop around tl.dot) and never holds a tile spanning all N keys."""
    kernels, ok = loop_with_dot(sub) or ([], False)
    assert kernels, "no @triton.jit kernel found: attention must be computed by a Triton kernel"
    assert ok, (f"none of your Triton kernels ({', '.join(kernels)}) has a loop that computes a "
                "tl.dot: walk the keys block by block (for start_n in range(0, hi, BLOCK_N)) "
                "instead of computing all the scores at once")
    # 160 > 128: a power-of-two tile that covers all keys (256) is caught, blocks <= 128 are fine
    N = 160 if device == "cpu" else 4096
    q, k, v = make_qkv(1, 1, 1, N, 16, "float32", 0, device=device)
    got = sub.attention(q, k, v)
    trace = kernel_trace(sub)
    if trace is not None:
        shape = [int(x) for x in trace.get("max_dot", [0, 0, 0])]
        widest = int(trace.get("max_tile_dim", max(shape[:2] or [0])))
        assert widest < N, (
            f"{shape_text(q, k)}: a tile of your kernel spans {widest} >= N = {N} rows or keys: "
            "that is the whole score row (or matrix), which flash attention never builds. "
            "Use blocks of at most 128.")
    check_kernel_trace(sub, q, k)
    check_attention(got, q, k, v, device=device)
