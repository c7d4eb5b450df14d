"""Hypothesis strategies and exact oracles for the kv_cache tests.

The oracles are the formulas of the contract in plain Python integers, counting bits so that
int4's half byte needs no fraction: ``bytes = ceil(elements * bits / 8)``. Configs are built
*from* a known architecture (layers, kv heads, head_dim, or the MLA ranks), so the expected
answer is known without parsing the config the way a submission must.

Sizes are kept in two regimes:
- ordinary: every total stays below 2**53, where float arithmetic is still exact, so these
  tests judge the formula and nothing else;
- huge: totals far beyond 2**53 (and 2**63), where only exact integer arithmetic is right.
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import strategies as st
from kv_cache_configs import Config, show_config  # noqa: F401 - show_config: for the tests

BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "fp8": 8, "int8": 8, "int4": 4}
DTYPES = list(BITS)

# Ordinary ranges: 2*L*Hkv*d <= 2**24 elements per token, S*B <= 2**26, 32 bits each:
# at most 2**52 bytes, below 2**53.
MAX_LAYERS = 128
MAX_HEADS = 128
MAX_HEAD_DIM = 512
MAX_LORA_RANK = 2048
MAX_ROPE_DIM = 256
MAX_SEQ = 2**20
MAX_BATCH = 64

UNKNOWN_DTYPES = ["int3", "fp12", "", "bogus", "float128"]
NON_POSITIVE = [0, -1, -128, -(2**70)]


def whole_bytes(elements: int, dtype: str) -> int:
    """``elements`` values of ``dtype``, rounded up to whole bytes (exact)."""
    return -(-(elements * BITS[dtype]) // 8)


def arch_elements_per_token(arch) -> int:
    """Cached elements per position of one sequence, for ("std", L, Hkv, d) or ("mla", L, r, rope)."""
    kind, layers, a, b = arch
    if kind == "std":
        return 2 * layers * a * b
    return layers * (a + b)


def arch_bytes(arch, seq_len: int, batch_size: int, dtype: str) -> int:
    """The exact answer of model_kv_cache_bytes for a config of this architecture."""
    if seq_len <= 0:
        return 0
    return whole_bytes(arch_elements_per_token(arch) * seq_len * batch_size, dtype)


# int4 half the time: its half byte is where rounding mistakes show (an odd element count).
dtypes = st.one_of(st.sampled_from(DTYPES), st.just("int4"))


@functools.lru_cache(maxsize=None)  # strategies are immutable: build each one once
def counts(max_value: int) -> st.SearchStrategy[int]:
    """Positive counts, biased to the edges: 1, small odd numbers, powers of two, the maximum,
    and odd numbers (a product of odd counts is an odd element count: int4's half byte)."""
    return st.one_of(
        st.integers(1, max_value),
        st.sampled_from([1, 2, 3, 7, max_value]),
        st.integers(0, max_value.bit_length() - 1).map(lambda e: 2**e),
        st.integers(0, (max_value - 1) // 2).map(lambda k: 2 * k + 1),
    )


# Half the time an odd number beyond 2**53: every one of its bits counts, so a total built from
# it is one a float cannot hold (a power of two beyond 2**53 would still be exact in a float).
long_counts = st.one_of(st.integers(1, 2**62), st.integers(2**53, 2**62).map(lambda v: v | 1))


NUMPY_INT_TYPES = [np.int64, np.uint64, np.int32, np.uint32, np.int16]
numpy_int_types = st.sampled_from(NUMPY_INT_TYPES)


def as_numpy(value: int, kind) -> np.integer:
    """``value`` as a NumPy integer of type ``kind``, or of int64/uint64 where ``kind`` cannot hold it."""
    for t in (kind, np.int64, np.uint64):
        info = np.iinfo(t)
        if info.min <= value <= info.max:
            return t(value)
    raise ValueError(f"{value} does not fit a NumPy integer")


@st.composite
def numpy_count(draw, value: int):
    """``value`` as a NumPy integer scalar of a dtype that holds it."""
    return as_numpy(value, draw(numpy_int_types))


_KV_MODES = st.sampled_from(["stated", "stated", "absent", "null"])
_HEAD_DIM_MODES = st.sampled_from(["absent", "null", "equal", "different"])
_CONTEXTS = st.sampled_from([2048, 8192, 131072])
_WINDOWS = st.sampled_from([None, 4096])
_ROPE_SCALINGS = st.sampled_from([None, {"factor": 8.0, "rope_type": "llama3"}])
_Q_LORA_RANKS = st.sampled_from([None, 1536])


@st.composite
def standard_configs(draw, max_layers=MAX_LAYERS, max_heads=MAX_HEADS, max_head_dim=MAX_HEAD_DIM):
    """(config, arch) for standard attention, in every way a config.json can say it.

    kv heads: stated, absent (MHA) or null (MHA); head_dim: absent (hidden_size // heads, with
    a hidden_size that need not be a multiple of heads), null, stated and equal, or stated and
    different from hidden_size // heads.
    """
    layers = draw(counts(max_layers))
    heads = draw(counts(max_heads))
    head_dim = draw(counts(max_head_dim))
    config = {
        "model_type": "synthetic",
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
    }
    kv_mode = draw(_KV_MODES)
    if kv_mode == "stated":
        divisors = [k for k in range(1, heads + 1) if heads % k == 0]
        kv_heads = divisors[draw(st.integers(0, len(divisors) - 1))]
        config["num_key_value_heads"] = kv_heads
    else:
        kv_heads = heads
        if kv_mode == "null":
            config["num_key_value_heads"] = None
    hd_mode = draw(_HEAD_DIM_MODES)
    if hd_mode in ("absent", "null"):
        config["hidden_size"] = heads * head_dim + draw(st.integers(0, heads - 1))
        if hd_mode == "null":
            config["head_dim"] = None
    elif hd_mode == "equal":
        config["hidden_size"] = heads * head_dim
        config["head_dim"] = head_dim
    else:
        other = draw(counts(max_head_dim))
        if other == head_dim:
            other = head_dim + 1
        config["hidden_size"] = heads * other
        config["head_dim"] = head_dim
    if draw(st.booleans()):
        config.update(
            {
                "intermediate_size": 4 * config["hidden_size"],
                "max_position_embeddings": draw(_CONTEXTS),
                "sliding_window": draw(_WINDOWS),
                "rope_scaling": draw(_ROPE_SCALINGS),
                "torch_dtype": "bfloat16",
                "vocab_size": 32000,
            }
        )
    return Config(config), ("std", layers, kv_heads, head_dim)


@st.composite
def mla_configs(draw, max_layers=MAX_LAYERS):
    """(config, arch) for multi-head latent attention, with the keys DeepSeek configs carry
    besides (num_key_value_heads, sometimes head_dim), which MLA's cache does not use."""
    layers = draw(counts(max_layers))
    rank = draw(counts(MAX_LORA_RANK))
    rope = draw(counts(MAX_ROPE_DIM))
    heads = draw(counts(MAX_HEADS))
    config = {
        "model_type": "deepseek_v3",
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": heads,
        "hidden_size": heads * draw(counts(MAX_HEAD_DIM)),
        "kv_lora_rank": rank,
        "qk_rope_head_dim": rope,
        "qk_nope_head_dim": 128,
        "v_head_dim": 128,
        "q_lora_rank": draw(_Q_LORA_RANKS),
    }
    if draw(st.booleans()):
        config["head_dim"] = rope  # what recent transformers versions write for DeepSeek-V3
    return Config(config), ("mla", layers, rank, rope)


@st.composite
def odd_mla_configs(draw):
    """MLA configs whose cache holds an odd number of elements per token (odd layers, an odd
    rank + rope): in int4 a token takes a whole number of bytes and a half, so rounding per
    token instead of once over the total shows."""
    config, (_, layers, rank, rope) = draw(mla_configs())
    layers -= 1 - layers % 2  # an even count one down: still >= 1
    if (rank + rope) % 2 == 0:
        rank -= 1 - rank % 2  # rank odd (an even rank is >= 2) ...
        rope += rope % 2      # ... and rope even (an odd rope is < 256)
    config = Config(config, num_hidden_layers=layers, kv_lora_rank=rank, qk_rope_head_dim=rope)
    if "head_dim" in config:
        config["head_dim"] = rope
    return config, ("mla", layers, rank, rope)


def any_configs(**kwargs):
    return st.one_of(standard_configs(**kwargs), mla_configs(max_layers=kwargs.get("max_layers", MAX_LAYERS)))


def with_numpy_values(config: dict, draw) -> dict:
    """A copy of config whose integer values are NumPy integer scalars."""
    out = {}
    for key, value in config.items():
        if type(value) is int:
            value = as_numpy(value, draw(numpy_int_types))
        out[key] = value
    return Config(out)


def int64_config(config: dict) -> dict:
    """A copy of config whose integer values are np.int64 (for explicit examples)."""
    return Config({k: np.int64(v) if type(v) is int else v for k, v in config.items()})


def on_real_configs(argname: str = "problem", **fixed):
    """Decorator: one explicit hypothesis example per published config of kv_cache_configs,
    passed as ``argname=(config, arch)`` together with the fixed arguments. Explicit examples
    always run, so a bug that shows on a real model fails on every seed."""
    from hypothesis import example

    import kv_cache_configs as C

    def decorate(test):
        for _name, config, arch, _bytes in reversed(C.ALL):
            test = example(**{argname: (config, arch)}, **fixed)(test)
        return test

    return decorate
