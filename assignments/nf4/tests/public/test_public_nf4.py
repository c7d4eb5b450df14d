"""Public tests of nf4: the NF code book, nearest codes, block-wise absmax quantization and
dequantization, nibble packing, double quantization, NF4 against INT4, and the hand part.

Every test calls ONE of your functions (the hand-part test reads only your constants); its inputs
are made here, never by your other functions, so a bug costs only that function's points. The
oracles and tolerances are in nf4_oracle.py, with their derivation in the statement.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from autograder.testing import observe, points
from nf4_oracle import (INT4, PUBLISHED_NF4, PUBLISHED_TOL, AbsmaxCase, NearestCase, QuantCase,
                        absmax_cases, check_codebook, check_double_dequantized,
                        check_double_quantized, check_nearest, check_quantized, check_uint8,
                        expected_mse, nearest_cases, nf, quant_cases)


def _kind(e: BaseException) -> str:
    return next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")


def check_rejects(call, cases):
    """Each (args, what) must raise ValueError."""
    for args, what in cases:
        try:
            got = call(*args)
        except ValueError:
            continue
        except Exception as e:  # noqa: BLE001 - the student's function raised another class
            pytest.fail(f"{what}: raised {_kind(e)} ({e}); it must raise ValueError")
        pytest.fail(f"{what}: returned {type(got).__name__}; it must raise ValueError")


# ------------------------------------------------------------------------------ hand part

HAND = ("HAND_BITS_PLAIN", "HAND_BITS_DQ", "HAND_BYTES_SAVED")


def hand_answer(v):
    b1, b2 = v["b1"], v["b2"]
    return (32 / b1, 8 / b1 + 32 / (b1 * b2), v["rows"] * v["cols"] * (3 * b2 - 4) // (b1 * b2))


@points(2)
def test_hand_bits_per_parameter(sub, variant, answer_digest):
    """HAND_BITS_PLAIN, HAND_BITS_DQ and HAND_BYTES_SAVED are the memory of your block sizes (checked together, by digest)."""
    answer = []
    for name in HAND:
        value = getattr(sub, name)
        if name == "HAND_BYTES_SAVED":
            assert type(value) is int, f"{name} must be an int, got {type(value).__name__} {value!r}"
            answer.append(value)
        else:
            assert type(value) in (int, float), (
                f"{name} must be a float, got {type(value).__name__} {value!r}")
            answer.append(float(value))
    assert answer_digest(tuple(answer)) == answer_digest(hand_answer(variant)), (
        "HAND_BITS_PLAIN, HAND_BITS_DQ and HAND_BYTES_SAVED have the right types but are not, "
        "together, the memory cost of your block sizes: redo it on paper (the statement's worked "
        "example shows each step; the values are exact binary fractions, write them exactly). "
        "When you submit, the sizes are the ones your own statement names; a local `ulp check` "
        "uses the class's default sizes.")


# ------------------------------------------------------------------------------- code book

@points(2)
def test_nf_codebook_nf4(sub):
    """nf_codebook() and nf_codebook(4): 16 float32 values, within 1 ulp of the construction and 4e-7 of the published NF4 table."""
    for call, got in (("nf_codebook()", sub.nf_codebook()), ("nf_codebook(4)", sub.nf_codebook(4))):
        check_codebook(call, got, 4)
        err = np.abs(got.astype(np.float64) - PUBLISHED_NF4)
        observe(float(err.max()), PUBLISHED_TOL, label="nf_codebook(4) vs published table")
        i = int(np.argmax(err))
        assert err[i] <= PUBLISHED_TOL, (
            f"{call}[{i}] = {float(got[i])!r}, the published NF4 value is {PUBLISHED_NF4[i]!r}")


@points(0.5)
@pytest.mark.parametrize("bits", [2, 3, 5, 8])
def test_nf_codebook_other_sizes(sub, bits):
    """nf_codebook(bits) for other sizes: 2**(bits-1) positive values, 2**(bits-1) - 1 negative ones and 0, within 1 ulp."""
    check_codebook(f"nf_codebook({bits})", sub.nf_codebook(bits), bits)


@points(1)
def test_nf_codebook_rejects_bad_bits(sub):
    """nf_codebook raises ValueError for bits outside 2..8 (and for a bool)."""
    check_rejects(sub.nf_codebook, [((b,), f"nf_codebook({b!r})") for b in (1, 0, 9, -4, True)])


# ---------------------------------------------------------------------------- nearest code

def _exact_midpoints(cb):
    m = (cb[:-1].astype(np.float64) + cb[1:]) / 2
    return m[m.astype(np.float32) == m].astype(np.float32)


NF4_MIDS = _exact_midpoints(nf(4))       # the 4 NF4 midpoints that float32 holds exactly
NF4_TIES = NearestCase("explicit", 0, 0, cb=nf(4), y=np.concatenate(
    [NF4_MIDS, np.array([-0.0, 0.0, 1.0, -1.0, 3.0, -7.5], dtype=np.float32)]))
DYADIC_TIES = NearestCase("explicit", 0, 0, cb=np.array([-1, -0.5, 0, 0.25, 1], np.float32),
                          y=np.array([-0.75, -0.25, 0.125, 0.625, -0.0, 0.6250001],
                                     dtype=np.float32))


TWO_CODES = NearestCase("explicit", 0, 0, cb=np.array([-1.0, 1.0], np.float32),
                        y=np.array([-2.0, -0.5, 0.25, 3.0, 1.0], dtype=np.float32))


@points(2)
@given(case=nearest_cases())
@example(case=NF4_TIES)
@example(case=DYADIC_TIES)
@example(case=TWO_CODES)
def test_nearest_code(sub, case):
    """nearest_code returns uint8 indices of the nearest code (exactly), the lower index at an exact tie."""
    check_nearest(f"nearest_code({case!r})", sub.nearest_code(case.y, case.cb), case.y, case.cb)


@points(1)
def test_nearest_code_ties_go_to_lower_index(sub):
    """At an exact midpoint between two codes nearest_code returns the LOWER index."""
    cb = np.array([-1.0, -0.5, -0.25, 0.0, 0.5, 0.75, 1.0], dtype=np.float32)
    y = ((cb[:-1].astype(np.float64) + cb[1:]) / 2).astype(np.float32)
    check_nearest(f"nearest_code(midpoints {y.tolist()}, {cb.tolist()})",
                  sub.nearest_code(y, cb), y, cb)
    check_nearest(f"nearest_code(NF4 midpoints {NF4_MIDS.tolist()}, nf_codebook(4))",
                  sub.nearest_code(NF4_MIDS, nf(4)), NF4_MIDS, nf(4))


@points(1)
def test_nearest_code_rejects_bad_codebook(sub):
    """nearest_code raises ValueError for a code book that is not strictly increasing or has fewer than 2 or more than 256 values."""
    y = np.array([0.1, -0.3], dtype=np.float32)
    f = np.float32
    check_rejects(sub.nearest_code, [
        ((y, np.array([1.0, 0.0, -1.0], f)), "nearest_code with a decreasing code book"),
        ((y, np.array([-1.0, 0.0, 0.0, 1.0], f)), "nearest_code with a repeated code"),
        ((y, np.array([-1.0, 0.5, 0.25, 1.0], f)), "nearest_code with codes out of order"),
        ((y, np.array([0.0], f)), "nearest_code with a single code"),
        ((y, (np.arange(257) / 256 - 0.5).astype(f)), "nearest_code with 257 codes"),
    ])


# ---------------------------------------------------------------------- quantize_blockwise

def _quantize(sub, case):
    if case.block_size == 64:       # also checks the default block_size
        return sub.quantize_blockwise(case.x, case.cb)
    return sub.quantize_blockwise(case.x, case.cb, case.block_size)


EDGE_X = np.array(
    [0.0] * 8 +                                                 # all-zero block
    [-0.0, 0.0, -0.0, -0.0, 0.0, -0.0, 0.0, -0.0] +             # signed zeros
    [0.0, 0.0, 0.0, -3.5, 0.0, 0.0, 0.0, 0.0] +                 # a single non-zero
    [2.0, -2.0, 1.0, -1.0, 0.5, 2.0, -0.0, 0.25] +              # +-absmax exactly
    [1.0] + NF4_MIDS.tolist() + [-0.0, 0.0, -1.0] +           # exact NF4 midpoints: lower
    [4.0] + (4 * NF4_MIDS).tolist() + [0.5, 1.0, 2.0] +        # the same, absmax 4
    [1e-30, -3e-31, 0.0, 5e-31, -1e-30, 2e-31],                 # a short last block, tiny
    dtype=np.float32)
EDGE = QuantCase("nf4", EDGE_X.size, 8, "explicit", 0, 0, cb=nf(4), x=EDGE_X)
DEFAULT_BS = QuantCase("nf4", 200, 64, "gauss", 7, 0)


@points(3)
@given(case=quant_cases())
@example(case=EDGE)
@example(case=DEFAULT_BS)
def test_quantize_blockwise_nf4(sub, case):
    """quantize_blockwise with NF4: absmax per block (the last may be short), the nearest code of x / absmax, lower index at exact ties."""
    check_quantized(f"quantize_blockwise({case!r})", _quantize(sub, case), case.x, case.cb,
                    case.block_size)


@points(2)
def test_quantize_blockwise_edge_cases(sub):
    """All-zero blocks, signed zeros, a single non-zero, +-absmax, exact midpoints, a short last block, block_size 1."""
    for bs in (8, 5, 1):
        case = QuantCase("nf4", EDGE_X.size, bs, "explicit", 0, 0, cb=nf(4), x=EDGE_X)
        check_quantized(f"quantize_blockwise({case!r})", _quantize(sub, case), case.x,
                        case.cb, bs)
    x = np.zeros(100, dtype=np.float32)
    check_quantized("quantize_blockwise(100 zeros, nf_codebook(4))",
                    sub.quantize_blockwise(x, nf(4)), x, nf(4), 64)


MSE_SEEDS = (2024, 7)


@points(1)
@pytest.mark.parametrize("seed", MSE_SEEDS)
def test_quantize_blockwise_nf4_beats_int4(sub, seed):
    """On N(0,1) data (64 x 512 values, block 64), the MSE of NF4 and of INT4 (k/7) are each within 5 standard errors of their expected values, and NF4's is lower."""
    B, K = 64, 512
    x = np.random.default_rng(seed).standard_normal(B * K).astype(np.float32)
    mse = {}
    for name, cb in (("NF4", nf(4)), ("INT4", INT4)):
        call = f"quantize_blockwise(x, {name} code book, 64)"
        result = sub.quantize_blockwise(x, cb, B)
        check_quantized(call, result, x, cb, B)
        codes, absmax = result
        xhat = np.repeat(absmax.astype(np.float64), B) * cb.astype(np.float64)[codes]
        per_block = ((x - xhat) ** 2).reshape(K, B).mean(axis=1)
        got = float(per_block.mean())
        se = float(per_block.std(ddof=1)) / math.sqrt(K)
        want = expected_mse(tuple(cb.tolist()), B)
        observe(abs(got - want), 5 * se, label="MSE: |measured - expected| vs 5 standard errors")
        assert abs(got - want) <= 5 * se, (
            f"{call}: MSE {got:.6g}, expected {want:.6g} within 5 standard errors ({5 * se:.3g})")
        mse[name] = got
    assert mse["NF4"] < mse["INT4"], f"NF4's MSE {mse['NF4']:.6g} is not below INT4's {mse['INT4']:.6g}"


@points(1)
def test_quantize_blockwise_rejects_bad_input(sub):
    """quantize_blockwise raises ValueError for an empty or non-1-D x and a block_size that is not a positive int."""
    x = np.ones(16, dtype=np.float32)
    cb = nf(4)
    check_rejects(sub.quantize_blockwise, [
        ((np.zeros(0, np.float32), cb, 64), "quantize_blockwise of an empty array"),
        ((np.ones((4, 4), np.float32), cb, 4), "quantize_blockwise of a 2-D array"),
        ((x, cb, 0), "quantize_blockwise with block_size=0"),
        ((x, cb, -64), "quantize_blockwise with block_size=-64"),
        ((x, cb, 2.0), "quantize_blockwise with block_size=2.0 (a float)"),
    ])


# -------------------------------------------------------------------- dequantize_blockwise

class DequantCase:
    def __init__(self, cb_kind, n, block_size, seed, zero_blocks=False):
        self.cb_kind, self.n, self.block_size, self.seed = cb_kind, n, block_size, seed
        self.zero_blocks = zero_blocks
        from nf4_oracle import make_codebook
        rng = np.random.default_rng(seed)
        self.cb = make_codebook(cb_kind, seed)
        nb = -(-n // block_size)
        self.codes = rng.integers(0, self.cb.size, n).astype(np.uint8)
        self.absmax = (2.0 ** rng.uniform(-30, 30, nb) * rng.uniform(1, 2, nb)).astype(np.float32)
        if zero_blocks:
            self.absmax[rng.integers(0, nb, 1 + nb // 3)] = 0.0

    def __repr__(self):
        return (f"DequantCase(cb_kind={self.cb_kind!r}, n={self.n}, "
                f"block_size={self.block_size}, seed={self.seed}, "
                f"zero_blocks={self.zero_blocks})")


@st.composite
def dequant_cases(draw):
    bs = draw(st.sampled_from([1, 3, 16, 64, 64, 100, 256]))
    return DequantCase(draw(st.sampled_from(["nf4", "nf3", "int4", "random"])),
                       draw(st.integers(1, 8 * bs)), bs, draw(st.integers(0, 2 ** 32 - 1)),
                       draw(st.booleans()))


def check_dequantized(call, got, case):
    check = np.asarray(case.absmax, dtype=np.float64)[np.arange(case.n) // case.block_size]
    want = (check * case.cb.astype(np.float64)[case.codes]).astype(np.float32)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.shape == (case.n,), (
        f"{call} must return a numpy float32 array of shape ({case.n},), got "
        f"{type(got).__name__} {getattr(got, 'dtype', '')} {getattr(got, 'shape', '')}")
    bad = np.flatnonzero(~(got == want))
    if bad.size:
        j = int(bad[0])
        b = j // case.block_size
        raise AssertionError(
            f"{call}[{j}] = {float(got[j])!r}, expected absmax[{b}] * codebook[{case.codes[j]}] = "
            f"{float(case.absmax[b])!r} * {float(case.cb[case.codes[j]])!r} = {float(want[j])!r} "
            f"(one float32 product, round to nearest; block j // block_size = {b})")


@points(2)
@given(case=dequant_cases())
@example(case=DequantCase("nf4", 200, 64, 1, True))
def test_dequantize_blockwise(sub, case):
    """dequantize_blockwise returns float32 absmax[j // block_size] * codebook[codes[j]], correctly rounded, 0 for an all-zero block."""
    if case.block_size == 64:
        got = sub.dequantize_blockwise(case.codes, case.absmax, case.cb)
    else:
        got = sub.dequantize_blockwise(case.codes, case.absmax, case.cb, case.block_size)
    check_dequantized(f"dequantize_blockwise({case!r})", got, case)


# ------------------------------------------------------------------------------ packing

ALL_CODES = np.array([[b >> 4, b & 0xF] for b in range(256)], dtype=np.uint8).reshape(512)


@points(1.5)
def test_pack_nibbles(sub):
    """pack_nibbles puts the FIRST code of each pair in the HIGH nibble, for all 256 bytes; an odd count pads a low nibble 0."""
    got = sub.pack_nibbles(ALL_CODES)
    check_uint8("pack_nibbles(codes of all 256 byte values)", got, 256)
    bad = np.flatnonzero(got != np.arange(256))
    if bad.size:
        j = int(bad[0])
        raise AssertionError(
            f"pack_nibbles: codes [{ALL_CODES[2 * j]}, {ALL_CODES[2 * j + 1]}] packed to "
            f"{int(got[j]):#04x}, expected {j:#04x} (first code in the high nibble: "
            f"codes[2j] << 4 | codes[2j + 1])")
    for codes, want in (([7, 3, 15], [0x73, 0xF0]), ([9], [0x90]), ([], [])):
        c = np.array(codes, dtype=np.uint8)
        got = sub.pack_nibbles(c)
        check_uint8(f"pack_nibbles({codes})", got, len(want))
        assert got.tolist() == want, (
            f"pack_nibbles({codes}) = {[hex(b) for b in got.tolist()]}, expected "
            f"{[hex(b) for b in want]} (an odd count leaves the last byte's low nibble 0)")


@points(1.5)
def test_unpack_nibbles(sub):
    """unpack_nibbles(packed, n) returns the n codes, high nibble first, for all 256 bytes and odd n."""
    got = sub.unpack_nibbles(np.arange(256, dtype=np.uint8), 512)
    check_uint8("unpack_nibbles(all 256 bytes, 512)", got, 512)
    bad = np.flatnonzero(got != ALL_CODES)
    if bad.size:
        j = int(bad[0]) // 2
        raise AssertionError(
            f"unpack_nibbles: byte {j:#04x} unpacked to {got[2 * j:2 * j + 2].tolist()}, expected "
            f"[{j >> 4}, {j & 15}] (high nibble first)")
    for packed, n, want in (([0x73, 0xF0], 3, [7, 3, 15]), ([0x9A], 1, [9]), ([], 0, [])):
        got = sub.unpack_nibbles(np.array(packed, dtype=np.uint8), n)
        check_uint8(f"unpack_nibbles({[hex(b) for b in packed]}, {n})", got, n)
        assert got.tolist() == want, (
            f"unpack_nibbles({[hex(b) for b in packed]}, {n}) = {got.tolist()}, expected {want}")


@points(1)
def test_pack_unpack_reject_bad_input(sub):
    """pack_nibbles raises ValueError for a code above 15; unpack_nibbles when len(packed) != ceil(n / 2)."""
    check_rejects(sub.pack_nibbles, [
        ((np.array([1, 16, 3, 4], np.uint8),), "pack_nibbles with a code 16"),
        ((np.array([255], np.uint8),), "pack_nibbles with a code 255"),
    ])
    p = np.array([0x12, 0x34], dtype=np.uint8)
    check_rejects(sub.unpack_nibbles, [
        ((p, 5), "unpack_nibbles(2 bytes, n=5)"), ((p, 2), "unpack_nibbles(2 bytes, n=2)"),
        ((p, 0), "unpack_nibbles(2 bytes, n=0)"),
    ])


# ---------------------------------------------------------------------- double quantization

def _dq(sub, case, block_size):
    if block_size == 256:
        return sub.double_quantize(case.a)
    return sub.double_quantize(case.a, block_size)


TIE_ABSMAX = AbsmaxCase(6, "explicit", 0, 0, a=np.array([0.0, 2.0, 4.0, 1.0, 3.0, 2.0]))
CONSTANT_ABSMAX = AbsmaxCase(300, "constant", 0, 0)


@points(3)
@given(case=absmax_cases(), block_size=st.sampled_from([256, 256, 1, 7, 64, 100]))
@example(case=TIE_ABSMAX, block_size=256)
@example(case=CONSTANT_ABSMAX, block_size=256)
@example(case=AbsmaxCase(700, "chi", 5, 0), block_size=256)
def test_double_quantize(sub, case, block_size):
    """double_quantize: float32 mean, scale = max|absmax - mean| / 127 per block (0 when all equal), q = round((absmax - mean) / scale) in int8."""
    check_double_quantized(f"double_quantize({case!r}, block_size={block_size})",
                           _dq(sub, case, block_size), case.a, block_size)


@points(1)
def test_double_quantize_rejects_bad_input(sub):
    """double_quantize raises ValueError for an empty absmax and a block_size that is not a positive int."""
    a = np.ones(4, dtype=np.float32)
    check_rejects(sub.double_quantize, [
        ((np.zeros(0, np.float32), 256), "double_quantize of an empty array"),
        ((a, 0), "double_quantize with block_size=0"),
        ((a, -256), "double_quantize with block_size=-256"),
    ])


class DDQCase:
    def __init__(self, m, block_size, seed):
        self.m, self.block_size, self.seed = m, block_size, seed
        rng = np.random.default_rng(seed)
        nb = -(-m // block_size)
        self.q = rng.integers(-127, 128, m).astype(np.int8)
        self.scale = (2.0 ** rng.uniform(-20, 5, nb)).astype(np.float32)
        self.scale[rng.integers(0, nb)] = 0.0
        self.mean = np.float32(2.0 ** rng.uniform(-10, 10))

    def __repr__(self):
        return f"DDQCase(m={self.m}, block_size={self.block_size}, seed={self.seed})"


@points(1.5)
@given(m=st.integers(1, 1500), block_size=st.sampled_from([256, 256, 1, 5, 64, 300]),
       seed=st.integers(0, 2 ** 32 - 1))
@example(m=600, block_size=256, seed=3)
def test_double_dequantize(sub, m, block_size, seed):
    """double_dequantize returns float32 q[j] * scale[j // block_size] + mean (to 3u)."""
    case = DDQCase(m, block_size, seed)
    if block_size == 256:
        got = sub.double_dequantize(case.q, case.scale, case.mean)
    else:
        got = sub.double_dequantize(case.q, case.scale, case.mean, block_size)
    check_double_dequantized(f"double_dequantize({case!r})", got, case.q, case.scale,
                             case.mean, block_size)
