"""Public tests of kv_cache: how much memory attention keeps.

Every answer is an exact number of bytes, so every check here is exact: the expected values
are the contract's formulas in Python integers (kv_cache_strategies), hand-computed numbers for
published models (kv_cache_configs), and, for max_seq_len, the defining property itself
(S tokens fit, S + 1 do not). Each test calls one function of the submission only.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings, strategies as st

import kv_cache_configs as C
from autograder.testing import points
from kv_cache_checks import assert_bytes, assert_int, assert_max_seq_len, call_text
from kv_cache_strategies import (
    DTYPES,
    MAX_BATCH,
    MAX_HEAD_DIM,
    MAX_HEADS,
    MAX_LAYERS,
    MAX_LORA_RANK,
    MAX_ROPE_DIM,
    MAX_SEQ,
    NON_POSITIVE,
    UNKNOWN_DTYPES,
    any_configs,
    arch_bytes,
    counts,
    dtypes,
    int64_config,
    long_counts,
    numpy_count,
    odd_mla_configs,
    on_real_configs,
    whole_bytes,
    with_numpy_values,
)

LLAMA_3_8B_WEIGHTS = 16_060_522_496  # 8,030,261,248 parameters in bf16
H100_MEMORY = 80 * 2**30


def expect_value_error(fn, name: str, *args) -> None:
    """fn(*args) must raise ValueError; any other outcome fails with a message that says so."""
    call = call_text(name, *args)
    try:
        got = fn(*args)
    except ValueError:
        return
    except Exception as exc:  # the student's exception, re-raised in the grader
        raise AssertionError(f"{call} raised {type(exc).__name__}: {exc}; it must raise ValueError") from None
    raise AssertionError(f"{call} returned {got!r}; it must raise ValueError")


# ---------------------------------------------------------------------------- kv_cache_bytes


@points(1)
def test_kv_cache_bytes_worked_example(sub):
    """kv_cache_bytes gives the hand-computed sizes (Llama-3-70B at 128K tokens is 42,949,672,960 bytes in bf16)."""
    cases = [
        ((80, 8, 128, 131072), 42_949_672_960),  # the defaults: batch_size=1, dtype="bf16"
        ((80, 8, 128, 131072, 1, "bf16"), 42_949_672_960),
        ((80, 8, 128, 131072, 1, "fp32"), 85_899_345_920),
        ((80, 8, 128, 131072, 1, "fp16"), 42_949_672_960),
        ((80, 8, 128, 131072, 1, "fp8"), 21_474_836_480),
        ((80, 8, 128, 131072, 1, "int8"), 21_474_836_480),
        ((80, 8, 128, 131072, 1, "int4"), 10_737_418_240),
        ((32, 8, 128, 8192), 1_073_741_824),  # Llama-3-8B, 8K context: exactly 1 GiB
        ((32, 8, 128, 32768, 4, "fp16"), 17_179_869_184),  # Mistral-7B, 32K context, batch 4
        ((1, 1, 1, 1), 4),  # one K and one V element of 2 bytes
        ((3, 1, 1, 1, 1, "int4"), 3),  # 6 half bytes
    ]
    for args, want in cases:
        call = call_text("kv_cache_bytes", *args)
        assert_bytes(call, sub.kv_cache_bytes(*args), want)
    got = sub.kv_cache_bytes(80, 8, 128, seq_len=131072, batch_size=2, dtype="fp8")
    assert_bytes("kv_cache_bytes(80, 8, 128, seq_len=131072, batch_size=2, dtype='fp8')", got, 42_949_672_960)


@points(2)
@given(
    n_layers=counts(MAX_LAYERS),
    n_kv_heads=counts(MAX_HEADS),
    head_dim=counts(MAX_HEAD_DIM),
    seq_len=counts(MAX_SEQ),
    batch_size=counts(MAX_BATCH),
    dtype=dtypes,
)
@example(n_layers=1, n_kv_heads=1, head_dim=1, seq_len=1, batch_size=1, dtype="int4")
@example(n_layers=61, n_kv_heads=3, head_dim=7, seq_len=5, batch_size=3, dtype="int4")
def test_kv_cache_bytes_exact(sub, n_layers, n_kv_heads, head_dim, seq_len, batch_size, dtype):
    """kv_cache_bytes = 2 * L * Hkv * d * S * B * bytes per element, exactly, for every dtype."""
    args = (n_layers, n_kv_heads, head_dim, seq_len, batch_size, dtype)
    want = whole_bytes(2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size, dtype)
    assert_bytes(call_text("kv_cache_bytes", *args), sub.kv_cache_bytes(*args), want)


@points(2)
@settings(max_examples=50)
@given(
    n_layers=counts(2**10),
    n_kv_heads=counts(2**8),
    head_dim=counts(2**10),
    seq_len=st.integers(2**36, 2**64),
    batch_size=counts(2**20),
)
@example(n_layers=81, n_kv_heads=7, head_dim=129, seq_len=2**45 + 1, batch_size=3)
@example(n_layers=1, n_kv_heads=1, head_dim=1, seq_len=2**53 + 1, batch_size=1)
def test_kv_cache_bytes_beyond_2_53(sub, n_layers, n_kv_heads, head_dim, seq_len, batch_size):
    """kv_cache_bytes stays exact for totals far beyond 2**53, where floats skip integers."""
    for dtype in DTYPES:
        args = (n_layers, n_kv_heads, head_dim, seq_len, batch_size, dtype)
        want = whole_bytes(2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size, dtype)
        assert_bytes(call_text("kv_cache_bytes", *args), sub.kv_cache_bytes(*args), want)


@points(1)
@settings(max_examples=50)
@given(
    sizes=st.tuples(counts(MAX_LAYERS), counts(MAX_HEADS), counts(MAX_HEAD_DIM), long_counts, counts(2**20)),
    dtype=dtypes,
    data=st.data(),
)
@example(sizes=(80, 8, 128, 2**40 + 1, 2**20), dtype="bf16", data=None)
@example(sizes=(81, 7, 129, 2**45 + 1, 3), dtype="int4", data=None)
def test_kv_cache_bytes_numpy_ints(sub, sizes, dtype, data):
    """kv_cache_bytes takes NumPy integer counts and returns an exact Python int (no int64 wrap-around)."""
    if data is None:
        args = tuple(np.int64(v) for v in sizes)
    else:
        args = tuple(data.draw(numpy_count(v)) for v in sizes)
    layers, heads, dim, seq, batch = sizes
    want = whole_bytes(2 * layers * heads * dim * seq * batch, dtype)
    got = sub.kv_cache_bytes(*args, dtype)
    assert_bytes(call_text("kv_cache_bytes", *args, dtype), got, want)


@points(1)
def test_kv_cache_bytes_rejects_bad_arguments(sub):
    """kv_cache_bytes raises ValueError for an unknown dtype and for a zero or negative count."""
    for dtype in UNKNOWN_DTYPES:
        expect_value_error(sub.kv_cache_bytes, "kv_cache_bytes", 32, 8, 128, 4096, 1, dtype)
    good = [32, 8, 128, 4096, 2]
    for position in range(5):
        for bad in NON_POSITIVE + [np.int64(0), np.int64(-3)]:
            args = list(good)
            args[position] = bad
            expect_value_error(sub.kv_cache_bytes, "kv_cache_bytes", *args, "bf16")


# ---------------------------------------------------------------------------- mla_cache_bytes


@points(1)
def test_mla_cache_bytes_deepseek_v3(sub):
    """mla_cache_bytes gives the hand-computed sizes of DeepSeek-V3's cache (61 layers, rank 512, RoPE 64)."""
    cases = [
        ((61, 512, 64, 131072), 9_210_691_584),  # defaults: batch_size=1, dtype="bf16": 70,272 B/token
        ((61, 512, 64, 1), 70_272),
        ((61, 512, 64, 131072, 1, "fp8"), 4_605_345_792),
        ((27, 512, 64, 163840, 4, "bf16"), 20_384_317_440),  # DeepSeek-V2-Lite
        ((1, 1, 2, 1, 1, "int4"), 2),  # 3 half bytes round up to 2 bytes
        ((61, 512, 63, 1, 1, "int4"), 17_538),  # 35,075 half bytes
    ]
    for args, want in cases:
        assert_bytes(call_text("mla_cache_bytes", *args), sub.mla_cache_bytes(*args), want)
    got = sub.mla_cache_bytes(61, 512, 64, seq_len=2, batch_size=3, dtype="fp32")
    assert_bytes("mla_cache_bytes(61, 512, 64, seq_len=2, batch_size=3, dtype='fp32')", got, 61 * 576 * 2 * 3 * 4)


@points(2)
@given(
    n_layers=counts(MAX_LAYERS),
    kv_lora_rank=counts(MAX_LORA_RANK),
    rope_head_dim=counts(MAX_ROPE_DIM),
    seq_len=counts(MAX_SEQ),
    batch_size=counts(MAX_BATCH),
    dtype=dtypes,
)
@example(n_layers=1, kv_lora_rank=1, rope_head_dim=2, seq_len=1, batch_size=1, dtype="int4")
@example(n_layers=61, kv_lora_rank=511, rope_head_dim=64, seq_len=3, batch_size=1, dtype="int4")
def test_mla_cache_bytes_exact(sub, n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size, dtype):
    """mla_cache_bytes = L * (kv_lora_rank + rope_head_dim) * S * B * bytes per element, exactly."""
    args = (n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size, dtype)
    want = whole_bytes(n_layers * (kv_lora_rank + rope_head_dim) * seq_len * batch_size, dtype)
    assert_bytes(call_text("mla_cache_bytes", *args), sub.mla_cache_bytes(*args), want)


@points(1)
@given(
    n_layers=counts(MAX_LAYERS).map(lambda n: n | 1),
    kv_lora_rank=counts(MAX_LORA_RANK),
    rope_head_dim=counts(MAX_ROPE_DIM),
    seq_len=counts(MAX_SEQ).map(lambda n: n | 1),
    batch_size=counts(MAX_BATCH).map(lambda n: n | 1),
)
@example(n_layers=1, kv_lora_rank=1, rope_head_dim=2, seq_len=1, batch_size=1)
def test_mla_cache_bytes_int4_rounds_up(sub, n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size):
    """mla_cache_bytes in int4 rounds an odd number of half bytes UP to whole bytes."""
    if (kv_lora_rank + rope_head_dim) % 2 == 0:
        kv_lora_rank += 1  # make the number of elements odd
    elements = n_layers * (kv_lora_rank + rope_head_dim) * seq_len * batch_size
    args = (n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size, "int4")
    assert_bytes(call_text("mla_cache_bytes", *args), sub.mla_cache_bytes(*args), (elements + 1) // 2)


@points(1)
@settings(max_examples=50)
@given(
    n_layers=counts(2**10),
    kv_lora_rank=counts(2**12),
    rope_head_dim=counts(2**10),
    seq_len=st.integers(2**40, 2**64),
    batch_size=counts(2**20),
)
@example(n_layers=61, kv_lora_rank=511, rope_head_dim=64, seq_len=2**50 + 1, batch_size=3)
def test_mla_cache_bytes_beyond_2_53(sub, n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size):
    """mla_cache_bytes stays exact for totals far beyond 2**53, where floats skip integers."""
    for dtype in DTYPES:
        args = (n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size, dtype)
        want = whole_bytes(n_layers * (kv_lora_rank + rope_head_dim) * seq_len * batch_size, dtype)
        assert_bytes(call_text("mla_cache_bytes", *args), sub.mla_cache_bytes(*args), want)


@points(1)
@settings(max_examples=50)
@given(
    sizes=st.tuples(counts(MAX_LAYERS), counts(MAX_LORA_RANK), counts(MAX_ROPE_DIM), long_counts, counts(2**20)),
    dtype=dtypes,
    data=st.data(),
)
@example(sizes=(61, 512, 64, 2**50 + 1, 2**20), dtype="bf16", data=None)
@example(sizes=(61, 511, 64, 2**50 + 1, 3), dtype="int4", data=None)
def test_mla_cache_bytes_numpy_ints(sub, sizes, dtype, data):
    """mla_cache_bytes takes NumPy integer counts and returns an exact Python int (no int64 wrap-around)."""
    if data is None:
        args = tuple(np.int64(v) for v in sizes)
    else:
        args = tuple(data.draw(numpy_count(v)) for v in sizes)
    layers, rank, rope, seq, batch = sizes
    want = whole_bytes(layers * (rank + rope) * seq * batch, dtype)
    assert_bytes(call_text("mla_cache_bytes", *args, dtype), sub.mla_cache_bytes(*args, dtype), want)


@points(1)
def test_mla_cache_bytes_rejects_bad_arguments(sub):
    """mla_cache_bytes raises ValueError for an unknown dtype and for a zero or negative count."""
    for dtype in UNKNOWN_DTYPES:
        expect_value_error(sub.mla_cache_bytes, "mla_cache_bytes", 61, 512, 64, 4096, 1, dtype)
    good = [61, 512, 64, 4096, 2]
    for position in range(5):
        for bad in NON_POSITIVE + [np.int64(0), np.int64(-3)]:
            args = list(good)
            args[position] = bad
            expect_value_error(sub.mla_cache_bytes, "mla_cache_bytes", *args, "bf16")


# ---------------------------------------------------------------------------- model_kv_cache_bytes


def _check_real_configs(sub, table):
    for name, config, arch, bf16_per_token in table:
        call = f"model_kv_cache_bytes(<{name} config.json>, 1)"
        assert_bytes(call, sub.model_kv_cache_bytes(config, 1), bf16_per_token)
        for seq_len in (4096, 131072):
            for batch_size in (1, 7):
                for dtype in ("bf16", "fp32", "fp8", "int4"):
                    want = arch_bytes(arch, seq_len, batch_size, dtype)
                    call = f"model_kv_cache_bytes(<{name} config.json>, {seq_len}, {batch_size}, {dtype!r})"
                    assert_bytes(call, sub.model_kv_cache_bytes(config, seq_len, batch_size, dtype), want)


@points(2)
def test_model_kv_cache_bytes_gqa_and_mqa(sub):
    """model_kv_cache_bytes reads real GQA/MQA configs: Llama-3-8B/70B, Mistral-7B, Qwen2.5-7B, Gemma-2B, Falcon-7B."""
    _check_real_configs(sub, C.GQA_AND_MQA)
    want = 42_949_672_960
    assert_bytes("model_kv_cache_bytes(<Llama-3-70B config.json>, 131072)", sub.model_kv_cache_bytes(C.LLAMA_3_70B, 131072), want)


@points(1)
def test_model_kv_cache_bytes_explicit_head_dim(sub):
    """model_kv_cache_bytes uses a config's head_dim where it differs from hidden_size // heads (Gemma, Mistral-Nemo)."""
    _check_real_configs(sub, C.EXPLICIT_HEAD_DIM)


@points(1)
def test_model_kv_cache_bytes_mha_without_kv_heads(sub):
    """model_kv_cache_bytes treats num_key_value_heads absent (LLaMA-7B) or null (Phi-2) as plain MHA."""
    _check_real_configs(sub, C.MHA_WITHOUT_KV_HEADS)


@points(2)
def test_model_kv_cache_bytes_mla(sub):
    """model_kv_cache_bytes uses MLA's latent cache for DeepSeek-V3 and DeepSeek-V2-Lite, not their kv heads."""
    _check_real_configs(sub, C.MLA)


@points(2)
@given(problem=any_configs(), seq_len=counts(MAX_SEQ), batch_size=counts(MAX_BATCH), dtype=dtypes)
@on_real_configs(seq_len=4099, batch_size=3, dtype="int4")
def test_model_kv_cache_bytes_synthetic_configs(sub, problem, seq_len, batch_size, dtype):
    """model_kv_cache_bytes is exact on generated configs: kv heads absent/null/given, head_dim absent/null/given, MLA."""
    config, arch = problem
    want = arch_bytes(arch, seq_len, batch_size, dtype)
    call = call_text("model_kv_cache_bytes", config, seq_len, batch_size, dtype)
    assert_bytes(call, sub.model_kv_cache_bytes(config, seq_len, batch_size, dtype), want)


@points(1)
@settings(max_examples=50)
@given(problem=any_configs(), seq_len=st.integers(2**36, 2**64), batch_size=counts(2**20))
@on_real_configs(seq_len=2**50 + 1, batch_size=3)
def test_model_kv_cache_bytes_beyond_2_53(sub, problem, seq_len, batch_size):
    """model_kv_cache_bytes stays exact for totals far beyond 2**53, where floats skip integers."""
    config, arch = problem
    for dtype in DTYPES:
        want = arch_bytes(arch, seq_len, batch_size, dtype)
        call = call_text("model_kv_cache_bytes", config, seq_len, batch_size, dtype)
        assert_bytes(call, sub.model_kv_cache_bytes(config, seq_len, batch_size, dtype), want)


@points(1)
@settings(max_examples=50)
@given(problem=any_configs(), seq_len=long_counts, batch_size=counts(2**20), dtype=dtypes, data=st.data())
@on_real_configs(seq_len=2**50 + 1, batch_size=3, dtype="int4", data=None)
def test_model_kv_cache_bytes_numpy_ints(sub, problem, seq_len, batch_size, dtype, data):
    """model_kv_cache_bytes takes NumPy integers (in the config too) and returns an exact Python int."""
    config, arch = problem
    if data is None:
        np_config, np_seq, np_batch = int64_config(config), np.int64(seq_len), np.int64(batch_size)
    else:
        np_config = with_numpy_values(config, data.draw)
        np_seq = data.draw(numpy_count(seq_len))
        np_batch = data.draw(numpy_count(batch_size))
    want = arch_bytes(arch, seq_len, batch_size, dtype)
    call = call_text("model_kv_cache_bytes", np_config, np_seq, np_batch, dtype)
    assert_bytes(call, sub.model_kv_cache_bytes(np_config, np_seq, np_batch, dtype), want)


@points(1)
def test_model_kv_cache_bytes_rejects_bad_arguments(sub):
    """model_kv_cache_bytes raises ValueError for an unknown dtype and a zero or negative seq_len or batch_size."""
    for config in (C.LLAMA_3_8B, C.DEEPSEEK_V3):
        for dtype in UNKNOWN_DTYPES:
            expect_value_error(sub.model_kv_cache_bytes, "model_kv_cache_bytes", config, 4096, 1, dtype)
        for bad in NON_POSITIVE + [np.int64(0)]:
            expect_value_error(sub.model_kv_cache_bytes, "model_kv_cache_bytes", config, bad, 1, "bf16")
            expect_value_error(sub.model_kv_cache_bytes, "model_kv_cache_bytes", config, 4096, bad, "bf16")


# ---------------------------------------------------------------------------- max_seq_len


@points(1)
def test_max_seq_len_worked_example(sub):
    """max_seq_len gives the hand-computed answers (Llama-3-8B on an 80 GiB GPU holds 532,827 tokens)."""
    cases = [
        # 1 GiB of cache at 128 KiB per token, with the defaults (batch 1, bf16, no weights)
        ((C.LLAMA_3_8B, 2**30), 8192),
        ((C.LLAMA_3_8B, H100_MEMORY, 1, "bf16", LLAMA_3_8B_WEIGHTS), 532_827),
        ((C.LLAMA_3_8B, H100_MEMORY, 8, "bf16", LLAMA_3_8B_WEIGHTS), 66_603),
        # exactly 1000 tokens' worth of memory left: all 1000 fit
        ((C.LLAMA_3_8B, LLAMA_3_8B_WEIGHTS + 1000 * 131072, 1, "bf16", LLAMA_3_8B_WEIGHTS), 1000),
        ((C.LLAMA_3_8B, LLAMA_3_8B_WEIGHTS + 1000 * 131072 - 1, 1, "bf16", LLAMA_3_8B_WEIGHTS), 999),
        # DeepSeek-V3 on 8 GPUs of 141 GB with 700 GB of weights
        ((C.DEEPSEEK_V3, 8 * 141 * 10**9, 1, "fp8", 700 * 10**9), 12_181_238),
        ((C.DEEPSEEK_V3, 8 * 141 * 10**9, 16, "bf16", 700 * 10**9), 380_663),
    ]
    for args, want in cases:
        call = call_text("max_seq_len", *args)
        got = sub.max_seq_len(*args)
        assert_int(call, got)
        assert got == want, f"{call} = {got:,}, expected {want:,}"
    call = "max_seq_len(<Llama-3-8B>, memory_bytes=2**31, batch_size=2, dtype='fp8', weight_bytes=2**30)"
    got = sub.max_seq_len(C.LLAMA_3_8B, memory_bytes=2**31, batch_size=2, dtype="fp8", weight_bytes=2**30)
    assert_max_seq_len(call, got, LLAMA_3_8B_ARCH, 2**31, 2, "fp8", 2**30)


@st.composite
def seq_len_problems(draw, max_seq=MAX_SEQ, max_weight=2**40):
    """(config, arch, memory_bytes, batch_size, dtype, weight_bytes), the budget often exactly on,
    one byte under or one byte over what some number of tokens needs."""
    if draw(st.integers(0, 3)) == 0:  # int4 at a whole number of bytes and a half per token
        (config, arch), dtype = draw(odd_mla_configs()), "int4"
    else:
        (config, arch), dtype = draw(any_configs()), draw(dtypes)
    batch = draw(counts(MAX_BATCH))
    weight = draw(st.one_of(st.just(0), st.integers(0, max_weight)))
    regime = draw(st.sampled_from(["fit", "fit", "long", "any"]))
    if regime == "long":  # a cache of 2**53 to 2**61 bytes in fp32 (the budget stays an int64)
        most = 2**61 // arch_bytes(arch, 1, batch, "fp32")
        tokens = draw(st.integers(most // 2**8, most))
    elif regime == "fit":
        tokens = draw(st.one_of(st.integers(0, 3), counts(max_seq)))
    if regime != "any":
        memory = weight + arch_bytes(arch, tokens, batch, dtype) + draw(st.sampled_from([0, 0, -1, 1, -2, 2]))
    else:
        memory = draw(st.integers(-(2**20), weight + 2**50))
    return config, arch, memory, batch, dtype, weight


ODD_MLA = {"num_hidden_layers": 1, "kv_lora_rank": 1, "qk_rope_head_dim": 2}  # 1.5 bytes per token in int4
ODD_MLA_ARCH = ("mla", 1, 1, 2)
ONE_BYTE_MLA = {"num_hidden_layers": 1, "kv_lora_rank": 1, "qk_rope_head_dim": 1}  # 1 byte per token in int4
ONE_BYTE_MLA_ARCH = ("mla", 1, 1, 1)
LLAMA_3_8B_ARCH = ("std", 32, 8, 128)

# Explicit budgets, each aimed at one classic mistake: an exact fit (a strict < is off by one),
# a negative budget (an unclamped division), int4 at 1.5 bytes per token (rounding the cost of
# one token up and dividing), and a budget near 2**57 (float division rounds up to 2**40).
MAX_SEQ_LEN_EXAMPLES = [
    (C.LLAMA_3_8B, LLAMA_3_8B_ARCH, LLAMA_3_8B_WEIGHTS + 1000 * 131072, 1, "bf16", LLAMA_3_8B_WEIGHTS),
    (C.LLAMA_3_8B, LLAMA_3_8B_ARCH, 131072, 1, "bf16", 0),
    (C.LLAMA_3_8B, LLAMA_3_8B_ARCH, -5, 1, "bf16", 0),
    (ODD_MLA, ODD_MLA_ARCH, 3, 1, "int4", 0),
    (ODD_MLA, ODD_MLA_ARCH, 4, 1, "int4", 0),
    (ODD_MLA, ODD_MLA_ARCH, 5, 1, "int4", 0),
    (C.LLAMA_3_8B, LLAMA_3_8B_ARCH, 2**57 - 1, 1, "bf16", 0),
]


def on_max_seq_len_examples(**fixed):
    def decorate(test):
        for problem in reversed(MAX_SEQ_LEN_EXAMPLES):
            test = example(problem=problem, **fixed)(test)
        return test

    return decorate


@points(3)
@given(problem=seq_len_problems())
@on_max_seq_len_examples()
def test_max_seq_len_is_the_largest_that_fits(sub, problem):
    """max_seq_len returns S such that weight + cache(S) <= memory_bytes < weight + cache(S + 1)."""
    config, arch, memory, batch, dtype, weight = problem
    call = call_text("max_seq_len", config, memory, batch, dtype, weight)
    got = sub.max_seq_len(config, memory, batch, dtype, weight)
    assert_max_seq_len(call, got, arch, memory, batch, dtype, weight)


@points(1)
@settings(max_examples=50)
@given(problem=any_configs(), batch=counts(MAX_BATCH), dtype=dtypes, weight=st.integers(0, 2**40), data=st.data())
@example(problem=(C.LLAMA_3_8B, LLAMA_3_8B_ARCH), batch=1, dtype="bf16", weight=0, data=None)
@example(problem=(ODD_MLA, ODD_MLA_ARCH), batch=1, dtype="int4", weight=10**9, data=None)
@example(problem=(ONE_BYTE_MLA, ONE_BYTE_MLA_ARCH), batch=1, dtype="int4", weight=0, data=None)
def test_max_seq_len_no_room(sub, problem, batch, dtype, weight, data):
    """max_seq_len is 0 when not even one token fits (budget below weight + cache(1), zero or negative), 1 when exactly one does."""
    config, arch = problem
    one_token = weight + arch_bytes(arch, 1, batch, dtype)
    if data is None:
        budgets = [one_token - 1, 0, -1, -(2**80), weight, weight - 1]
    else:
        budgets = [data.draw(st.integers(-(2**64), one_token - 1), label="memory_bytes")]
    for memory in budgets:
        call = call_text("max_seq_len", config, memory, batch, dtype, weight)
        got = sub.max_seq_len(config, memory, batch, dtype, weight)
        assert_int(call, got)
        assert got == 0, f"{call} = {got!r}, expected 0: one token needs {one_token:,} bytes with the weights"
    # The other side of the edge: exactly one token's worth of memory holds that token (1, since
    # a second token costs at least one more byte). Without it a max_seq_len that always returns
    # 0 would pass this test while every other answer it gives is wrong.
    call = call_text("max_seq_len", config, one_token, batch, dtype, weight)
    got = sub.max_seq_len(config, one_token, batch, dtype, weight)
    assert_max_seq_len(call, got, arch, one_token, batch, dtype, weight)


@points(1)
@settings(max_examples=50)
@given(
    problem=any_configs(),
    memory=st.integers(2**60, 2**110),
    batch=counts(2**10),
    weight=st.integers(0, 2**50),
)
@example(problem=(C.LLAMA_3_70B, ("std", 80, 8, 128)), memory=10**30 + 1, batch=3, weight=140 * 10**9)
@example(problem=(C.DEEPSEEK_V3, ("mla", 61, 512, 64)), memory=10**30 + 1, batch=3, weight=700 * 10**9)
@example(problem=(ODD_MLA, ODD_MLA_ARCH), memory=10**30 + 1, batch=1, weight=0)
def test_max_seq_len_huge_budget(sub, problem, memory, batch, weight):
    """max_seq_len stays exact for budgets far beyond 2**53 (use integer division or a binary search)."""
    config, arch = problem
    for dtype in DTYPES:
        call = call_text("max_seq_len", config, memory, batch, dtype, weight)
        got = sub.max_seq_len(config, memory, batch, dtype, weight)
        assert_max_seq_len(call, got, arch, memory, batch, dtype, weight)


@points(1)
@settings(max_examples=50)
@given(problem=seq_len_problems(max_weight=2**50), data=st.data())
@on_max_seq_len_examples(data=None)
def test_max_seq_len_numpy_ints(sub, problem, data):
    """max_seq_len takes NumPy integers (budget, batch, config values) and returns a Python int."""
    config, arch, memory, batch, dtype, weight = problem
    if data is None:
        np_config, np_batch, np_weight = int64_config(config), np.int64(batch), np.int64(weight)
    else:
        np_config = with_numpy_values(config, data.draw)
        np_batch = data.draw(numpy_count(batch))
        np_weight = data.draw(numpy_count(weight))
    np_memory = np.int64(memory)  # seq_len_problems keeps budgets within int64
    call = call_text("max_seq_len", np_config, np_memory, np_batch, dtype, np_weight)
    got = sub.max_seq_len(np_config, np_memory, np_batch, dtype, np_weight)
    assert_max_seq_len(call, got, arch, memory, batch, dtype, weight)


@points(1)
def test_max_seq_len_rejects_bad_arguments(sub):
    """max_seq_len raises ValueError for an unknown dtype and for a zero or negative batch_size."""
    for config in (C.LLAMA_3_8B, C.DEEPSEEK_V3):
        for dtype in UNKNOWN_DTYPES:
            expect_value_error(sub.max_seq_len, "max_seq_len", config, 10**12, 1, dtype, 0)
        for bad in NON_POSITIVE + [np.int64(0)]:
            expect_value_error(sub.max_seq_len, "max_seq_len", config, 10**12, bad, "bf16", 0)
