"""Correct, pure integer arithmetic: no fractions module; sizes in half-bytes, energies in
hundredths of a pJ, rationals reduced with a hand-written Euclid."""

HAND_INT4_BYTES = 6500000000 + 4 * 101562500
HAND_INT4_GIB = 6.43
HAND_TRAIN_BYTES = 16 * 13000000000
HAND_TRAIN_GB = 208.0

HALF = {"fp32": 8, "fp16": 4, "bf16": 4, "int8": 2, "int4": 1}
STATE = {"adam": 12, "sgd_momentum": 8, "sgd": 4}
# (peak, bandwidth) in units of 10**9 FLOP/s and 10**9 bytes/s
DEV = {"h100_sxm": (989000, 3350), "h200": (989000, 4800), "a100_sxm": (312000, 2039),
       "mi300x": (1307400, 5300)}
CENTI_PJ = {"int8_add": 3, "int32_add": 10, "fp16_add": 40, "fp32_add": 90, "int8_mul": 20,
            "int32_mul": 310, "fp16_mul": 110, "fp32_mul": 370, "sram_read_32": 500,
            "dram_read_32": 64000}


def _euclid(a, b):
    while b:
        a, b = b, a % b
    return a


def _frac(p, q):
    g = _euclid(p, q)
    return (p // g, q // g)


def _int(x, name, low=1):
    if not isinstance(x, int) or isinstance(x, bool):
        raise TypeError(name)
    if x < low:
        raise ValueError(name)
    return x


def _name(x, table):
    if not isinstance(x, str) or x not in table:
        raise ValueError(repr(x))
    return table[x]


def weight_bytes(n_params, dtype, group_size=128):
    _int(n_params, "n_params")
    h = _name(dtype, HALF)
    _int(group_size, "group_size")
    if dtype.startswith("int"):
        return (n_params * h + 1) // 2 + 4 * ((n_params + group_size - 1) // group_size)
    return n_params * h // 2


def training_bytes(n_params, optimizer="adam", n_gpus=1, zero_stage=0):
    _int(n_params, "n_params")
    k = _name(optimizer, STATE)
    _int(n_gpus, "n_gpus")
    if not isinstance(zero_stage, int) or isinstance(zero_stage, bool):
        raise TypeError("zero_stage")
    if zero_stage < 0 or zero_stage > 3:
        raise ValueError("zero_stage")
    per_param = [2, 2, k]
    keep = sum(per_param[: 3 - zero_stage])
    split = sum(per_param) - keep
    return keep * n_params + (split * n_params + n_gpus - 1) // n_gpus


def matmul_intensity(m, k, n, dtype):
    _int(m, "m"), _int(k, "k"), _int(n, "n")
    h = _name(dtype, HALF)
    return _frac(4 * m * k * n, (m * k + k * n + m * n) * h)


def attention_intensity(phase, batch, seq_len, n_heads, n_kv_heads, head_dim, dtype):
    if phase != "prefill" and phase != "decode":
        raise ValueError("phase")
    for v in (batch, seq_len, n_heads, n_kv_heads, head_dim):
        _int(v, "size")
    h = _name(dtype, HALF)
    if n_heads % n_kv_heads != 0:
        raise ValueError("n_kv_heads must divide n_heads")
    q = seq_len if phase == "prefill" else 1
    flops = 4 * batch * n_heads * q * seq_len * head_dim
    elems = 2 * batch * head_dim * (n_heads * q + n_kv_heads * seq_len)
    return _frac(2 * flops, elems * h)


def elementwise_intensity(n_inputs, flops_per_element, dtype):
    _int(n_inputs, "n_inputs"), _int(flops_per_element, "flops_per_element")
    return _frac(2 * flops_per_element, (n_inputs + 1) * _name(dtype, HALF))


def roofline(intensity, device):
    if not isinstance(intensity, tuple) or len(intensity) != 2:
        raise TypeError("intensity")
    p, q = intensity
    for v in (p, q):
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError("intensity")
    if p < 0 or q < 1:
        raise ValueError("intensity")
    peak, bw = _name(device, DEV)
    # I >= peak / bw  <=>  p * bw >= q * peak
    if p * bw >= q * peak:
        att = (peak * 10**9, 1)
        bound = "compute"
    else:
        att = _frac(p * bw * 10**9, q)
        bound = "memory"
    return att, _frac(peak, bw), bound


def decode_tokens_per_s(n_params, model_bytes, device, batch=1):
    _int(n_params, "n_params"), _int(model_bytes, "model_bytes")
    peak, bw = _name(device, DEV)
    _int(batch, "batch")
    # compare batch * bw / model_bytes with peak / (2 n) by cross-multiplying
    if batch * bw * 2 * n_params <= peak * model_bytes:
        return _frac(batch * bw * 10**9, model_bytes)
    return _frac(peak * 10**9, 2 * n_params)


def energy_pj(counts):
    if not isinstance(counts, dict):
        raise TypeError("counts")
    total = 0
    for op in counts:
        e = _name(op, CENTI_PJ)
        c = _int(counts[op], op, 0)
        total += e * c
    return _frac(total, 100)
