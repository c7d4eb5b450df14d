"""A correct kv_cache using fractions.Fraction for the bytes per element, and a binary search
for max_seq_len that calls model_kv_cache_bytes itself."""

import math
import operator
from fractions import Fraction

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}


def _size(dtype):
    try:
        return Fraction(BYTES_PER_ELEMENT[dtype])  # Fraction(0.5) == 1/2 exactly
    except (KeyError, TypeError):
        raise ValueError(f"unknown dtype {dtype!r}") from None


def _count(value):
    n = operator.index(value)
    if n <= 0:
        raise ValueError(f"counts must be positive, got {n}")
    return int(n)


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    size = _size(dtype)
    counts = [_count(v) for v in (n_layers, n_kv_heads, head_dim, seq_len, batch_size)]
    return math.ceil(2 * math.prod(counts) * size)


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16"):
    size = _size(dtype)
    layers, rank, rope, seq, batch = (_count(v) for v in (n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size))
    return math.ceil(Fraction(layers * (rank + rope) * seq * batch) * size)


def model_kv_cache_bytes(config, seq_len, batch_size=1, dtype="bf16"):
    layers = config["num_hidden_layers"]
    if config.get("kv_lora_rank") is not None and config.get("qk_rope_head_dim") is not None:
        return mla_cache_bytes(layers, config["kv_lora_rank"], config["qk_rope_head_dim"], seq_len, batch_size, dtype)
    heads = _count(config["num_attention_heads"])
    kv_heads = config.get("num_key_value_heads")
    if kv_heads is None:
        kv_heads = heads
    head_dim = config.get("head_dim")
    if head_dim is None:
        head_dim = operator.index(config["hidden_size"]) // heads
    return kv_cache_bytes(layers, kv_heads, head_dim, seq_len, batch_size, dtype)


def max_seq_len(config, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0):
    _size(dtype)
    _count(batch_size)
    budget = operator.index(memory_bytes) - operator.index(weight_bytes)

    def fits(s):
        return model_kv_cache_bytes(config, s, batch_size, dtype) <= budget

    if budget <= 0 or not fits(1):
        return 0
    lo, hi = 1, 2  # fits(lo) holds; grow hi until it does not
    while fits(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return int(lo)
