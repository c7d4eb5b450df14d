"""Buggy: max_seq_len is a placeholder that always returns 0 (the other functions are right).

0 is the right answer whenever not even one token fits, so this sample checks that no
max_seq_len test can be passed by a constant."""

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "fp8": 8, "int8": 8, "int4": 4}


def _bits(dtype):
    if dtype not in BITS:
        raise ValueError(f"unknown dtype {dtype!r}")
    return BITS[dtype]


def _positive(name, value):
    value = int(value)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def _to_bytes(elements, dtype):
    return -(-elements * _bits(dtype) // 8)


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    _bits(dtype)
    elements = (2 * _positive("n_layers", n_layers) * _positive("n_kv_heads", n_kv_heads)
                * _positive("head_dim", head_dim) * _positive("seq_len", seq_len)
                * _positive("batch_size", batch_size))
    return _to_bytes(elements, dtype)


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16"):
    _bits(dtype)
    per_layer = _positive("kv_lora_rank", kv_lora_rank) + _positive("rope_head_dim", rope_head_dim)
    elements = (_positive("n_layers", n_layers) * per_layer * _positive("seq_len", seq_len)
                * _positive("batch_size", batch_size))
    return _to_bytes(elements, dtype)


def _get(config, key):
    return config.get(key)  # None when absent or null


def _elements_per_token(config):
    layers = _positive("num_hidden_layers", config["num_hidden_layers"])
    rank, rope = _get(config, "kv_lora_rank"), _get(config, "qk_rope_head_dim")
    if rank is not None and rope is not None:
        return layers * (_positive("kv_lora_rank", rank) + _positive("qk_rope_head_dim", rope))
    heads = _positive("num_attention_heads", config["num_attention_heads"])
    kv_heads = _get(config, "num_key_value_heads")
    kv_heads = heads if kv_heads is None else _positive("num_key_value_heads", kv_heads)
    head_dim = _get(config, "head_dim")
    if head_dim is None:
        head_dim = int(config["hidden_size"]) // heads
    return 2 * layers * kv_heads * _positive("head_dim", head_dim)


def model_kv_cache_bytes(config, seq_len, batch_size=1, dtype="bf16"):
    _bits(dtype)
    per_token = _elements_per_token(config)
    return _to_bytes(per_token * _positive("seq_len", seq_len) * _positive("batch_size", batch_size), dtype)


def max_seq_len(config, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0):
    return 0  # TODO: the largest S with weight_bytes + cache(S) <= memory_bytes
