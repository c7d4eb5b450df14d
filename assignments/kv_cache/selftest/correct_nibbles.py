"""A correct kv_cache that counts in half bytes (nibbles) and multiplies in another order;
max_seq_len by exact rational division."""

from fractions import Fraction

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
NIBBLES = {name: int(size * 2) for name, size in BYTES_PER_ELEMENT.items()}  # 0.5 * 2 is exact


def _nibbles(dtype):
    if not isinstance(dtype, str) or dtype not in NIBBLES:
        raise ValueError("dtype must be one of " + ", ".join(NIBBLES))
    return NIBBLES[dtype]


def _ints(*values):
    out = [int(v) for v in values]
    if min(out) <= 0:
        raise ValueError("every count must be at least 1")
    return out


def _round_up_half_bytes(nibbles):
    return (nibbles + 1) // 2


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    per_element = _nibbles(dtype)
    L, H, d, S, B = _ints(n_layers, n_kv_heads, head_dim, seq_len, batch_size)
    tokens = S * B
    return _round_up_half_bytes(per_element * tokens * d * H * L * 2)


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16"):
    per_element = _nibbles(dtype)
    L, r, p, S, B = _ints(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size)
    return _round_up_half_bytes(per_element * (S * B) * (r * L + p * L))


def _per_token(config):
    """Elements cached per position of one sequence."""
    value = lambda key: config[key] if config.get(key) is not None else None  # noqa: E731
    rank, rope = value("kv_lora_rank"), value("qk_rope_head_dim")
    if rank is not None and rope is not None:
        L, r, p = _ints(config["num_hidden_layers"], rank, rope)
        return L * (r + p)
    heads = int(config["num_attention_heads"])
    kv = value("num_key_value_heads")
    hd = value("head_dim")
    if hd is None:
        hd = int(config["hidden_size"]) // heads
    L, H, d = _ints(config["num_hidden_layers"], heads if kv is None else kv, hd)
    return 2 * L * H * d


def model_kv_cache_bytes(config, seq_len, batch_size=1, dtype="bf16"):
    per_element = _nibbles(dtype)
    S, B = _ints(seq_len, batch_size)
    return _round_up_half_bytes(_per_token(config) * S * B * per_element)


def max_seq_len(config, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0):
    per_element = _nibbles(dtype)
    (B,) = _ints(batch_size)
    budget = int(memory_bytes) - int(weight_bytes)
    if budget <= 0:
        return 0
    # cache(S) = ceil(S * q / 2) for q nibbles per token; <= budget  <=>  S <= 2 * budget / q
    per_token_bytes = Fraction(_per_token(config) * B * per_element, 2)
    return int(Fraction(budget) / per_token_bytes) // 1
