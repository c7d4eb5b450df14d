"""Reference solution for ``kv_cache``: how much memory attention keeps.

During autoregressive decoding a transformer keeps, for every layer, the keys and values of
every position it has seen so far (the *KV cache*), so that each new token attends to them
without recomputing them. This module counts those bytes exactly.

Everything here is exact integer arithmetic. Totals for long contexts and large batches exceed
2**53 (where a float stops holding every integer) and even 2**63 (where a NumPy ``int64``
wraps), so every count is converted to a Python ``int`` first (``operator.index`` accepts
Python and NumPy integers alike and rejects floats), and the one fractional size, half a byte
for ``int4``, is handled by counting *bits* and rounding the total up to whole bytes once.

The contract is the statement, assignments/kv_cache/statement.md.j2.
"""

from __future__ import annotations

import operator
from fractions import Fraction

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}


def _bits_per_element(dtype) -> int:
    """Bits per stored element of ``dtype``; ValueError for a dtype the table does not name."""
    if not isinstance(dtype, str) or dtype not in BYTES_PER_ELEMENT:
        known = ", ".join(sorted(BYTES_PER_ELEMENT))
        raise ValueError(f"unknown dtype {dtype!r}: expected one of {known}")
    bits = Fraction(BYTES_PER_ELEMENT[dtype]) * 8  # Fraction(0.5) is exactly 1/2
    assert bits.denominator == 1
    return int(bits)


def _count(name: str, value) -> int:
    """``value`` as a Python int, which must be positive (ValueError otherwise)."""
    try:
        n = operator.index(value)  # int, bool and NumPy integer scalars; not float
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    n = int(n)  # operator.index of an int subclass may return the subclass
    if n <= 0:
        raise ValueError(f"{name} must be a positive integer, got {n}")
    return n


def _integer(name: str, value) -> int:
    """``value`` as a Python int of any sign (a byte budget)."""
    try:
        return int(operator.index(value))
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None


def _whole_bytes(elements: int, bits: int) -> int:
    """``elements`` values of ``bits`` bits each, rounded up to whole bytes."""
    return -(-(elements * bits) // 8)


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16") -> int:
    """Bytes of the K and V caches of standard (MHA/GQA/MQA) attention.

    Every layer stores a key and a value vector of ``head_dim`` elements per kv head, per
    position and per sequence of the batch: ``2 * L * Hkv * d * S * B`` elements.
    """
    bits = _bits_per_element(dtype)
    elements = (
        2
        * _count("n_layers", n_layers)
        * _count("n_kv_heads", n_kv_heads)
        * _count("head_dim", head_dim)
        * _count("seq_len", seq_len)
        * _count("batch_size", batch_size)
    )
    return _whole_bytes(elements, bits)


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16") -> int:
    """Bytes cached by multi-head latent attention (DeepSeek-V2/V3).

    MLA caches, per layer and position, one compressed latent of ``kv_lora_rank`` elements
    (keys and values of all heads are re-expanded from it) plus one decoupled RoPE key of
    ``rope_head_dim`` elements shared by the heads: ``L * (r + rope) * S * B`` elements.
    """
    bits = _bits_per_element(dtype)
    elements = (
        _count("n_layers", n_layers)
        * (_count("kv_lora_rank", kv_lora_rank) + _count("rope_head_dim", rope_head_dim))
        * _count("seq_len", seq_len)
        * _count("batch_size", batch_size)
    )
    return _whole_bytes(elements, bits)


def _present(config: dict, key: str) -> bool:
    """A key counts only when it is present and not null."""
    return config.get(key) is not None


def _required(config: dict, key: str):
    if not _present(config, key):
        raise ValueError(f"config has no {key!r}")
    return config[key]


def _elements_per_token(config: dict) -> int:
    """Cached elements per position of one sequence, for a Hugging Face config dict."""
    n_layers = _count("num_hidden_layers", _required(config, "num_hidden_layers"))
    if _present(config, "kv_lora_rank") and _present(config, "qk_rope_head_dim"):
        rank = _count("kv_lora_rank", config["kv_lora_rank"])
        rope = _count("qk_rope_head_dim", config["qk_rope_head_dim"])
        return n_layers * (rank + rope)
    n_heads = _count("num_attention_heads", _required(config, "num_attention_heads"))
    if _present(config, "num_key_value_heads"):
        n_kv_heads = _count("num_key_value_heads", config["num_key_value_heads"])
    else:
        n_kv_heads = n_heads  # plain multi-head attention
    if _present(config, "head_dim"):
        head_dim = _count("head_dim", config["head_dim"])
    else:
        hidden = _integer("hidden_size", _required(config, "hidden_size"))
        head_dim = _count("head_dim (hidden_size // num_attention_heads)", hidden // n_heads)
    return 2 * n_layers * n_kv_heads * head_dim


def model_kv_cache_bytes(config: dict, seq_len, batch_size=1, dtype="bf16") -> int:
    """KV cache bytes of the model a Hugging Face ``config.json`` dict describes.

    With ``kv_lora_rank`` and ``qk_rope_head_dim`` present the model uses MLA; otherwise
    ``num_key_value_heads`` (absent -> ``num_attention_heads``) and ``head_dim`` (absent ->
    ``hidden_size // num_attention_heads``) give the standard formula. Null means absent.
    """
    bits = _bits_per_element(dtype)
    per_token = _elements_per_token(config)
    elements = per_token * _count("seq_len", seq_len) * _count("batch_size", batch_size)
    return _whole_bytes(elements, bits)


def max_seq_len(config: dict, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0) -> int:
    """The longest context that fits: the largest S with weight + cache(S) <= memory; 0 if none.

    With b the bits one position costs (all layers, the whole batch), cache(S) = ceil(S*b/8).
    For an integer budget n = memory - weight, ceil(S*b/8) <= n  <=>  S*b/8 <= n  <=>
    S <= 8n/b, so the answer is floor(8n/b), clamped at 0 for a budget that holds no token.
    """
    bits = _bits_per_element(dtype)
    batch = _count("batch_size", batch_size)
    bits_per_token = _elements_per_token(config) * batch * bits
    available = _integer("memory_bytes", memory_bytes) - _integer("weight_bytes", weight_bytes)
    if available <= 0:
        return 0
    return (8 * available) // bits_per_token
