"""Reference solution of memory_budget: memory of a model for inference and training, the
roofline (arithmetic intensity, attainable throughput, decode speed) and the energy of data
movement. Everything is exact: Python ints, and rationals as (numerator, denominator) pairs.
"""

from fractions import Fraction

# The hand part (the class's default values: 13 000 000 000 parameters, group size 128).
HAND_INT4_BYTES = 6_906_250_000
HAND_INT4_GIB = 6.43
HAND_TRAIN_BYTES = 208_000_000_000
HAND_TRAIN_GB = 208.0

# bytes per element
DTYPE_BYTES = {"fp32": Fraction(4), "fp16": Fraction(2), "bf16": Fraction(2),
               "int8": Fraction(1), "int4": Fraction(1, 2)}
GROUP_META_BYTES = 4          # one FP16 scale + one FP16 zero point per group

# bytes per parameter of the optimizer state that ZeRO stage 1 shards: FP32 master + states
OPTIMIZER_STATE_BYTES = {"adam": 12, "sgd_momentum": 8, "sgd": 4}
WEIGHT_BYTES_TRAIN = 2        # BF16 weights
GRAD_BYTES_TRAIN = 2          # BF16 gradients

# dense BF16 peak (FLOP/s) and memory bandwidth (bytes/s)
DEVICES = {
    "h100_sxm": (989 * 10**12, 3_350 * 10**9),
    "h200": (989 * 10**12, 4_800 * 10**9),
    "a100_sxm": (312 * 10**12, 2_039 * 10**9),
    "mi300x": (1_307_400 * 10**9, 5_300 * 10**9),
}

# Horowitz, ISSCC 2014, 45 nm: energy in pJ
ENERGY_PJ = {
    "int8_add": Fraction("0.03"), "int32_add": Fraction("0.1"),
    "fp16_add": Fraction("0.4"), "fp32_add": Fraction("0.9"),
    "int8_mul": Fraction("0.2"), "int32_mul": Fraction("3.1"),
    "fp16_mul": Fraction("1.1"), "fp32_mul": Fraction("3.7"),
    "sram_read_32": Fraction(5), "dram_read_32": Fraction(640),
}


def _size(x, name, minimum=1):
    if type(x) is not int:
        raise TypeError(f"{name} must be an int, got {type(x).__name__}")
    if x < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {x}")
    return x


def _lookup(table, key, what):
    if not isinstance(key, str) or key not in table:
        raise ValueError(f"unknown {what} {key!r}; expected one of {sorted(table)}")
    return table[key]


def _pair(q):
    q = Fraction(q)
    return (q.numerator, q.denominator)


def _ceil_div(a, b):
    return -(-a // b)


def weight_bytes(n_params, dtype, group_size=128):
    """Bytes of the weights of a model with n_params parameters stored in dtype (an int)."""
    _size(n_params, "n_params")
    size = _lookup(DTYPE_BYTES, dtype, "dtype")
    _size(group_size, "group_size")
    if dtype in ("int8", "int4"):
        data = _ceil_div(n_params * size.numerator, size.denominator)
        return data + GROUP_META_BYTES * _ceil_div(n_params, group_size)
    return n_params * int(size)


def training_bytes(n_params, optimizer="adam", n_gpus=1, zero_stage=0):
    """Bytes per GPU of weights, gradients and optimizer state in mixed-precision training."""
    _size(n_params, "n_params")
    state = _lookup(OPTIMIZER_STATE_BYTES, optimizer, "optimizer")
    _size(n_gpus, "n_gpus")
    if type(zero_stage) is not int:
        raise TypeError(f"zero_stage must be an int, got {type(zero_stage).__name__}")
    if zero_stage not in (0, 1, 2, 3):
        raise ValueError(f"zero_stage must be 0, 1, 2 or 3, got {zero_stage}")
    parts = [WEIGHT_BYTES_TRAIN, GRAD_BYTES_TRAIN, state]     # in the order ZeRO shards them
    sharded = {0: [], 1: [2], 2: [1, 2], 3: [0, 1, 2]}[zero_stage]
    replicated = sum(parts[i] for i in range(3) if i not in sharded) * n_params
    split = sum(parts[i] for i in sharded) * n_params
    return replicated + _ceil_div(split, n_gpus)


def matmul_intensity(m, k, n, dtype):
    """FLOPs per byte of C = A B, A (m, k), B (k, n): 2mkn / ((mk + kn + mn) * size)."""
    for value, name in ((m, "m"), (k, "k"), (n, "n")):
        _size(value, name)
    size = _lookup(DTYPE_BYTES, dtype, "dtype")
    flops = 2 * m * k * n
    moved = (m * k + k * n + m * n) * size
    return _pair(flops / moved)


def attention_intensity(phase, batch, seq_len, n_heads, n_kv_heads, head_dim, dtype):
    """FLOPs per byte of one attention layer's QK^T and PV (prefill or one decode step)."""
    if phase not in ("prefill", "decode") or not isinstance(phase, str):
        raise ValueError(f"unknown phase {phase!r}")
    for value, name in ((batch, "batch"), (seq_len, "seq_len"), (n_heads, "n_heads"),
                        (n_kv_heads, "n_kv_heads"), (head_dim, "head_dim")):
        _size(value, name)
    size = _lookup(DTYPE_BYTES, dtype, "dtype")
    if n_heads % n_kv_heads:
        raise ValueError(f"n_kv_heads = {n_kv_heads} does not divide n_heads = {n_heads}")
    queries = seq_len if phase == "prefill" else 1
    flops = 4 * batch * n_heads * queries * seq_len * head_dim
    elements = batch * head_dim * (2 * n_heads * queries + 2 * n_kv_heads * seq_len)
    return _pair(flops / (elements * size))


def elementwise_intensity(n_inputs, flops_per_element, dtype):
    """FLOPs per byte of an elementwise op reading n_inputs tensors and writing one."""
    _size(n_inputs, "n_inputs")
    _size(flops_per_element, "flops_per_element")
    size = _lookup(DTYPE_BYTES, dtype, "dtype")
    return _pair(flops_per_element / ((n_inputs + 1) * size))


def _rational(x, name):
    if (type(x) is not tuple or len(x) != 2 or type(x[0]) is not int
            or type(x[1]) is not int):
        raise TypeError(f"{name} must be a tuple (p, q) of two ints, got {x!r}")
    if x[0] < 0 or x[1] < 1:
        raise ValueError(f"{name} = {x!r}: need p >= 0 and q >= 1")
    return Fraction(x[0], x[1])


def roofline(intensity, device):
    """(attainable FLOP/s, ridge point FLOP/byte, "compute" or "memory") on device."""
    i = _rational(intensity, "intensity")
    peak, bandwidth = _lookup(DEVICES, device, "device")
    ridge = Fraction(peak, bandwidth)
    attainable = min(Fraction(peak), i * bandwidth)
    bound = "compute" if i >= ridge else "memory"
    return _pair(attainable), _pair(ridge), bound


def decode_tokens_per_s(n_params, model_bytes, device, batch=1):
    """Upper bound on tokens/s when decoding: min(batch * bw / model_bytes, peak / (2 n))."""
    _size(n_params, "n_params")
    _size(model_bytes, "model_bytes")
    peak, bandwidth = _lookup(DEVICES, device, "device")
    _size(batch, "batch")
    memory = Fraction(batch * bandwidth, model_bytes)
    compute = Fraction(peak, 2 * n_params)
    return _pair(min(memory, compute))


def energy_pj(counts):
    """Energy in pJ of a workload given as {operation: count}, from the Horowitz table."""
    if type(counts) is not dict:
        raise TypeError(f"counts must be a dict, got {type(counts).__name__}")
    total = Fraction(0)
    for op, count in counts.items():
        per_op = _lookup(ENERGY_PJ, op, "operation")
        _size(count, f"count of {op}", minimum=0)
        total += per_op * count
    return _pair(total)
