"""Hidden tests of nf4: the remaining code-book sizes, nearest codes on random and dyadic code
books, quantization with other code books, full-tie blocks and tiny blocks, the MSE at block 128,
partial blocks in dequantization, packing of long odd sequences, and double quantization at the
edges. Each test calls ONE of the student's functions, on inputs made here."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from autograder.testing import hidden, points
from nf4_oracle import (AbsmaxCase, INT4, QuantCase, absmax_cases, check_codebook, check_double_quantized,
                        check_nearest, check_quantized, check_uint8, expected_mse,
                        nearest_cases, nf, quant_cases)


@points(0.5)
@hidden
@pytest.mark.parametrize("bits", [6, 7])
def test_hidden_nf_codebook_more_sizes(sub, bits):
    """nf_codebook(6) and nf_codebook(7) within 1 ulp of the construction."""
    check_codebook(f"nf_codebook({bits})", sub.nf_codebook(bits), bits)


@points(2)
@hidden
@given(case=nearest_cases(kinds=("dyadic", "random", "nf3", "nf5", "nf8", "int4"), max_n=2000))
def test_hidden_nearest_code_other_codebooks(sub, case):
    """nearest_code on dyadic, random, NF3/5/8 and INT4 code books, with many exact ties."""
    check_nearest(f"nearest_code({case!r})", sub.nearest_code(case.y, case.cb), case.y, case.cb)


@points(1)
@hidden
def test_hidden_nearest_code_256_codes(sub):
    """nearest_code with a 256-value code book (NF8): indices up to 255 fit uint8."""
    cb = nf(8)
    y = np.concatenate([cb, ((cb[:-1].astype(np.float64) + cb[1:]) / 2).astype(np.float32),
                        np.array([1.5, -1.5], np.float32)])
    check_nearest("nearest_code(NF8 codes and midpoints, nf_codebook(8))",
                  sub.nearest_code(y, cb), y, cb)


@points(2.5)
@hidden
@given(case=quant_cases(cb_kinds=("nf2", "nf3", "nf5", "nf8", "int4", "dyadic", "random")))
@example(case=QuantCase("int4", 100, 32, "gauss", 3, 0, ((1, "zero_block"), (2, "one_hot"),
                                                         (3, "neg_zero_block"))))
@example(case=QuantCase("nf3", 50, 7, "ties", 4, 2, ((0, "zero_block"),)))
def test_hidden_quantize_blockwise_other_codebooks(sub, case):
    """quantize_blockwise with NF2/3/5/8, INT4, dyadic and random code books."""
    check_quantized(f"quantize_blockwise({case!r})",
                    sub.quantize_blockwise(case.x, case.cb, case.block_size), case.x, case.cb,
                    case.block_size)


@points(2.5)
@hidden
@given(case=quant_cases(cb_kinds=("nf4", "dyadic", "int4"), kinds=("ties",)))
def test_hidden_quantize_blockwise_ties(sub, case):
    """quantize_blockwise on blocks made of exact midpoints (lower index) and codes."""
    check_quantized(f"quantize_blockwise({case!r})",
                    sub.quantize_blockwise(case.x, case.cb, case.block_size), case.x, case.cb,
                    case.block_size)


@points(1.5)
@hidden
@given(case=quant_cases(cb_kinds=("nf4",), max_blocks=40))
@settings(max_examples=10)
def test_hidden_quantize_blockwise_many_blocks(sub, case):
    """quantize_blockwise with up to 40 blocks, short last blocks and special blocks."""
    check_quantized(f"quantize_blockwise({case!r})",
                    sub.quantize_blockwise(case.x, case.cb, case.block_size), case.x, case.cb,
                    case.block_size)


@points(1.5)
@hidden
def test_hidden_quantize_blockwise_mse_block_128(sub):
    """On N(0,1) data with block 128, NF4's and INT4's MSE are within 5 standard errors of their expected values."""
    B, K = 128, 256
    x = np.random.default_rng(99).standard_normal(B * K).astype(np.float32)
    for name, cb in (("NF4", nf(4)), ("INT4", INT4)):
        result = sub.quantize_blockwise(x, cb, B)
        check_quantized(f"quantize_blockwise(x, {name}, 128)", result, x, cb, B)
        codes, absmax = result
        xhat = np.repeat(absmax.astype(np.float64), B) * cb.astype(np.float64)[codes]
        per_block = ((x - xhat) ** 2).reshape(K, B).mean(axis=1)
        se = float(per_block.std(ddof=1)) / math.sqrt(K)
        want = expected_mse(tuple(cb.tolist()), B)
        assert abs(float(per_block.mean()) - want) <= 5 * se


@points(1.5)
@hidden
@given(n=st.integers(1, 700), block_size=st.sampled_from([1, 7, 64, 256, 1000]),
       seed=st.integers(0, 2 ** 32 - 1))
def test_hidden_dequantize_blockwise_partial_blocks(sub, n, block_size, seed):
    """dequantize_blockwise with a short last block, block_size 1 and one block larger than n."""
    rng = np.random.default_rng(seed)
    cb = nf(4)
    nb = -(-n // block_size)
    codes = rng.integers(0, 16, n).astype(np.uint8)
    absmax = (rng.uniform(0.5, 3.0, nb) * 2.0 ** rng.integers(-20, 20, nb)).astype(np.float32)
    got = sub.dequantize_blockwise(codes, absmax, cb, block_size)
    want = (absmax.astype(np.float64)[np.arange(n) // block_size]
            * cb.astype(np.float64)[codes]).astype(np.float32)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.shape == (n,)
    assert np.array_equal(got, want)


@points(1.5)
@hidden
@given(n=st.integers(0, 3000), seed=st.integers(0, 2 ** 32 - 1))
@example(n=1, seed=0)
@example(n=2999, seed=1)
def test_hidden_pack_unpack_long(sub, n, seed):
    """pack_nibbles then (separately) unpack_nibbles on long sequences of even and odd length."""
    codes = np.random.default_rng(seed).integers(0, 16, n).astype(np.uint8)
    c = np.concatenate([codes, np.zeros(n % 2, np.uint8)]).astype(np.int64)
    want = ((c[0::2] << 4) | c[1::2]).astype(np.uint8)
    got = sub.pack_nibbles(codes)
    check_uint8(f"pack_nibbles({n} codes)", got, (n + 1) // 2)
    assert np.array_equal(got, want)
    back = sub.unpack_nibbles(want, n)
    check_uint8(f"unpack_nibbles({(n + 1) // 2} bytes, {n})", back, n)
    assert np.array_equal(back, codes)


@points(2)
@hidden
@given(case=absmax_cases(max_m=3000, kinds=("constant", "zeros_and_one", "levels", "spread")),
       block_size=st.sampled_from([256, 1, 2, 255, 257, 4096]))
@example(case=AbsmaxCase(1, "explicit", 0, 0, a=np.array([3.0], np.float32)), block_size=256)
@example(case=AbsmaxCase(513, "chi", 4, 0), block_size=256)
def test_hidden_double_quantize_edges(sub, case, block_size):
    """double_quantize with constant, zero-heavy and widely spread absmax, one value, short last blocks."""
    check_double_quantized(f"double_quantize({case!r}, block_size={block_size})",
                           sub.double_quantize(case.a, block_size), case.a, block_size)


@points(1)
@hidden
def test_hidden_double_dequantize_round_trip_data(sub):
    """double_dequantize on a long array with zero scales and a negative mean, block 256 by default."""
    rng = np.random.default_rng(5)
    m = 3000
    q = rng.integers(-127, 128, m).astype(np.int8)
    scale = rng.uniform(1e-3, 1e-1, -(-m // 256)).astype(np.float32)
    scale[3] = 0.0
    mean = np.float32(-0.75)
    got = sub.double_dequantize(q, scale, mean)
    exact = q.astype(np.float64) * scale.astype(np.float64)[np.arange(m) // 256] + float(mean)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.shape == (m,)
    qs = np.abs(q.astype(np.float64) * scale.astype(np.float64)[np.arange(m) // 256])
    assert np.all(np.abs(got - exact) <= 3 * 2.0 ** -24 * (qs + 0.75))
