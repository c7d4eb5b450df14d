"""kv_cache: how much memory attention keeps.

Write the four functions below. Answers are numbers of bytes, returned as Python ints
(not floats, not NumPy integers), computed with exact integer arithmetic: totals for long
contexts and large batches exceed 2**53, where a float can no longer hold every integer, and
even 2**63, where a NumPy int64 wraps around.

Counts (layers, heads, head_dim, seq_len, batch_size, and the numbers in a config) arrive as
Python ints or NumPy integer scalars (np.int32, np.int64, np.uint64, ...). Anything you return
must be a Python int: convert with int(...) first.

Errors: raise ValueError for a dtype that BYTES_PER_ELEMENT does not name, and for a count that
is zero or negative.

Check your work locally with:  ulp check kv_cache kv_cache.py
"""

BYTES_PER_ELEMENT = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, dtype="bf16") -> int:
    """Bytes of the K and V caches of standard attention (MHA, GQA or MQA).

    Every layer stores one key and one value vector of head_dim elements for every kv head,
    every position and every sequence of the batch:

        2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size * BYTES_PER_ELEMENT[dtype]

    Half-byte formats (int4) round the total up to whole bytes.
    ValueError for an unknown dtype or a count <= 0.
    Example: kv_cache_bytes(80, 8, 128, 131072) == 42_949_672_960   (Llama-3-70B, bf16)
    """
    raise NotImplementedError("kv_cache_bytes: not written yet")


def mla_cache_bytes(n_layers, kv_lora_rank, rope_head_dim, seq_len, batch_size=1, dtype="bf16") -> int:
    """Bytes cached by multi-head latent attention (MLA, DeepSeek-V2/V3).

    Per layer and position MLA caches one compressed latent of kv_lora_rank elements plus one
    decoupled RoPE key of rope_head_dim elements (shared by all heads):

        n_layers * (kv_lora_rank + rope_head_dim) * seq_len * batch_size * BYTES_PER_ELEMENT[dtype]

    Half-byte formats (int4) round the total up to whole bytes.
    ValueError for an unknown dtype or a count <= 0.
    """
    raise NotImplementedError("mla_cache_bytes: not written yet")


def model_kv_cache_bytes(config: dict, seq_len, batch_size=1, dtype="bf16") -> int:
    """KV cache bytes of the model described by a Hugging Face config.json dict.

    - num_hidden_layers: the number of layers.
    - With both kv_lora_rank and qk_rope_head_dim present the model uses MLA
      (see mla_cache_bytes).
    - Otherwise standard attention (see kv_cache_bytes) with
        n_kv_heads = num_key_value_heads  (absent -> num_attention_heads: plain MHA)
        head_dim   = head_dim             (absent -> hidden_size // num_attention_heads)
    - A key that is present with the value None (null in JSON) counts as absent.
    - Other keys (sliding_window, rope_scaling, ...) do not change the answer.
    ValueError for an unknown dtype or a count <= 0.
    """
    raise NotImplementedError("model_kv_cache_bytes: not written yet")


def max_seq_len(config: dict, memory_bytes, batch_size=1, dtype="bf16", weight_bytes=0) -> int:
    """The longest context that fits in memory.

    The largest S with  weight_bytes + model_kv_cache_bytes(config, S, batch_size, dtype)
    <= memory_bytes; 0 if not even S = 1 fits (a negative budget included).
    Budgets can be astronomically large (far beyond 2**53): find S by integer division or by
    binary search, never by trying S = 1, 2, 3, ... one at a time.
    ValueError for an unknown dtype or a batch_size <= 0.
    """
    raise NotImplementedError("max_seq_len: not written yet")
