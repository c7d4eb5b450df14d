"""Every answer wrong, in the right type: each function returns a Python int one byte (or one
token) more than the right answer, and none of them raises for bad input (where raising is the
right answer). It must score zero: no test may give points for the type of an answer alone."""

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
_BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "fp8": 8, "int8": 8, "int4": 4}


def _bits(dtype):
    return _BITS.get(dtype, 16) if isinstance(dtype, str) else 16


def _whole_bytes(elements, dtype):
    return -(-(elements * _bits(dtype)) // 8)


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16") -> int:
    elements = 2 * int(n_layers) * int(n_kv_heads) * int(head_dim) * int(seq_len) * int(batch_size)
    return _whole_bytes(elements, dtype) + 1


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16") -> int:
    elements = int(n_layers) * (int(kv_lora_rank) + int(rope_head_dim)) * int(seq_len) * int(batch_size)
    return _whole_bytes(elements, dtype) + 1


def _get(config, key):
    value = config.get(key)
    return None if value is None else int(value)


def _elements_per_token(config):
    layers = _get(config, "num_hidden_layers") or 1
    rank, rope = _get(config, "kv_lora_rank"), _get(config, "qk_rope_head_dim")
    if rank is not None and rope is not None:
        return layers * (rank + rope)
    heads = _get(config, "num_attention_heads") or 1
    kv_heads = _get(config, "num_key_value_heads") or heads
    head_dim = _get(config, "head_dim") or (_get(config, "hidden_size") or heads) // heads
    return 2 * layers * kv_heads * head_dim


def model_kv_cache_bytes(config: dict, seq_len, batch_size=1, dtype="bf16") -> int:
    elements = _elements_per_token(config) * int(seq_len) * int(batch_size)
    return _whole_bytes(elements, dtype) + 1


def max_seq_len(config: dict, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0) -> int:
    bits_per_token = max(1, abs(_elements_per_token(config) * int(batch_size) * _bits(dtype)))
    available = int(memory_bytes) - int(weight_bytes)
    return max(0, 8 * available // bits_per_token) + 1
