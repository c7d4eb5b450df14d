"""Hidden tests of memory_budget: huge sizes, full sweeps of dtypes, optimizers, ZeRO stages and
devices, grouped-query attention, the ridge points of every device, the decode compute limit and
energy of small workloads. Each test calls ONE of the student's functions; the oracles are the
public module's exact ones (integers and Fractions).
"""

from fractions import Fraction

import memory_budget_oracle as O
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.testing import hidden, points


@points(2)
@hidden
@given(ng=O.params_near_groups(10**18, huge=True))
@example(ng=(2**53 + 1, 2))
@example(ng=(10**18 - 1, 10**9))
@example(ng=(10**18, 10**18 - 1))
def test_hidden_weight_bytes_huge(sub, ng):
    """weight_bytes of int4/int8 for 5e17 to 1e18 parameters, next to multiples of the group size."""
    n, g = ng
    calls = [(n, dtype, g) for dtype in ("int4", "int8")]
    for args, got in zip(calls, sub.many("weight_bytes", calls)):
        O.check_int(f"weight_bytes{args}", got, O.weight_bytes(*args))


@points(2)
@hidden
def test_hidden_weight_bytes_sweep(sub):
    """weight_bytes for n = 1..300 in every dtype with group sizes 1, 2, 3, 64, 128, 299, 300, 301."""
    calls = [(n, d, g) for n in range(1, 301) for d in O.DTYPES
             for g in (1, 2, 3, 64, 128, 299, 300, 301)]
    for args, r in zip(calls, sub.many("weight_bytes", calls)):
        O.check_int(f"weight_bytes{args}", r, O.weight_bytes(*args))


@points(3)
@hidden
def test_hidden_training_bytes_sweep(sub):
    """training_bytes for every optimizer and ZeRO stage, GPU counts that divide the split bytes and that do not."""
    calls = [(n, o, gpus, z) for n in (1, 2, 3, 5, 7, 1001, 13_000_000_000, 10**18 + 3)
             for o in O.OPTIMIZERS for gpus in (1, 2, 3, 7, 8, 16, 1000) for z in range(4)]
    for args, r in zip(calls, sub.many("training_bytes", calls)):
        O.check_int(f"training_bytes{args}", r, O.training_bytes(*args))


@points(2)
@hidden
@given(n=O.sizes(10**18), optimizer=st.sampled_from(O.OPTIMIZERS),
       n_gpus=st.integers(1, 10**9), stage=st.integers(0, 3))
@example(n=10**18, optimizer="sgd", n_gpus=3, stage=1)
@example(n=2**61 - 1, optimizer="sgd_momentum", n_gpus=10**9, stage=3)
def test_hidden_training_bytes_huge(sub, n, optimizer, n_gpus, stage):
    """training_bytes up to 1e18 parameters and 1e9 GPUs."""
    O.check_int(f"training_bytes({n}, {optimizer!r}, {n_gpus}, {stage})",
                sub.training_bytes(n, optimizer, n_gpus, stage),
                O.training_bytes(n, optimizer, n_gpus, stage))


@points(2)
@hidden
@given(m=O.sizes(10**12), k=O.sizes(10**12), n=O.sizes(10**12), dtype=st.sampled_from(O.DTYPES))
@example(m=10**12 - 1, k=10**12, n=3, dtype="int4")
@example(m=2**40 + 1, k=1, n=2**40 - 1, dtype="fp32")
def test_hidden_matmul_intensity_huge(sub, m, k, n, dtype):
    """matmul_intensity with dimensions up to 1e12 and every dtype."""
    O.check_rational(f"matmul_intensity({m}, {k}, {n}, {dtype!r})",
                     sub.matmul_intensity(m, k, n, dtype), O.matmul_intensity(m, k, n, dtype))


@points(3)
@hidden
def test_hidden_attention_intensity_gqa_sweep(sub):
    """attention_intensity for MHA, GQA and MQA head layouts, both phases, every dtype."""
    calls = [(ph, b, s, h, g, d, dt) for ph in ("prefill", "decode") for b in (1, 3)
             for s in (1, 2, 17, 4096) for h, g in ((1, 1), (8, 8), (32, 8), (32, 1), (12, 4))
             for d in (1, 64, 128) for dt in O.DTYPES]
    for args, r in zip(calls, sub.many("attention_intensity", calls)):
        O.check_rational(f"attention_intensity{args}", r, O.attention_intensity(*args))


@points(1)
@hidden
@given(args=O.attention_args())
@example(args=("prefill", 5, 333, 40, 5, 80, "fp16"))
@example(args=("decode", 7, 1000, 64, 4, 128, "int4"))
def test_hidden_attention_intensity_more(sub, args):
    """attention_intensity on more drawn shapes."""
    O.check_rational(f"attention_intensity{args}", sub.attention_intensity(*args),
                     O.attention_intensity(*args))


@points(1)
@hidden
@given(i=st.integers(1, 10**6), f=st.integers(1, 10**9), dtype=st.sampled_from(O.DTYPES))
def test_hidden_elementwise_intensity_large(sub, i, f, dtype):
    """elementwise_intensity with many inputs and many FLOPs per element."""
    O.check_rational(f"elementwise_intensity({i}, {f}, {dtype!r})",
                     sub.elementwise_intensity(i, f, dtype), O.elementwise_intensity(i, f, dtype))


@points(3)
@hidden
def test_hidden_roofline_every_device(sub):
    """roofline on every device: exactly at the ridge (also not in lowest terms), 1e-30 below and above, 0, tiny and huge intensities."""
    calls = []
    for device in O.DEVICE_NAMES:
        peak, bw = O.DEVICES[device]
        ridge = peak / bw
        for i in (ridge, ridge - Fraction(1, 10**30), ridge + Fraction(1, 10**30), Fraction(0),
                  Fraction(1, 10**40), Fraction(10**40), ridge / 2, ridge * 2, Fraction(1)):
            calls.append(((i.numerator, i.denominator), device))
        calls.append(((ridge.numerator * 7, ridge.denominator * 7), device))
        calls.append(((0, 5), device))
    for (intensity, device), r in zip(calls, sub.many("roofline", calls)):
        O.check_roofline(f"roofline({intensity!r}, {device!r})", r, intensity, device)


@points(2)
@hidden
def test_hidden_decode_tokens_batch_sweep(sub):
    """decode_tokens_per_s on both sides of the compute limit, for every device."""
    calls = []
    for device in O.DEVICE_NAMES:
        for n, mb in ((7 * 10**9, 14 * 10**9), (70 * 10**9, 35 * 10**9 + 4), (1, 1), (10**15, 3)):
            peak, bw = O.DEVICES[device]
            edge = peak * mb / (2 * n * bw)                     # the batch where the limits meet
            for b in {1, 2, max(1, int(edge)), int(edge) + 1, int(edge) + 2, 10**6}:
                calls.append((n, mb, device, b))
    for args, r in zip(calls, sub.many("decode_tokens_per_s", calls)):
        O.check_rational(f"decode_tokens_per_s{args}", r, O.decode_tokens_per_s(*args))


@points(2)
@hidden
@given(n=st.integers(1, 10**6), source=st.sampled_from(["dram_read_32", "sram_read_32"]))
@example(n=1, source="dram_read_32")
def test_hidden_energy_workloads(sub, n, source):
    """energy_pj of an fp32 dot product of length n read from DRAM or SRAM, and the DRAM/multiply ratio 6400/37."""
    counts = {source: 2 * n, "fp32_mul": n, "fp32_add": n - 1}
    O.check_rational(f"energy_pj({counts!r})", sub.energy_pj(counts), O.energy_pj(counts))
    O.check_rational("energy_pj({'dram_read_32': 37})", sub.energy_pj({"dram_read_32": 37}),
                     Fraction(23680))
    O.check_rational("energy_pj({'fp32_mul': 6400})", sub.energy_pj({"fp32_mul": 6400}),
                     Fraction(23680))


@points(1)
@hidden
def test_hidden_energy_every_operation(sub):
    """energy_pj of one and of 10**18 + 1 of each operation, alone."""
    calls = [({op: c},) for op in O.OPS for c in (0, 1, 3, 10**18 + 1)]
    for (counts,), r in zip(calls, sub.many("energy_pj", calls)):
        O.check_rational(f"energy_pj({counts!r})", r, O.energy_pj(counts))
