"""Correct, in the style of a small rational-arithmetic kit on (p, q) pairs with math.gcd,
energies parsed from the table's decimal strings by hand, and a bytes-per-element table in bits."""
import math

HAND_INT4_BYTES = 6906250000
HAND_INT4_GIB = 6.43
HAND_TRAIN_BYTES = 208000000000
HAND_TRAIN_GB = 208

BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}
TABLE = """int8_add 0.03 int32_add 0.1 fp16_add 0.4 fp32_add 0.9 int8_mul 0.2 int32_mul 3.1
fp16_mul 1.1 fp32_mul 3.7 sram_read_32 5 dram_read_32 640""".split()
DEVICES = {"h100_sxm": ("989e12", "3.35e12"), "h200": ("989e12", "4.8e12"),
           "a100_sxm": ("312e12", "2.039e12"), "mi300x": ("1307.4e12", "5.3e12")}


def parse(text):
    """'3.35e12' or '0.03' -> a reduced pair, by hand."""
    mant, _, exp = text.partition("e")
    whole, _, frac = mant.partition(".")
    p, e = int(whole + frac), int(exp or 0) - len(frac)
    return red(p * 10**e, 1) if e >= 0 else red(p, 10**-e)


def red(p, q):
    g = math.gcd(p, q)
    return (p // g, q // g)


def mul(a, b):
    return red(a[0] * b[0], a[1] * b[1])


def div(a, b):
    return red(a[0] * b[1], a[1] * b[0])


def add(a, b):
    return red(a[0] * b[1] + b[0] * a[1], a[1] * b[1])


def less(a, b):
    return a[0] * b[1] < b[0] * a[1]


PJ = {TABLE[i]: parse(TABLE[i + 1]) for i in range(0, len(TABLE), 2)}
DEV = {k: (parse(a), parse(b)) for k, (a, b) in DEVICES.items()}


def check_sizes(**sizes):
    for name, v in sizes.items():
        if type(v) != int:
            raise TypeError(f"{name} must be an int")
        if v <= 0:
            raise ValueError(f"{name} must be positive")


def known(table, key, what):
    if key.__class__ is not str or key not in table:
        raise ValueError(f"unknown {what}: {key!r}")
    return table[key]


def weight_bytes(n_params, dtype, group_size=128):
    check_sizes(n_params=n_params)
    bits = known(BITS, dtype, "dtype")
    check_sizes(group_size=group_size)
    code_bytes = -(-n_params * bits // 8)
    if dtype[:3] == "int":
        return code_bytes + 4 * -(-n_params // group_size)
    return code_bytes


def training_bytes(n_params, optimizer="adam", n_gpus=1, zero_stage=0):
    check_sizes(n_params=n_params)
    moments = known({"adam": 2, "sgd_momentum": 1, "sgd": 0}, optimizer, "optimizer")
    check_sizes(n_gpus=n_gpus)
    if type(zero_stage) != int:
        raise TypeError("zero_stage must be an int")
    if not 0 <= zero_stage <= 3:
        raise ValueError("zero_stage must be 0..3")
    components = [2, 2, 4 + 4 * moments]          # weights, grads, optimizer state
    total = 0
    split = 0
    for i, c in enumerate(components):
        if i >= 3 - zero_stage:
            split += c * n_params
        else:
            total += c * n_params
    return total + -(-split // n_gpus)


def matmul_intensity(m, k, n, dtype):
    check_sizes(m=m, k=k, n=n)
    bits = known(BITS, dtype, "dtype")
    return red(2 * m * k * n * 8, (m * k + k * n + m * n) * bits)


def attention_intensity(phase, batch, seq_len, n_heads, n_kv_heads, head_dim, dtype):
    if phase not in ["prefill", "decode"] or phase.__class__ is not str:
        raise ValueError(f"unknown phase {phase!r}")
    check_sizes(batch=batch, seq_len=seq_len, n_heads=n_heads, n_kv_heads=n_kv_heads,
                head_dim=head_dim)
    bits = known(BITS, dtype, "dtype")
    if n_heads % n_kv_heads:
        raise ValueError("n_kv_heads does not divide n_heads")
    if phase == "prefill":
        flops = 4 * batch * n_heads * seq_len * seq_len * head_dim
        elements = batch * (2 * n_heads * seq_len * head_dim + 2 * n_kv_heads * seq_len * head_dim)
    else:
        flops = 4 * batch * n_heads * seq_len * head_dim
        elements = batch * (2 * n_heads * head_dim + 2 * n_kv_heads * seq_len * head_dim)
    return red(flops * 8, elements * bits)


def elementwise_intensity(n_inputs, flops_per_element, dtype):
    check_sizes(n_inputs=n_inputs, flops_per_element=flops_per_element)
    return red(flops_per_element * 8, (n_inputs + 1) * known(BITS, dtype, "dtype"))


def roofline(intensity, device):
    ok = type(intensity) == tuple and len(intensity) == 2
    if not ok or type(intensity[0]) != int or type(intensity[1]) != int:
        raise TypeError("intensity must be (p, q), two ints")
    if intensity[0] < 0 or intensity[1] < 1:
        raise ValueError("intensity: p >= 0 and q >= 1")
    i = red(*intensity)
    peak, bw = known(DEV, device, "device")
    ridge = div(peak, bw)
    mem = mul(i, bw)
    attainable = mem if less(mem, peak) else peak
    return attainable, ridge, "memory" if less(i, ridge) else "compute"


def decode_tokens_per_s(n_params, model_bytes, device, batch=1):
    check_sizes(n_params=n_params, model_bytes=model_bytes)
    peak, bw = known(DEV, device, "device")
    check_sizes(batch=batch)
    memory = div(mul((batch, 1), bw), (model_bytes, 1))
    compute = div(peak, (2 * n_params, 1))
    return memory if less(memory, compute) else compute


def energy_pj(counts):
    if type(counts) != dict:
        raise TypeError("counts must be a dict")
    total = (0, 1)
    for op, c in counts.items():
        e = known(PJ, op, "operation")
        check_sizes(**{"count": c + 1}) if type(c) == int else check_sizes(count=c)
        total = add(total, mul(e, (c, 1)))
    return total
