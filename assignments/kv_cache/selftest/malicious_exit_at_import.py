"""Malicious: exits the worker with status 0 while being imported, hoping the grader counts a
clean exit as a pass."""
import os

os._exit(0)

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    return 2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size * 2
