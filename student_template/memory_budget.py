"""memory_budget: memory of a model for inference and training, arithmetic intensity, the
roofline, the decode speed limit and the energy of data movement.

Everything is exact: byte counts are Python ints; every other quantity is returned as a tuple
(p, q) of two ints in lowest terms with q >= 1 (e.g. (f.numerator, f.denominator) of a
fractions.Fraction). Read the statement for the exact models, tables and errors.
"""

# The hand part: work these out on paper for YOUR n_params and group size (see the statement).
HAND_INT4_BYTES = None    # int: bytes of your model's weights in "int4" with your group size
HAND_INT4_GIB = None      # float: that in GiB (bytes / 2**30), rounded to 2 decimals
HAND_TRAIN_BYTES = None   # int: bytes of mixed-precision Adam training on 1 GPU
HAND_TRAIN_GB = None      # float: that in GB (bytes / 10**9), rounded to 2 decimals


def weight_bytes(n_params, dtype, group_size=128):
    """Bytes (an int) of n_params weights stored in dtype ("fp32", "fp16", "bf16", "int8",
    "int4"); int8/int4 add 4 bytes (FP16 scale + FP16 zero) per group of group_size weights."""
    raise NotImplementedError


def training_bytes(n_params, optimizer="adam", n_gpus=1, zero_stage=0):
    """Bytes per GPU (an int) of BF16 weights, BF16 gradients and FP32 optimizer state
    ("adam", "sgd_momentum", "sgd") in mixed-precision training with ZeRO stage 0..3."""
    raise NotImplementedError


def matmul_intensity(m, k, n, dtype):
    """FLOPs per byte (p, q) of C = A B with A (m, k), B (k, n): 2mkn / ((mk + kn + mn) size)."""
    raise NotImplementedError


def attention_intensity(phase, batch, seq_len, n_heads, n_kv_heads, head_dim, dtype):
    """FLOPs per byte (p, q) of attention's QK^T and PV, phase "prefill" or "decode"."""
    raise NotImplementedError


def elementwise_intensity(n_inputs, flops_per_element, dtype):
    """FLOPs per byte (p, q) of an elementwise op reading n_inputs tensors and writing one."""
    raise NotImplementedError


def roofline(intensity, device):
    """(attainable FLOP/s as (p, q), ridge point FLOP/byte as (p, q), "compute" or "memory")
    for an intensity (p, q) on device ("h100_sxm", "h200", "a100_sxm", "mi300x")."""
    raise NotImplementedError


def decode_tokens_per_s(n_params, model_bytes, device, batch=1):
    """Upper bound (p, q) on decode tokens/s: min(batch * bw / model_bytes, peak / (2 n_params))."""
    raise NotImplementedError


def energy_pj(counts):
    """Energy (p, q) in pJ of a workload {operation: count}, from the statement's table."""
    raise NotImplementedError
