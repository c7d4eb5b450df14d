"""Public tests of memory_budget: the hand part, weight and training memory, arithmetic intensity
of matmul, attention and elementwise ops, the roofline, the decode speed limit and energy.

Each test calls exactly one of your functions (the hand-part tests read only your constants).
The exact oracles are in memory_budget_oracle.py, written from the statement in integers and
Fractions; there is no tolerance: every value must be exact.
"""

from fractions import Fraction

import memory_budget_oracle as O
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.testing import points

# ---------------------------------------------------------------------------------- hand part


def _float_answer(name, value):
    assert type(value) in (int, float), (
        f"{name} must be a Python float (rounded to 2 decimals), got {type(value).__name__} "
        f"{value!r}")
    return float(value)


@points(2)
def test_hand_int4(sub, variant, answer_digest):
    """HAND_INT4_BYTES and HAND_INT4_GIB: your model's INT4 weights (with group scales and zeros) in bytes and in GiB."""
    n, g = variant["n_params"], variant["group_size"]
    got = sub.HAND_INT4_BYTES
    assert type(got) is int, f"HAND_INT4_BYTES must be an int, got {type(got).__name__} {got!r}"
    want = O.weight_bytes(n, "int4", g)
    assert answer_digest(got) == answer_digest(want), (
        "HAND_INT4_BYTES is not the bytes of your model in int4: ceil(n / 2) bytes of codes plus "
        "4 bytes (FP16 scale + FP16 zero) for each of the ceil(n / group_size) groups, the last "
        "(partial) group included. When you submit, n and the group size are the ones your own "
        "statement names; a local `ulp check` uses the class's defaults.")
    gib = _float_answer("HAND_INT4_GIB", sub.HAND_INT4_GIB)
    assert answer_digest(gib) == answer_digest(float(round(Fraction(want, 2**30), 2))), (
        "HAND_INT4_BYTES is right but HAND_INT4_GIB is not it in GiB rounded to 2 decimals: "
        "1 GiB = 2**30 = 1073741824 bytes (not 10**9)")


@points(2)
def test_hand_training(sub, variant, answer_digest):
    """HAND_TRAIN_BYTES and HAND_TRAIN_GB: mixed-precision Adam training of your model on 1 GPU, in bytes and in GB."""
    n = variant["n_params"]
    got = sub.HAND_TRAIN_BYTES
    assert type(got) is int, f"HAND_TRAIN_BYTES must be an int, got {type(got).__name__} {got!r}"
    want = O.training_bytes(n)
    assert answer_digest(got) == answer_digest(want), (
        "HAND_TRAIN_BYTES is not the bytes of mixed-precision Adam training: 2 (BF16 weights) + "
        "2 (BF16 grads) + 4 (FP32 master) + 4 (m) + 4 (v) = 16 bytes per parameter. When you "
        "submit, n is the one your own statement names.")
    gb = _float_answer("HAND_TRAIN_GB", sub.HAND_TRAIN_GB)
    assert answer_digest(gb) == answer_digest(float(round(Fraction(want, 10**9), 2))), (
        "HAND_TRAIN_BYTES is right but HAND_TRAIN_GB is not it in GB rounded to 2 decimals: "
        "1 GB = 10**9 bytes (not 2**30)")


# ------------------------------------------------------------------------------- weight_bytes

@points(3)
@given(ng=st.one_of(st.tuples(O.sizes(10**18), O.group_sizes()), O.params_near_groups(10**18)))
@example(ng=(13_000_000_000, 128))
@example(ng=(1, 128))
@example(ng=(7, 1))
@example(ng=(129, 128))
@example(ng=(2**59 + 1, 3))
@example(ng=(10**18 - 1, 7))
@example(ng=(6_738_415_616, 64))
@example(ng=(3, 5))
def test_weight_bytes(sub, ng):
    """weight_bytes(n, dtype, g) for every dtype, for the drawn n and for its mirror 10**18 + 1 - n: n * size for fp32/fp16/bf16; ceil(n * size) + 4 * ceil(n / group_size) for int8/int4, exact."""
    n, g = ng
    calls = [(m, dtype, g) for m in (n, max(1, 10**18 + 1 - n)) for dtype in O.DTYPES]
    for args, got in zip(calls, sub.many("weight_bytes", calls)):
        O.check_int(f"weight_bytes{args}", got, O.weight_bytes(*args))


@points(2)
def test_weight_bytes_group_boundaries(sub):
    """int4/int8 around multiples of the group size (the partial last group) and odd counts (the half byte); the default group size is 128."""
    calls, wants = [], []
    for g in [1, 2, 3, 7, 32, 64, 128, 256, 1000]:
        for n in sorted({max(1, j * g + d) for j in (1, 2, 5) for d in (-1, 0, 1)}):
            for dtype in ("int4", "int8"):
                calls.append((n, dtype, g))
                wants.append(O.weight_bytes(n, dtype, g))
    got = sub.many("weight_bytes", calls)
    for args, r, w in zip(calls, got, wants):
        O.check_int(f"weight_bytes{args}", r, w)
    for n in (1, 127, 128, 129, 255, 256, 257, 13_000_000_001):
        for dtype in O.DTYPES:
            O.check_int(f"weight_bytes({n}, {dtype!r}) (default group_size = 128)",
                        sub.weight_bytes(n, dtype), O.weight_bytes(n, dtype, 128))


@points(1)
def test_weight_bytes_rejects_bad_input(sub):
    """weight_bytes: TypeError for a non-int size (float, bool, str), ValueError for a size < 1 or an unknown dtype."""
    cases = []
    for bad, exc, what in O.BAD_SIZES:
        cases.append(((bad, "bf16", 128), exc, f"weight_bytes with n_params = {what}"))
        cases.append(((1000, "int4", bad), exc, f"weight_bytes with group_size = {what}"))
    cases.append(((1000, "fp32", 0), ValueError,
                  "weight_bytes(1000, 'fp32', 0): group_size is checked for every dtype"))
    for name in O.BAD_NAMES:
        cases.append(((1000, name, 128), ValueError, f"weight_bytes with dtype = {name!r}"))
    O.check_rejects(sub.weight_bytes, cases)


# ----------------------------------------------------------------------------- training_bytes

@points(3)
@given(n=O.sizes(10**18), optimizer=st.sampled_from(O.OPTIMIZERS),
       n_gpus=st.one_of(st.integers(1, 9), st.sampled_from([16, 64, 512, 1000, 4096]),
                        st.integers(1, 10**6)),
       stage=st.integers(0, 3))
@example(n=13_000_000_000, optimizer="adam", n_gpus=1, stage=0)
@example(n=13_000_000_000, optimizer="adam", n_gpus=8, stage=2)
@example(n=7, optimizer="adam", n_gpus=3, stage=1)
@example(n=7, optimizer="sgd_momentum", n_gpus=3, stage=2)
@example(n=7, optimizer="sgd", n_gpus=5, stage=3)
@example(n=1, optimizer="adam", n_gpus=1000, stage=3)
@example(n=10**18 - 1, optimizer="adam", n_gpus=7, stage=3)
def test_training_bytes(sub, n, optimizer, n_gpus, stage):
    """training_bytes: bytes per GPU = what ZeRO keeps whole + ceil(total split bytes / n_gpus), with 2+2+12 (adam), 2+2+8, 2+2+4 bytes per parameter."""
    O.check_int(f"training_bytes({n}, {optimizer!r}, {n_gpus}, {stage})",
                sub.training_bytes(n, optimizer, n_gpus, stage),
                O.training_bytes(n, optimizer, n_gpus, stage))


@points(1)
def test_training_bytes_defaults_and_rejects(sub):
    """training_bytes defaults (adam, 1 GPU, stage 0) and its errors: TypeError for non-int sizes or stage, ValueError for sizes < 1, stage outside 0..3, unknown optimizer."""
    for n in (1, 999, 13_000_000_000):
        O.check_int(f"training_bytes({n})", sub.training_bytes(n), 16 * n)
        O.check_int(f"training_bytes({n}, 'sgd', 4) (zero_stage = 0)",
                    sub.training_bytes(n, "sgd", 4), 8 * n)
        O.check_int(f"training_bytes({n}, 'adam', zero_stage=3) (n_gpus = 1)",
                    sub.training_bytes(n, "adam", zero_stage=3), 16 * n)
    cases = []
    for bad, exc, what in O.BAD_SIZES:
        cases.append(((bad,), exc, f"training_bytes with n_params = {what}"))
        cases.append(((1000, "adam", bad, 1), exc, f"training_bytes with n_gpus = {what}"))
    for bad, exc in [(4, ValueError), (-1, ValueError), (1.0, TypeError), (True, TypeError),
                     ("2", TypeError)]:
        cases.append(((1000, "adam", 2, bad), exc, f"training_bytes with zero_stage = {bad!r}"))
    for name in ["Adam", "adamw", "lion", "", None]:
        cases.append(((1000, name), ValueError, f"training_bytes with optimizer = {name!r}"))
    O.check_rejects(sub.training_bytes, cases)


# ---------------------------------------------------------------------------------- intensity

@points(3)
@given(m=O.sizes(10**6), k=O.sizes(10**6), n=O.sizes(10**6), dtype=st.sampled_from(O.DTYPES))
@example(m=4096, k=4096, n=4096, dtype="bf16")
@example(m=1, k=1, n=1, dtype="fp32")
@example(m=1, k=8192, n=8192, dtype="fp16")
@example(m=3, k=5, n=7, dtype="int4")
@example(m=1, k=1, n=1, dtype="int4")
@example(m=10**6, k=1, n=10**6, dtype="int8")
def test_matmul_intensity(sub, m, k, n, dtype):
    """matmul_intensity = 2mkn / ((mk + kn + mn) * size) as (p, q) in lowest terms (int4: half a byte per element)."""
    O.check_rational(f"matmul_intensity({m}, {k}, {n}, {dtype!r})",
                     sub.matmul_intensity(m, k, n, dtype), O.matmul_intensity(m, k, n, dtype),
                     " FLOP/byte")


@points(1)
def test_matmul_intensity_rejects_bad_input(sub):
    """matmul_intensity: TypeError for non-int sizes, ValueError for sizes < 1 or an unknown dtype."""
    cases = []
    for bad, exc, what in O.BAD_SIZES:
        for pos in range(3):
            args = [16, 16, 16, "bf16"]
            args[pos] = bad
            cases.append((tuple(args), exc, f"matmul_intensity with {'mkn'[pos]} = {what}"))
    for name in O.BAD_NAMES:
        cases.append(((16, 16, 16, name), ValueError, f"matmul_intensity with dtype = {name!r}"))
    O.check_rejects(sub.matmul_intensity, cases)


@points(3)
@given(args=O.attention_args())
@example(args=("decode", 1, 4096, 32, 8, 128, "bf16"))
@example(args=("prefill", 1, 4096, 32, 8, 128, "bf16"))
@example(args=("decode", 1, 1, 1, 1, 1, "fp32"))
@example(args=("prefill", 1, 1, 1, 1, 1, "int4"))
@example(args=("decode", 64, 32768, 64, 64, 128, "fp16"))
@example(args=("prefill", 3, 7, 12, 4, 64, "int4"))
@example(args=("decode", 2, 100, 8, 1, 80, "int8"))
def test_attention_intensity(sub, args):
    """attention_intensity: FLOPs 4BHS²D (prefill) or 4BHSD (decode) over bytes of Q, O per query head and K, V once per KV head."""
    O.check_rational(f"attention_intensity{args}", sub.attention_intensity(*args),
                     O.attention_intensity(*args), " FLOP/byte")


@points(1)
def test_attention_intensity_rejects_bad_input(sub):
    """attention_intensity: ValueError for an unknown phase or dtype, sizes < 1, n_kv_heads not dividing n_heads; TypeError for non-int sizes."""
    good = ["decode", 2, 64, 8, 2, 16, "bf16"]
    names = ["batch", "seq_len", "n_heads", "n_kv_heads", "head_dim"]
    cases = []
    for bad, exc, what in O.BAD_SIZES:
        for pos, name in enumerate(names, start=1):
            args = list(good)
            args[pos] = bad
            cases.append((tuple(args), exc, f"attention_intensity with {name} = {what}"))
    for phase in ["Prefill", "train", "", None]:
        cases.append(((phase, *good[1:]), ValueError, f"attention_intensity with phase = {phase!r}"))
    for name in O.BAD_NAMES:
        cases.append(((*good[:6], name), ValueError, f"attention_intensity with dtype = {name!r}"))
    cases.append((("prefill", 2, 64, 8, 3, 16, "bf16"), ValueError,
                  "attention_intensity with n_heads = 8, n_kv_heads = 3 (3 does not divide 8)"))
    cases.append((("decode", 2, 64, 4, 8, 16, "bf16"), ValueError,
                  "attention_intensity with n_heads = 4, n_kv_heads = 8 (more KV heads than heads)"))
    O.check_rejects(sub.attention_intensity, cases)


@points(2)
def test_elementwise_intensity(sub):
    """elementwise_intensity = flops_per_element / ((n_inputs + 1) * size), and its errors."""
    calls = [(i, f, d) for i in (1, 2, 3, 7) for f in (1, 2, 3, 8, 20, 1000) for d in O.DTYPES]
    for args, r in zip(calls, sub.many("elementwise_intensity", calls)):
        O.check_rational(f"elementwise_intensity{args}", r, O.elementwise_intensity(*args),
                         " FLOP/byte")
    cases = []
    for bad, exc, what in O.BAD_SIZES:
        cases.append(((bad, 1, "fp32"), exc, f"elementwise_intensity with n_inputs = {what}"))
        cases.append(((2, bad, "fp32"), exc,
                      f"elementwise_intensity with flops_per_element = {what}"))
    for name in O.BAD_NAMES:
        cases.append(((2, 1, name), ValueError, f"elementwise_intensity with dtype = {name!r}"))
    O.check_rejects(sub.elementwise_intensity, cases)


# ------------------------------------------------------------------------------------ roofline

@points(3)
@given(args=O.roofline_args())
@example(args=((19780, 67), "h100_sxm"))
@example(args=((19780 * 3, 67 * 3), "h100_sxm"))
@example(args=((19780 * 10**20 - 1, 67 * 10**20), "h100_sxm"))
@example(args=((4096, 3), "a100_sxm"))
@example(args=((1, 6), "h200"))
@example(args=((0, 1), "mi300x"))
@example(args=((13074, 53), "mi300x"))
def test_roofline(sub, args):
    """roofline: (min(peak, I * bw), peak / bw, 'compute' if I >= ridge else 'memory'), exact; a tie at the ridge is compute-bound."""
    intensity, device = args
    O.check_roofline(f"roofline({intensity!r}, {device!r})", sub.roofline(intensity, device),
                    intensity, device)


@points(1)
def test_roofline_rejects_bad_input(sub):
    """roofline: TypeError for an intensity that is not a tuple of two ints, ValueError for p < 0, q < 1 or an unknown device."""
    cases = []
    for bad in [1.5, 2, [3, 2], (3,), (3, 2, 1), (3.0, 2), (3, 2.0), (True, 1),
                (3, False), ("3", 2)]:
        cases.append(((bad, "h100_sxm"), TypeError, f"roofline with intensity = {bad!r}"))
    for bad in [(-1, 2), (1, 0), (1, -3)]:
        cases.append(((bad, "h100_sxm"), ValueError, f"roofline with intensity = {bad!r}"))
    for name in ["H100", "h100", "b200", "", None]:
        cases.append((((3, 2), name), ValueError, f"roofline with device = {name!r}"))
    O.check_rejects(sub.roofline, cases)


@points(2)
@given(n=O.sizes(10**13), size=st.sampled_from(O.DTYPES), device=st.sampled_from(O.DEVICE_NAMES),
       batch=st.one_of(st.integers(1, 8), st.integers(1, 2000), st.integers(1, 10**6)))
@example(n=7 * 10**9, size="bf16", device="h100_sxm", batch=1)
@example(n=7 * 10**9, size="bf16", device="h100_sxm", batch=295)
@example(n=7 * 10**9, size="bf16", device="h100_sxm", batch=296)
@example(n=67, size="int4", device="mi300x", batch=1000)
@example(n=1, size="fp32", device="a100_sxm", batch=1)
def test_decode_tokens_per_s(sub, n, size, device, batch):
    """decode_tokens_per_s = min(batch * bw / model_bytes, peak / (2 n_params)) as (p, q) tokens/s."""
    model_bytes = O.weight_bytes(n, size, 128)
    O.check_rational(f"decode_tokens_per_s({n}, {model_bytes}, {device!r}, {batch})",
                     sub.decode_tokens_per_s(n, model_bytes, device, batch),
                     O.decode_tokens_per_s(n, model_bytes, device, batch), " tokens/s")


@points(1)
def test_decode_tokens_per_s_default_and_rejects(sub):
    """decode_tokens_per_s defaults to batch 1; TypeError for non-int sizes, ValueError for sizes < 1 or an unknown device."""
    for n, mb, dev in [(7 * 10**9, 14 * 10**9, "h100_sxm"), (70 * 10**9, 35 * 10**9, "h200"),
                       (5, 3, "a100_sxm")]:
        O.check_rational(f"decode_tokens_per_s({n}, {mb}, {dev!r})",
                         sub.decode_tokens_per_s(n, mb, dev),
                         O.decode_tokens_per_s(n, mb, dev, 1), " tokens/s")
    cases = []
    for bad, exc, what in O.BAD_SIZES:
        cases.append(((bad, 1000, "h100_sxm", 1), exc, f"decode_tokens_per_s with n_params = {what}"))
        cases.append(((1000, bad, "h100_sxm", 1), exc,
                      f"decode_tokens_per_s with model_bytes = {what}"))
        cases.append(((1000, 1000, "h100_sxm", bad), exc, f"decode_tokens_per_s with batch = {what}"))
    for name in ["H100_SXM", "h100", "", None]:
        cases.append(((1000, 1000, name, 1), ValueError, f"decode_tokens_per_s with device = {name!r}"))
    O.check_rejects(sub.decode_tokens_per_s, cases)


# -------------------------------------------------------------------------------------- energy

@points(2)
@given(counts=st.dictionaries(st.sampled_from(O.OPS),
                              st.one_of(st.integers(0, 3), st.integers(0, 10**18)), max_size=10))
@example(counts={"dram_read_32": 2000, "fp32_mul": 1000, "fp32_add": 999})
@example(counts={})
@example(counts={"int8_add": 1})
@example(counts={"fp32_mul": 10, "fp32_add": 0})
@example(counts={op: 1 for op in O.OPS})
@example(counts={"sram_read_32": 3, "int8_mul": 7, "fp16_add": 10**18 + 1})
def test_energy_pj(sub, counts):
    """energy_pj = sum of count * pJ from the Horowitz table, exact, as (p, q) in lowest terms."""
    O.check_rational(f"energy_pj({counts!r})", sub.energy_pj(counts), O.energy_pj(counts), " pJ")


@points(1)
def test_energy_pj_rejects_bad_input(sub):
    """energy_pj: TypeError for a non-dict or a non-int count, ValueError for an unknown operation or a negative count."""
    O.check_rejects(sub.energy_pj, [
        (([("fp32_mul", 1)],), TypeError, "energy_pj of a list of pairs"),
        ((None,), TypeError, "energy_pj(None)"),
        (({"fp32_mul": 1.0},), TypeError, "energy_pj with a float count 1.0"),
        (({"fp32_mul": True},), TypeError, "energy_pj with a bool count True"),
        (({"fp32_mul": "3"},), TypeError, "energy_pj with a str count '3'"),
        (({"fp32_mul": -1},), ValueError, "energy_pj with a count of -1"),
        (({"fp64_mul": 1},), ValueError, "energy_pj with the unknown operation 'fp64_mul'"),
        (({"dram_read": 1},), ValueError, "energy_pj with the unknown operation 'dram_read'"),
        (({"fp32_add": 2, "FP32_MUL": 1},), ValueError, "energy_pj with the unknown operation 'FP32_MUL'"),
        (({1: 1},), ValueError, "energy_pj with the key 1 (not a str)"),
    ])
