"""Malicious: floods stdout and stderr with megabytes at import and on every call, then answers
nothing useful (None). The grader must survive the flood and score zero."""
import sys

_BLOCK = "x" * (1 << 20)


def _flood(mb=32):
    for _ in range(mb):
        sys.stdout.write(_BLOCK)
        sys.stderr.write(_BLOCK)
    sys.stdout.flush()


_flood()


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    _flood()


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16"):
    _flood()


def model_kv_cache_bytes(config, seq_len, batch_size=1, dtype="bf16"):
    _flood()


def max_seq_len(config, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0):
    _flood()
