"""Hidden tests of kv_cache: agreement with the reference on broad random inputs, and the
corners of the contract the public tests do not show (a config naming only one of the two MLA
keys, a config with a non-positive layer count)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import example, given, settings, strategies as st

try:
    import kv_cache_strategies  # noqa: F401  (the public helpers, when the engine puts them on the path)
except ImportError:  # pragma: no cover - depends on how the tests are laid out on disk
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))

import numpy as np

import kv_cache_configs as C

from autograder.testing import hidden, points
from kv_cache_checks import assert_bytes, assert_int, call_text
from kv_cache_strategies import (
    MAX_BATCH,
    MAX_SEQ,
    any_configs,
    as_numpy,
    counts,
    dtypes,
    int64_config,
    long_counts,
    mla_configs,
    numpy_int_types,
    odd_mla_configs,
    on_real_configs,
    standard_configs,
    with_numpy_values,
)

# Counts from 1 to huge: ordinary sizes and long-context, large-batch extremes.
sizes = st.one_of(counts(2**12), st.integers(1, 2**40), long_counts)


@st.composite
def maybe_numpy(draw, value: int):
    """value as it is, or as a NumPy integer that holds it."""
    if value >= 2**62 or not draw(st.booleans()):
        return value
    return as_numpy(value, draw(numpy_int_types))


def _numpy_args(values, data) -> tuple:
    """Each value as it is or as a NumPy integer; all np.int64 in an explicit example (data None)."""
    if data is None:
        return tuple(np.int64(v) for v in values)
    return tuple(data.draw(maybe_numpy(v)) for v in values)


@points(1)
@hidden
@settings(max_examples=50)
@given(values=st.tuples(sizes, sizes, sizes, sizes, sizes), dtype=dtypes, data=st.data())
@example(values=(81, 7, 129, 2**45 + 1, 3), dtype="int4", data=None)
def test_hidden_kv_cache_bytes_matches_reference(sub, ref, values, dtype, data):
    """kv_cache_bytes agrees exactly with the reference on random sizes, Python and NumPy ints."""
    args = _numpy_args(values, data) + (dtype,)
    want = ref.kv_cache_bytes(*values, dtype)
    assert_bytes(call_text("kv_cache_bytes", *args), sub.kv_cache_bytes(*args), want)


@points(1)
@hidden
@settings(max_examples=50)
@given(values=st.tuples(sizes, sizes, sizes, sizes, sizes), dtype=dtypes, data=st.data())
@example(values=(61, 511, 64, 2**50 + 1, 3), dtype="int4", data=None)
def test_hidden_mla_cache_bytes_matches_reference(sub, ref, values, dtype, data):
    """mla_cache_bytes agrees exactly with the reference on random sizes, Python and NumPy ints."""
    args = _numpy_args(values, data) + (dtype,)
    want = ref.mla_cache_bytes(*values, dtype)
    assert_bytes(call_text("mla_cache_bytes", *args), sub.mla_cache_bytes(*args), want)


@points(1)
@hidden
@settings(max_examples=50)
@given(problem=any_configs(), seq_len=sizes, batch_size=sizes, dtype=dtypes, numpy=st.booleans(), data=st.data())
@on_real_configs(seq_len=2**50 + 1, batch_size=3, dtype="int4", numpy=True, data=None)
def test_hidden_model_kv_cache_bytes_matches_reference(sub, ref, problem, seq_len, batch_size, dtype, numpy, data):
    """model_kv_cache_bytes agrees exactly with the reference on random configs."""
    config, _ = problem
    want = ref.model_kv_cache_bytes(config, seq_len, batch_size, dtype)
    if data is None:
        args = (int64_config(config), np.int64(seq_len), np.int64(batch_size), dtype)
    else:
        if numpy:
            config = with_numpy_values(config, data.draw)
        args = (config, data.draw(maybe_numpy(seq_len)), data.draw(maybe_numpy(batch_size)), dtype)
    assert_bytes(call_text("model_kv_cache_bytes", *args), sub.model_kv_cache_bytes(*args), want)


@st.composite
def half_mla_configs(draw):
    """A standard-attention config that also carries one MLA key, or both with one of them null:
    MLA needs both kv_lora_rank and qk_rope_head_dim present and not null."""
    config, arch = draw(standard_configs())
    case = draw(st.sampled_from(["rank null", "rope null", "rank only", "rope only", "both null"]))
    if case == "rank null":
        config.update(kv_lora_rank=None, qk_rope_head_dim=64)
    elif case == "rope null":
        config.update(kv_lora_rank=512, qk_rope_head_dim=None)
    elif case == "rank only":
        config.update(kv_lora_rank=512)
    elif case == "rope only":
        config.update(qk_rope_head_dim=64)
    else:
        config.update(kv_lora_rank=None, qk_rope_head_dim=None)
    return config, arch


@points(1)
@hidden
@settings(max_examples=50)
@given(problem=half_mla_configs(), seq_len=counts(MAX_SEQ), batch_size=counts(MAX_BATCH), dtype=dtypes)
@example(problem=(dict(C.GEMMA_7B, kv_lora_rank=None, qk_rope_head_dim=64), None), seq_len=5, batch_size=3, dtype="bf16")
@example(problem=(dict(C.PHI_2, qk_rope_head_dim=64), None), seq_len=5, batch_size=3, dtype="bf16")
@example(problem=(dict(C.LLAMA_3_8B, kv_lora_rank=512), None), seq_len=5, batch_size=3, dtype="bf16")
def test_hidden_model_mla_needs_both_keys(sub, ref, problem, seq_len, batch_size, dtype):
    """model_kv_cache_bytes uses MLA only when kv_lora_rank and qk_rope_head_dim are both present and not null."""
    config, _ = problem
    want = ref.model_kv_cache_bytes(config, seq_len, batch_size, dtype)
    call = call_text("model_kv_cache_bytes", config, seq_len, batch_size, dtype)
    assert_bytes(call, sub.model_kv_cache_bytes(config, seq_len, batch_size, dtype), want)


@points(1)
@hidden
@settings(max_examples=50)
@given(problem=any_configs(), layers=st.sampled_from([0, -1, -61]), seq_len=counts(MAX_SEQ), dtype=dtypes)
def test_hidden_model_rejects_non_positive_layers(sub, problem, layers, seq_len, dtype):
    """model_kv_cache_bytes raises ValueError for a config whose num_hidden_layers is zero or negative."""
    config, _ = problem
    config = dict(config, num_hidden_layers=layers)
    call = call_text("model_kv_cache_bytes", config, seq_len, 1, dtype)
    try:
        got = sub.model_kv_cache_bytes(config, seq_len, 1, dtype)
    except ValueError:
        return
    except Exception as exc:
        raise AssertionError(f"{call} raised {type(exc).__name__}: {exc}; it must raise ValueError") from None
    raise AssertionError(f"{call} returned {got!r}; it must raise ValueError")


@st.composite
def budgets(draw, ref, config, batch, dtype):
    weight = draw(st.one_of(st.just(0), st.integers(0, 2**64)))
    if draw(st.booleans()):
        tokens = draw(st.one_of(st.integers(1, 3), sizes))
        memory = weight + ref.model_kv_cache_bytes(config, tokens, batch, dtype) + draw(st.integers(-2, 2))
    else:
        memory = draw(st.one_of(st.integers(-(2**70), 2**100), long_counts))
    return memory, weight


@points(1)
@hidden
@settings(max_examples=50)
@given(
    problem=st.one_of(any_configs(), mla_configs(max_layers=3), odd_mla_configs()),
    batch=st.one_of(counts(MAX_BATCH), sizes),
    dtype=dtypes,
    data=st.data(),
)
@example(
    problem=({"num_hidden_layers": 3, "kv_lora_rank": 5, "qk_rope_head_dim": 2}, None),
    batch=1,
    dtype="int4",
    data=None,
)
def test_hidden_max_seq_len_matches_reference(sub, ref, problem, batch, dtype, data):
    """max_seq_len agrees exactly with the reference, budgets on and around exact fits included."""
    config, _ = problem
    if data is None:
        cases = [(m, 0) for m in range(-2, 40)] + [(10**30 + 1, 0), (2**57 - 1, 0), (2**57 + 2**40, 2**40)]
    else:
        cases = [data.draw(budgets(ref, config, batch, dtype))]
    for memory, weight in cases:
        want = ref.max_seq_len(config, memory, batch, dtype, weight)
        call = call_text("max_seq_len", config, memory, batch, dtype, weight)
        got = sub.max_seq_len(config, memory, batch, dtype, weight)
        assert_int(call, got)
        assert got == want, f"{call} = {got:,}, expected {want:,}"
