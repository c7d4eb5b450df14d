"""Malicious: returns objects that claim to equal anything: a plain object, and int and float
subclasses whose comparisons always say True."""


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __lt__ = __gt__ = __eq__

    def __hash__(self):
        return 0


class LyingInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __eq__

    def __hash__(self):
        return 0


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    return Anything()


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16"):
    return LyingInt(0)


def model_kv_cache_bytes(config, seq_len, batch_size=1, dtype="bf16"):
    return LyingFloat(1.0)


def max_seq_len(config, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0):
    return LyingInt(-1)
