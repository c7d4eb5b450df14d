"""Malicious: kv_cache_bytes spins forever on the CPU and mla_cache_bytes sleeps forever (the
per-call timeout must stop both); the other functions are not written."""
import time


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16"):
    x = 0
    while True:
        x += 1


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16"):
    while True:
        time.sleep(0.5)


def model_kv_cache_bytes(config, seq_len, batch_size=1, dtype="bf16"):
    raise NotImplementedError


def max_seq_len(config, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0):
    raise NotImplementedError
