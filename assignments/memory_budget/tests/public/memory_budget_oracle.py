"""Exact oracles, strategies and checks for memory_budget's tests (shipped with the public tests).

Every oracle here is written from the statement alone, in integers: sizes are counted in
half-bytes (so INT4 is 1 and FP32 is 8), throughputs and energies are Fractions built from the
statement's decimal strings. No float is used anywhere.
"""

from fractions import Fraction
from math import gcd

import pytest
from hypothesis import strategies as st

DTYPES = ["fp32", "fp16", "bf16", "int8", "int4"]
HALF_BYTES = {"fp32": 8, "fp16": 4, "bf16": 4, "int8": 2, "int4": 1}
OPTIMIZERS = ["adam", "sgd_momentum", "sgd"]
STATE = {"adam": 12, "sgd_momentum": 8, "sgd": 4}        # master copy + moments, bytes/param
DEVICE_NAMES = ["h100_sxm", "h200", "a100_sxm", "mi300x"]
DEVICES = {  # (peak FLOP/s, bandwidth bytes/s), from the statement's decimal strings
    "h100_sxm": (Fraction("989e12"), Fraction("3.35e12")),
    "h200": (Fraction("989e12"), Fraction("4.8e12")),
    "a100_sxm": (Fraction("312e12"), Fraction("2.039e12")),
    "mi300x": (Fraction("1307.4e12"), Fraction("5.3e12")),
}
ENERGY = {
    "int8_add": "0.03", "int32_add": "0.1", "fp16_add": "0.4", "fp32_add": "0.9",
    "int8_mul": "0.2", "int32_mul": "3.1", "fp16_mul": "1.1", "fp32_mul": "3.7",
    "sram_read_32": "5", "dram_read_32": "640",
}
ENERGY = {k: Fraction(v) for k, v in ENERGY.items()}
OPS = list(ENERGY)


def ceil_div(a, b):
    q, r = divmod(a, b)
    return q + (r > 0)


# ------------------------------------------------------------------------------------ oracles

def weight_bytes(n, dtype, g=128):
    h = HALF_BYTES[dtype]
    if dtype in ("int8", "int4"):
        return ceil_div(n * h, 2) + 4 * ceil_div(n, g)
    return n * h // 2


def training_bytes(n, optimizer="adam", n_gpus=1, zero_stage=0):
    k = STATE[optimizer]
    if zero_stage == 0:
        return (2 + 2 + k) * n
    if zero_stage == 1:
        return (2 + 2) * n + ceil_div(k * n, n_gpus)
    if zero_stage == 2:
        return 2 * n + ceil_div((2 + k) * n, n_gpus)
    return ceil_div((2 + 2 + k) * n, n_gpus)


def matmul_intensity(m, k, n, dtype):
    return Fraction(2 * m * k * n * 2, (m * k + k * n + m * n) * HALF_BYTES[dtype])


def attention_intensity(phase, b, s, h, g, d, dtype):
    if phase == "prefill":
        flops = 4 * b * h * s * s * d
        elements = b * (2 * h * s * d + 2 * g * s * d)
    else:
        flops = 4 * b * h * s * d
        elements = b * (2 * h * d + 2 * g * s * d)
    return Fraction(2 * flops, elements * HALF_BYTES[dtype])


def elementwise_intensity(n_inputs, flops, dtype):
    return Fraction(2 * flops, (n_inputs + 1) * HALF_BYTES[dtype])


def roofline(intensity, device):
    peak, bw = DEVICES[device]
    ridge = peak / bw
    return min(peak, intensity * bw), ridge, ("compute" if intensity >= ridge else "memory")


def decode_tokens_per_s(n, model_bytes, device, batch=1):
    peak, bw = DEVICES[device]
    return min(batch * bw / model_bytes, peak / (2 * n))


def energy_pj(counts):
    return sum((ENERGY[op] * c for op, c in counts.items()), Fraction(0))


# ------------------------------------------------------------------------------------- checks

def as_pair(q):
    q = Fraction(q)
    return (q.numerator, q.denominator)


HINTS = {
    "weight_bytes": "n * size for fp32/fp16/bf16; int8/int4: ceil(n * size) + 4 * ceil(n / "
                    "group_size), in integers (float division is inexact above 2**53)",
    "training_bytes": "bytes per GPU = what ZeRO keeps whole + ceil(total split bytes / n_gpus), "
                      "per parameter 2 (BF16 weights) + 2 (BF16 grads) + 4 (FP32 master) + 4 "
                      "per FP32 moment",
    "matmul_intensity": "2mkn / ((mk + kn + mn) * size)",
    "attention_intensity": "FLOPs 4BHS²D (prefill) or 4BHSD (decode); bytes: Q and O per query "
                           "head, K and V read once per KV head",
    "elementwise_intensity": "flops_per_element / ((n_inputs + 1) * size): n_inputs reads and "
                             "one write per element",
    "roofline": "attainable = min(peak, I * bw), ridge = peak / bw",
    "decode_tokens_per_s": "min(batch * bw / model_bytes, peak / (2 * n_params))",
    "energy_pj": "sum of count * pJ with the table's exact decimals (Fraction('3.7'), not the "
                 "float 3.7)",
}


def _hint(call):
    return HINTS.get(call.split("(")[0], "")


def check_int(call, got, want):
    assert type(got) is int, f"{call} must return a Python int, got {type(got).__name__} {got!r}"
    assert got == want, (
        f"{call} = {got}, expected {want} (off by {got - want:+d} bytes): {_hint(call)}")


def check_rational(call, got, want, unit=""):
    """got must be (p, q): two ints, q >= 1, lowest terms, equal to the Fraction want."""
    assert type(got) is tuple and len(got) == 2, (
        f"{call} must return a tuple (p, q) of two ints, got {type(got).__name__} {got!r}")
    p, q = got
    assert type(p) is int and type(q) is int, (
        f"{call} = {got!r}: p and q must be Python ints, got {type(p).__name__} and "
        f"{type(q).__name__} (no floats: the values are exact rationals)")
    assert q >= 1, f"{call} = {got!r}: the denominator q must be at least 1"
    assert gcd(p, q) == 1, (
        f"{call} = {got!r} is not in lowest terms (gcd(p, q) = {gcd(p, q)}): divide both by "
        f"the gcd, e.g. return (f.numerator, f.denominator) of a Fraction")
    w = as_pair(want)
    approx = f" (≈ {float(want):.6g}{unit})"
    assert (p, q) == w, f"{call} = {got!r}, expected {w!r}{approx}: {_hint(call)}"


def _kind(e):
    return next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")


def check_rejects(call, cases):
    """Each (args, exception class, what) must raise exactly that exception class."""
    for args, exc, what in cases:
        try:
            got = call(*args)
        except exc:
            continue
        except Exception as e:  # noqa: BLE001 - the student's function raised another class
            pytest.fail(f"{what}: raised {_kind(e)} ({e}); it must raise {exc.__name__}")
        pytest.fail(f"{what}: returned {got!r}; it must raise {exc.__name__}")


# ---------------------------------------------------------------------------------- strategies

def sizes(max_value=10**12):
    """Positive ints from 1 to max_value, biased to 1, small values, powers of two +- 1 and
    the top half and the very top of the range."""
    powers = [2**e + d for e in range(1, max_value.bit_length()) for d in (-1, 0, 1)
              if 1 <= 2**e + d <= max_value]
    return st.one_of(
        st.integers(1, 8),
        st.sampled_from(powers),
        st.integers(1, max_value),
        st.integers(max(1, max_value // 2), max_value),
        st.integers(max(1, max_value - 1000), max_value),
    )


def group_sizes():
    return st.one_of(st.sampled_from([1, 2, 3, 32, 64, 128, 256, 1024]), st.integers(1, 5000))


@st.composite
def params_near_groups(draw, max_value=10**12, huge=False):
    """(n, g) with n one less than, equal to or one more than a multiple of g, odd or even
    (huge: n in the top half of the range)."""
    g = draw(group_sizes())
    top = max(1, max_value // g)
    high = st.integers(max(1, top // 2), top)
    j = draw(high if huge else st.one_of(st.integers(1, 4), st.integers(1, top), high))
    n = j * g + draw(st.sampled_from([-1, 0, 1]))
    return min(max(n, 1), max_value), g


BAD_SIZES = [(0, ValueError, "0"), (-1, ValueError, "-1"), (1.0, TypeError, "the float 1.0"),
             (True, TypeError, "True (a bool)"), ("8", TypeError, "the str '8'"),
             (10.0**9, TypeError, "the float 1e9")]
BAD_NAMES = ["FP32", "float32", "int2", "", None, 4]


@st.composite
def attention_args(draw):
    g = draw(st.one_of(st.sampled_from([1, 2, 8]), st.integers(1, 64)))
    h = g * draw(st.one_of(st.sampled_from([1, 4, 8]), st.integers(1, 16)))
    return (draw(st.sampled_from(["prefill", "decode"])), draw(sizes(4096)),
            draw(sizes(10**6)), h, g, draw(st.sampled_from([1, 64, 80, 128, 256])),
            draw(st.sampled_from(DTYPES)))


@st.composite
def roofline_args(draw):
    device = draw(st.sampled_from(DEVICE_NAMES))
    peak, bw = DEVICES[device]
    ridge = peak / bw
    kind = draw(st.sampled_from(["ridge", "near", "any", "scaled"]))
    if kind == "ridge":
        i = ridge
    elif kind == "near":
        i = ridge * (1 + Fraction(draw(st.sampled_from([-1, 1])), 10 ** draw(st.integers(1, 30))))
    else:
        i = Fraction(draw(st.integers(0, 10**6)), draw(st.integers(1, 10**4)))
    c = draw(st.integers(1, 50)) if kind == "scaled" else 1
    return (i.numerator * c, i.denominator * c), device


def check_roofline(call, got, intensity, device):
    want_att, want_ridge, want_bound = roofline(Fraction(*intensity), device)
    assert type(got) is tuple and len(got) == 3, (
        f"{call} must return a tuple (attainable, ridge, bound), got {type(got).__name__} {got!r}")
    check_rational(f"{call}[0] (attainable)", got[0], want_att, " FLOP/s")
    check_rational(f"{call}[1] (ridge point)", got[1], want_ridge, " FLOP/byte")
    assert type(got[2]) is str and got[2] in ("compute", "memory"), (
        f"{call}[2] must be the str 'compute' or 'memory', got {got[2]!r}")
    assert got[2] == want_bound, (
        f"{call}[2] = {got[2]!r}, expected {want_bound!r}: intensity {float(Fraction(*intensity)):.6g} "
        f"vs ridge {float(want_ridge):.6g} FLOP/byte (exactly at the ridge counts as 'compute')")
