"""Public tests of tiled_attention.attention (CPU: Triton's interpreter; GPU: compiled).

Every test compares against attention computed exactly (float64, in the grader) with the error
bound of attention_strategies.error_bound, derived from the rounding of the computation and
explained in the statement. Each test varies one feature and keeps the others simple (N a
multiple of 16, no causal mask, MHA, the default scale), so that the test that fails names the
feature that is wrong. The inputs are drawn from a seed: the falsifying example hypothesis
prints (B, H, N, D, seed...) reproduces them with attention_strategies.make_qkv.
"""


import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points
from attention_strategies import (MAX_N_CPU, check_attention, check_kernel_trace, make_qkv,
                                  require_kernel, seeds)

DTYPES_CPU = ["float32", "float16"]
N_WHOLE = st.sampled_from([16, 32, 48, 64])          # whole blocks for block sizes 16 and up
N_ANY = st.one_of(st.sampled_from([1, 2, 5, 15, 17, 31, 33, 47, 49, 63]),
                  st.integers(min_value=1, max_value=MAX_N_CPU))
SMALL_D = st.sampled_from([16, 32, 64])


def run(sub, q, k, v, causal=False, sm_scale=None, device="cpu"):
    """Call the student's attention (keyword arguments as the contract names them) and check it."""
    require_kernel(sub)
    kwargs = {"causal": causal}
    if sm_scale is not None:
        kwargs["sm_scale"] = sm_scale
    got = sub.attention(q, k, v, **kwargs)
    check_kernel_trace(sub, q, k, causal)
    check_attention(got, q, k, v, causal, sm_scale, device=device)
    return got


@points(4)
@settings(max_examples=6)
@given(B=st.integers(1, 2), H=st.integers(1, 2), N=N_WHOLE, D=SMALL_D, seed=seeds)
@example(B=1, H=1, N=32, D=16, seed=0)
@example(B=1, H=1, N=64, D=16, seed=1)
@example(B=2, H=2, N=32, D=32, seed=2)
def test_matches_softmax_fp32(sub, device, B, H, N, D, seed):
    """float32, no mask: out = softmax(q k^T / sqrt(D)) v within the error bound (several key blocks)."""
    q, k, v = make_qkv(B, H, H, N, D, "float32", seed, device=device)
    run(sub, q, k, v, device=device)


@points(2)
@settings(max_examples=5)
@given(B=st.integers(1, 2), H=st.integers(1, 2), N=N_WHOLE, D=SMALL_D, seed=seeds)
@example(B=1, H=1, N=16, D=16, seed=0)
@example(B=1, H=2, N=64, D=64, seed=1)
def test_fp16_inputs(sub, device, B, H, N, D, seed):
    """float16 in, float16 out, fp32 accumulation: within the fp16 error bound."""
    q, k, v = make_qkv(B, H, H, N, D, "float16", seed, device=device)
    run(sub, q, k, v, device=device)


@points(3)
@settings(max_examples=6)
@given(dtype=st.sampled_from(DTYPES_CPU), B=st.integers(1, 2), H=st.integers(1, 2), N=N_WHOLE,
       D=SMALL_D, seed=seeds)
@example(dtype="float32", B=1, H=1, N=16, D=16, seed=0)
@example(dtype="float32", B=1, H=1, N=64, D=16, seed=1)
@example(dtype="float32", B=1, H=2, N=48, D=32, seed=3)
@example(dtype="float16", B=1, H=1, N=32, D=16, seed=4)
def test_causal_mask(sub, device, dtype, B, H, N, D, seed):
    """causal=True: query i attends to keys 0..i exactly (the diagonal included)."""
    q, k, v = make_qkv(B, H, H, N, D, dtype, seed, device=device)
    run(sub, q, k, v, causal=True, device=device)


@points(3)
@settings(max_examples=8)
@given(dtype=st.sampled_from(DTYPES_CPU), B=st.integers(1, 2), H=st.integers(1, 2), N=N_ANY,
       D=st.sampled_from([16, 32]), causal=st.booleans(), seed=seeds)
@example(dtype="float32", B=1, H=1, N=5, D=16, causal=False, seed=5)
@example(dtype="float32", B=1, H=2, N=17, D=16, causal=False, seed=0)
@example(dtype="float32", B=2, H=1, N=37, D=32, causal=True, seed=1)
@example(dtype="float16", B=1, H=2, N=5, D=16, causal=True, seed=2)
@example(dtype="float32", B=1, H=2, N=1, D=16, causal=False, seed=3)
@example(dtype="float32", B=1, H=2, N=63, D=16, causal=False, seed=4)
def test_sequence_length_not_a_multiple_of_the_block(sub, device, dtype, B, H, N, D, causal, seed):
    """Any N >= 1: the ragged last block of queries and keys is masked on load, in the scores and on store."""
    q, k, v = make_qkv(B, H, H, N, D, dtype, seed, device=device)
    run(sub, q, k, v, causal=causal, device=device)


@points(3)
@settings(max_examples=6)
@given(Hkv=st.sampled_from([1, 2, 4]), group=st.sampled_from([1, 2, 4]), N=st.sampled_from([16, 32]),
       D=st.sampled_from([16, 32]), seed=seeds)
@example(Hkv=2, group=2, N=32, D=16, seed=0)
@example(Hkv=2, group=4, N=16, D=16, seed=1)
@example(Hkv=1, group=4, N=16, D=32, seed=2)
@example(Hkv=4, group=2, N=16, D=16, seed=3)
def test_gqa_head_mapping(sub, device, Hkv, group, N, D, seed):
    """GQA/MQA: query head h reads kv head h // (Hq // Hkv), for Hq/Hkv = 1, 2, 4 and Hq (MQA)."""
    q, k, v = make_qkv(1, Hkv * group, Hkv, N, D, "float32", seed, device=device)
    run(sub, q, k, v, device=device)


@points(2)
@settings(max_examples=6)
@given(sm_scale=st.one_of(st.sampled_from([0.05, 0.125, 0.5, 1.0, 1.7, 3.0]),
                          st.floats(min_value=0.01, max_value=4.0)),
       N=st.sampled_from([16, 32]), D=SMALL_D, seed=seeds)
@example(sm_scale=1.0, N=16, D=16, seed=0)
@example(sm_scale=0.05, N=16, D=64, seed=1)
def test_sm_scale(sub, device, sm_scale, N, D, seed):
    """An explicit sm_scale replaces the default 1/sqrt(D) in softmax(sm_scale * q k^T)."""
    q, k, v = make_qkv(1, 2, 2, N, D, "float32", seed, device=device)
    run(sub, q, k, v, sm_scale=sm_scale, device=device)


@points(3)
@settings(max_examples=6)
@given(dtype=st.sampled_from(DTYPES_CPU), std=st.sampled_from([12.0, 20.0, 30.0]),
       N=st.sampled_from([16, 32, 64]), D=st.sampled_from([16, 32]), seed=seeds)
@example(dtype="float32", std=30.0, N=16, D=16, seed=0)
@example(dtype="float32", std=12.0, N=64, D=16, seed=2)
@example(dtype="float16", std=20.0, N=32, D=16, seed=1)
def test_large_logits_need_the_running_max(sub, device, dtype, std, N, D, seed):
    """Scores spread over +-1000 (exp overflows without subtracting the running max): output finite and right."""
    q, k, v = make_qkv(1, 2, 2, N, D, dtype, seed, q_std=std, k_std=std, device=device)
    run(sub, q, k, v, device=device)


@points(2)
@settings(max_examples=3)
@given(N=st.sampled_from([144, 160, 192]), seed=seeds)
@example(N=144, seed=0)
@example(N=192, seed=1)
def test_long_sequence_many_key_blocks(sub, device, N, seed):
    """N up to 192 (several key blocks even for blocks of 128): the accumulator is rescaled right."""
    # The scores grow along the keys (q's first coordinate is >= 2 and k's rises from 0 to 6),
    # so that the running max rises again and again: forgetting to rescale shows.
    q, k, v = make_qkv(1, 1, 1, N, 16, "float32", seed, device="cpu")
    q[..., 0] = q[..., 0].abs() + 2.0
    k[..., 0] += torch.linspace(0.0, 6.0, N)
    q, k, v = q.to(device), k.to(device), v.to(device)
    run(sub, q, k, v, device=device)


@points(1)
@settings(max_examples=2)
@given(dtype=st.sampled_from(DTYPES_CPU), N=st.sampled_from([16, 48]), seed=seeds)
@example(dtype="float16", N=48, seed=0)
@example(dtype="float32", N=16, seed=1)
def test_head_dim_128(sub, device, dtype, N, seed):
    """D = 128 works (float32 and float16)."""
    q, k, v = make_qkv(1, 1, 1, N, 128, dtype, seed, device=device)
    run(sub, q, k, v, device=device)


BAD_SHAPES = [
    # (q shape, k shape, v shape, why)
    ((1, 2, 16, 16), (1, 2, 16, 32), (1, 2, 16, 32), "k's head dim differs from q's"),
    ((1, 2, 16, 16), (1, 2, 16, 16), (1, 2, 8, 16), "v's length differs from k's"),
    ((1, 2, 16, 16), (1, 2, 12, 16), (1, 2, 12, 16), "k/v length differs from q's"),
    ((2, 2, 16, 16), (1, 2, 16, 16), (1, 2, 16, 16), "k/v batch differs from q's"),
    ((1, 3, 16, 16), (1, 2, 16, 16), (1, 2, 16, 16), "Hq = 3 is not a multiple of Hkv = 2"),
    ((1, 4, 16, 16), (1, 3, 16, 16), (1, 3, 16, 16), "Hq = 4 is not a multiple of Hkv = 3"),
    ((1, 1, 16, 24), (1, 1, 16, 24), (1, 1, 16, 24), "D = 24 is not supported"),
    ((1, 1, 16, 256), (1, 1, 16, 256), (1, 1, 16, 256), "D = 256 is not supported"),
    ((1, 1, 16, 8), (1, 1, 16, 8), (1, 1, 16, 8), "D = 8 is not supported"),
    ((1, 16, 16), (1, 16, 16), (1, 16, 16), "3-D tensors instead of [B, H, N, D]"),
]


@points(2)
def test_bad_arguments_raise_value_error(sub, device):
    """ValueError for mismatched shapes, Hq % Hkv != 0, or a head dim outside {16, 32, 64, 128}."""
    # First a valid call (one block, nothing tricky) that must be answered right by a Triton
    # kernel without forbidden calls: rejecting bad shapes is worth nothing without the attention
    # (a tensor of the right type, shape and dtype holding wrong values included).
    require_kernel(sub)
    q, k, v = make_qkv(1, 2, 1, 16, 16, "float32", 0, device=device)
    got = sub.attention(q, k, v)
    check_kernel_trace(sub, q, k)
    check_attention(got, q, k, v, device=device)
    for qs, ks, vs, why in BAD_SHAPES:
        q = torch.randn(*qs).to(device)
        k = torch.randn(*ks).to(device)
        v = torch.randn(*vs).to(device)
        try:
            sub.attention(q, k, v)
        except ValueError:
            continue
        except Exception as e:  # the student's exception arrives as the same built-in class
            raise AssertionError(
                f"attention(q{list(qs)}, k{list(ks)}, v{list(vs)}) raised {type(e).__name__}, "
                f"expected ValueError ({why}): {e}") from None
        raise AssertionError(f"attention(q{list(qs)}, k{list(ks)}, v{list(vs)}) did not raise "
                             f"ValueError ({why})")
