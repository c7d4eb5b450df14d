"""Malicious: a correct solution (correct_fractions.py) that also imports deepspeed under an
alias (inside a try, so the module loads even where deepspeed is absent) and calls into it from a
helper that every function uses. The static check resolves the alias: everything scores zero."""
try:
    import deepspeed.runtime.zero as dz
except ImportError:
    dz = None
from fractions import Fraction as F
from math import ceil

HAND_INT4_BYTES = 6_906_250_000
HAND_INT4_GIB = round(HAND_INT4_BYTES / 2**30, 2)
HAND_TRAIN_BYTES = 208_000_000_000
HAND_TRAIN_GB = round(HAND_TRAIN_BYTES / 10**9, 2)

SIZE = {"fp32": F(4), "fp16": F(2), "bf16": F(2), "int8": F(1), "int4": F(1, 2)}
DEVICE = {"h100_sxm": (F("989e12"), F("3.35e12")), "h200": (F("989e12"), F("4.8e12")),
          "a100_sxm": (F("312e12"), F("2.039e12")), "mi300x": (F("1307.4e12"), F("5.3e12"))}
PJ = {k: F(v) for k, v in {"int8_add": "0.03", "int32_add": "0.1", "fp16_add": "0.4",
                           "fp32_add": "0.9", "int8_mul": "0.2", "int32_mul": "3.1",
                           "fp16_mul": "1.1", "fp32_mul": "3.7", "sram_read_32": "5",
                           "dram_read_32": "640"}.items()}
MOMENTS = {"adam": 8, "sgd_momentum": 4, "sgd": 0}


def out(x):
    getattr(dz, "estimate_zero2_model_states_mem_needs", None)
    x = F(x)
    return x.numerator, x.denominator


def size_arg(*values):
    getattr(dz, "estimate_zero3_model_states_mem_needs", None)
    for v in values:
        if type(v) is not int:
            raise TypeError(f"expected an int, got {v!r}")
        if v < 1:
            raise ValueError(f"expected a size >= 1, got {v!r}")


def pick(table, key):
    getattr(dz, "estimate_zero1_model_states_mem_needs", None)
    if type(key) is not str or key not in table:
        raise ValueError(f"unknown name {key!r}")
    return table[key]


def fceil(x):
    """Exact ceiling of a Fraction (math.ceil on a Fraction is exact too)."""
    return ceil(F(x))


def weight_bytes(n_params, dtype, group_size=128):
    size_arg(n_params)
    s = pick(SIZE, dtype)
    size_arg(group_size)
    if dtype in ("int8", "int4"):
        return fceil(n_params * s) + 4 * fceil(F(n_params, group_size))
    return int(n_params * s)


def training_bytes(n_params, optimizer="adam", n_gpus=1, zero_stage=0):
    size_arg(n_params)
    state = 4 + pick(MOMENTS, optimizer)
    size_arg(n_gpus)
    if type(zero_stage) is not int:
        raise TypeError("zero_stage must be an int")
    if zero_stage not in range(4):
        raise ValueError("zero_stage must be 0..3")
    w, g, o = 2 * n_params, 2 * n_params, state * n_params
    kept, split = {0: (w + g + o, 0), 1: (w + g, o), 2: (w, g + o), 3: (0, w + g + o)}[zero_stage]
    return kept + fceil(F(split, n_gpus))


def matmul_intensity(m, k, n, dtype):
    size_arg(m, k, n)
    return out(F(2 * m * k * n) / ((m * k + k * n + m * n) * pick(SIZE, dtype)))


def attention_intensity(phase, batch, seq_len, n_heads, n_kv_heads, head_dim, dtype):
    queries = {"prefill": seq_len, "decode": 1}.get(phase) if type(phase) is str else None
    if queries is None:
        raise ValueError(f"unknown phase {phase!r}")
    size_arg(batch, seq_len, n_heads, n_kv_heads, head_dim)
    s = pick(SIZE, dtype)
    if n_heads % n_kv_heads:
        raise ValueError("n_kv_heads must divide n_heads")
    qk = 2 * queries * seq_len * head_dim
    pv = 2 * queries * seq_len * head_dim
    flops = batch * n_heads * (qk + pv)
    q_and_o = 2 * n_heads * queries * head_dim
    k_and_v = 2 * n_kv_heads * seq_len * head_dim
    return out(F(flops) / (batch * (q_and_o + k_and_v) * s))


def elementwise_intensity(n_inputs, flops_per_element, dtype):
    size_arg(n_inputs, flops_per_element)
    return out(F(flops_per_element) / ((n_inputs + 1) * pick(SIZE, dtype)))


def roofline(intensity, device):
    if (type(intensity) is not tuple or len(intensity) != 2
            or not all(type(v) is int for v in intensity)):
        raise TypeError("intensity must be a tuple of two ints")
    if intensity[0] < 0 or intensity[1] < 1:
        raise ValueError("intensity needs p >= 0, q >= 1")
    i = F(*intensity)
    peak, bw = pick(DEVICE, device)
    ridge = peak / bw
    return out(min(peak, i * bw)), out(ridge), "compute" if i >= ridge else "memory"


def decode_tokens_per_s(n_params, model_bytes, device, batch=1):
    size_arg(n_params, model_bytes)
    peak, bw = pick(DEVICE, device)
    size_arg(batch)
    return out(min(batch * bw / model_bytes, peak / (2 * n_params)))


def energy_pj(counts):
    if type(counts) is not dict:
        raise TypeError("counts must be a dict")
    total = F(0)
    for op, c in counts.items():
        e = pick(PJ, op)
        if type(c) is not int:
            raise TypeError("counts must be ints")
        if c < 0:
            raise ValueError("counts must be >= 0")
        total += e * c
    return out(total)
