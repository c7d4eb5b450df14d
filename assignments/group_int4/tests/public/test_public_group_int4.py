"""Public tests of group_int4: packing, quantization, dequantization and the INT4 linear layer.

Every test calls ONE of your functions; its inputs are made here (never by your other
functions), so a bug costs only the points of the function that has it. The checks and their
tolerances are in int4_strategies.py, with their derivation in its docstring.
"""

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings, strategies as st

from autograder.testing import points
from int4_strategies import (DTYPES, QuantCase, WeightCase, activations, check_dequantized,
                             check_linear, check_quantization, check_quantize_result,
                             check_scale, check_tensor, check_zero, group_stats, np_pack,
                             np_unpack, quant_cases, weight_cases)

ALL_CODES = np.array([[b & 0xF, b >> 4] for b in range(256)], dtype=np.uint8).reshape(512)


def _show_codes(c):
    return np.asarray(c).reshape(-1)[:8].tolist()


# --------------------------------------------------------------------------------------- pack

@points(1)
def test_pack_int4_all_byte_values(sub):
    """pack_int4 puts code 2j in the low nibble and code 2j+1 in the high nibble, for all 256 bytes."""
    for shape in [(512,), (1, 512), (16, 32), (2, 8, 32)]:
        codes = torch.from_numpy(ALL_CODES.reshape(shape).copy())
        got = sub.pack_int4(codes)
        want = np.arange(256, dtype=np.uint8).reshape(shape[:-1] + (shape[-1] // 2,))
        check_tensor(f"pack_int4(codes of shape {list(shape)})", got, torch.uint8, want.shape)
        g = got.numpy()
        bad = np.argwhere(g != want)
        if bad.size:
            i = tuple(bad[0])
            c = codes.numpy()[i[:-1] + (slice(2 * i[-1], 2 * i[-1] + 2),)]
            raise AssertionError(
                f"pack_int4: codes (even, odd) = ({c[0]}, {c[1]}) packed to byte {g[i]:#04x}, "
                f"expected {want[i]:#04x} = {c[0]} | ({c[1]} << 4) (even code in the LOW nibble)")


@points(1)
def test_unpack_int4_all_byte_values(sub):
    """unpack_int4 reads the low nibble as the even code and the high nibble as the odd one, for all 256 bytes."""
    for shape in [(256,), (16, 16), (2, 4, 32)]:
        packed = torch.arange(256, dtype=torch.uint8).reshape(shape)
        got = sub.unpack_int4(packed)
        want = ALL_CODES.reshape(shape[:-1] + (2 * shape[-1],))
        check_tensor(f"unpack_int4(bytes of shape {list(shape)})", got, torch.uint8, want.shape)
        g = got.numpy()
        bad = np.argwhere(g != want)
        if bad.size:
            i = tuple(bad[0])
            byte = packed.numpy()[i[:-1] + (i[-1] // 2,)]
            raise AssertionError(
                f"unpack_int4: byte {byte:#04x} unpacked to codes "
                f"{g[i[:-1] + (slice(i[-1] // 2 * 2, i[-1] // 2 * 2 + 2),)].tolist()}, expected "
                f"[{byte & 15}, {byte >> 4}] (low nibble first)")


leading_shapes = st.sampled_from([(), (1,), (3,), (2, 3), (1, 1, 2)])


@points(1)
@settings(max_examples=30)
@given(lead=leading_shapes, half=st.integers(1, 40), seed=st.integers(0, 2 ** 32 - 1))
def test_pack_int4_shapes(sub, lead, half, seed):
    """pack_int4 maps uint8 [..., n] to uint8 [..., n // 2] for any leading shape."""
    codes = np.random.default_rng(seed).integers(0, 16, size=lead + (2 * half,)).astype(np.uint8)
    got = sub.pack_int4(torch.from_numpy(codes))
    want = np_pack(codes)
    call = f"pack_int4(codes of shape {list(codes.shape)}, starting {_show_codes(codes)})"
    check_tensor(call, got, torch.uint8, want.shape)
    if not np.array_equal(got.numpy(), want):
        raise AssertionError(f"{call} = {_show_codes(got.numpy())}..., expected "
                             f"{_show_codes(want)}...")


@points(1)
@settings(max_examples=30)
@given(lead=leading_shapes, m=st.integers(1, 40), seed=st.integers(0, 2 ** 32 - 1))
def test_unpack_int4_shapes(sub, lead, m, seed):
    """unpack_int4 maps uint8 [..., m] to uint8 [..., 2m] for any leading shape."""
    packed = np.random.default_rng(seed).integers(0, 256, size=lead + (m,)).astype(np.uint8)
    got = sub.unpack_int4(torch.from_numpy(packed))
    want = np_unpack(packed)
    call = f"unpack_int4(bytes of shape {list(packed.shape)}, starting {_show_codes(packed)})"
    check_tensor(call, got, torch.uint8, want.shape)
    if not np.array_equal(got.numpy(), want):
        raise AssertionError(f"{call} = {_show_codes(got.numpy())}..., expected "
                             f"{_show_codes(want)}...")


@points(1)
def test_pack_int4_rejects_bad_codes(sub):
    """pack_int4 raises ValueError for an odd last dimension or a code outside 0..15."""
    cases = [
        ("an odd last dimension [3]", torch.tensor([1, 2, 3], dtype=torch.uint8)),
        ("an odd last dimension [2, 5]", torch.zeros(2, 5, dtype=torch.uint8)),
        ("a code 16", torch.tensor([0, 16, 3, 4], dtype=torch.uint8)),
        ("a code 255", torch.tensor([[1, 2], [255, 0]], dtype=torch.uint8)),
        ("a code 17 among valid ones", torch.tensor([15, 15, 0, 17, 9, 9], dtype=torch.uint8)),
    ]
    for what, codes in cases:
        with pytest.raises(ValueError):
            sub.pack_int4(codes)
            pytest.fail(f"pack_int4 with {what}: expected ValueError, nothing was raised")


# ----------------------------------------------------------------------------------- quantize

@points(1)
def test_quantize_int4_output_types(sub):
    """quantize_int4 returns (packed uint8 [rows, cols/2], scale float32 [rows, cols/gs], zero uint8 or None), with right values; group_size defaults to 128."""
    # The types, dtypes and shapes are checked first (their messages come first), then the
    # values, with every check of the contract: a result of the right types with wrong values
    # earns nothing.
    for dtype in DTYPES.values():
        w = torch.randn(4, 256, generator=torch.Generator().manual_seed(1)).to(dtype)
        for symmetric in (False, True):
            if symmetric:
                got = sub.quantize_int4(w, symmetric=True)
            else:
                got = sub.quantize_int4(w)
            check_quantization(got, w, 128, symmetric)
            check_quantization(sub.quantize_int4(w, 32, symmetric), w, 32, symmetric)


ASYM_TIES = WeightCase(rows=2, n_groups=2, group_size=8, dtype="float32", kind="ties_asym",
                       seed=3, log2_mag=0)
SYM_TIES = WeightCase(rows=2, n_groups=2, group_size=8, dtype="float32", kind="ties_sym",
                      seed=3, log2_mag=0)
# zero point exactly 7.5 (7 and 8 are both fine), codes exactly halfway (either neighbour)
HALF_ZERO = WeightCase(rows=1, n_groups=1, group_size=4, dtype="float32", kind="explicit",
                       seed=0, log2_mag=0, w=torch.tensor([[-7.5, 7.5, 0.5, 2.5]]))


@points(2)
@given(case=weight_cases())
@example(case=HALF_ZERO)
@example(case=ASYM_TIES)
def test_quantize_int4_asymmetric_scale_and_zero(sub, case):
    """Asymmetric: scale = (hi - lo) / 15 (1.0 for an all-zero group) and zero = round(-lo / scale)."""
    got = sub.quantize_int4(case.w, case.group_size)
    call = f"quantize_int4(w, group_size={case.group_size})"
    packed, scale, zero = check_quantize_result(got, case.w, case.group_size, False)
    g, lo, hi, amax = group_stats(case.w, case.group_size)
    check_scale(call, g, lo, hi, amax, scale, symmetric=False)
    check_zero(call, g, lo, hi, scale, zero)


@points(3)
@given(case=weight_cases())
@example(case=HALF_ZERO)
@example(case=ASYM_TIES)
def test_quantize_int4_asymmetric_codes(sub, case):
    """Asymmetric: every weight dequantizes, with your scale and zero, within scale/2 of its value (nearest code); the scale and zero must be right too."""
    # The codes are judged with the submission's own scale and zero point, so these must pass
    # their own checks first: otherwise a consistent but wrong quantizer (a huge scale and every
    # code equal to the zero point, or one scale per row) would earn the codes' points.
    got = sub.quantize_int4(case.w, case.group_size)
    check_quantization(got, case.w, case.group_size, symmetric=False)


@points(3)
@given(case=weight_cases())
@example(case=SYM_TIES)
def test_quantize_int4_symmetric(sub, case):
    """Symmetric: scale = max|g| / 7, zero is None, q = round(w / scale) stored as q & 0xF, within scale/2."""
    got = sub.quantize_int4(case.w, case.group_size, True)
    check_quantization(got, case.w, case.group_size, symmetric=True)


def _special_weights(dtype):
    """One row per situation, each group of 8: see the comments."""
    rows = [
        [0.0] * 8 + [1.5, -2.0, 0.25, 3.0, -0.75, 0.0, 1.0, 2.5],      # all-zero group
        [-0.0, 0.0, -0.0, -0.0, 0.0, 0.0, -0.0, 0.0] + [0.5] * 8,        # signed zeros; constant > 0
        [-3.0] * 8 + [0.0] * 7 + [5.0],                                  # constant < 0; one non-zero
        [7.0] * 8 + [0.0] * 7 + [-5.0],                                  # constant; one negative
        [1e-30, -1e-30, 0.0, 2e-30, 0.0, 0.0, 0.0, 3e-30] + [100.0] + [1e-3] * 7,  # tiny; outlier
    ]
    if dtype == torch.float16:
        rows[4] = [1e-7, -1e-7, 0.0, 2e-7, 0.0, 0.0, 0.0, 3e-7] + [100.0] + [1e-3] * 7
    return torch.tensor(rows, dtype=torch.float32).to(dtype)


@points(1.5)
def test_quantize_int4_zero_and_constant_groups(sub):
    """All-zero groups get scale 1.0 (and zero point 0); constant groups and lone outliers stay within scale/2."""
    for dtype in DTYPES.values():
        w = _special_weights(dtype)
        for symmetric in (False, True):
            check_quantization(sub.quantize_int4(w, 8, symmetric), w, 8, symmetric)


@points(1.5)
def test_quantize_int4_rejects_bad_input(sub):
    """quantize_int4 raises ValueError for a weight that is not 2-D and for a bad group_size."""
    w = torch.randn(4, 24)
    cases = [
        ("w of shape [24] (1-D)", torch.randn(24), 8),
        ("w of shape [2, 3, 8] (3-D)", torch.randn(2, 3, 8), 8),
        ("group_size=0", w, 0),
        ("group_size=-8", w, -8),
        ("group_size=3 (odd, divides 24)", w, 3),
        ("group_size=1 (odd)", w, 1),
        ("group_size=16 (does not divide 24 columns)", w, 16),
        ("group_size=48 (larger than the 24 columns)", w, 48),
    ]
    for what, ww, gs in cases:
        for symmetric in (False, True):
            with pytest.raises(ValueError):
                sub.quantize_int4(ww, gs, symmetric)
                pytest.fail(f"quantize_int4 with {what}, symmetric={symmetric}: expected "
                            f"ValueError, nothing was raised")


# --------------------------------------------------------------------------------- dequantize

DEFAULT_GS = QuantCase(rows=2, n_groups=2, group_size=128, symmetric=False, seed=7)
DEFAULT_GS_SYM = QuantCase(rows=2, n_groups=2, group_size=128, symmetric=True, seed=7)


def _dequantize(sub, case):
    packed, scale, zero = case.tensors()
    if case.group_size == 128:     # also checks the default group_size
        return sub.dequantize_int4(packed, scale, zero)
    return sub.dequantize_int4(packed, scale, zero, case.group_size)


@points(2)
@given(case=quant_cases(symmetric=False))
@example(case=DEFAULT_GS)
def test_dequantize_int4_asymmetric(sub, case):
    """dequantize_int4 returns float32 (code - zero) * scale per group (codes, scales, zeros made by the grader)."""
    got = _dequantize(sub, case)
    check_dequantized(f"dequantize_int4(packed, scale, zero, group_size={case.group_size})",
                      got, case.exact(), case.scale, case.group_size)


@points(2)
@given(case=quant_cases(symmetric=True))
@example(case=DEFAULT_GS_SYM)
def test_dequantize_int4_symmetric(sub, case):
    """dequantize_int4 with zero=None returns float32 q * scale, q the signed nibble (8..15 -> -8..-1)."""
    got = _dequantize(sub, case)
    check_dequantized(f"dequantize_int4(packed, scale, None, group_size={case.group_size})",
                      got, case.exact(), case.scale, case.group_size)


# ----------------------------------------------------------------------------------- linear

@points(1)
def test_int4_linear_dtype_and_shape(sub):
    """int4_linear maps x [..., cols] to [..., rows] in x's dtype (float32, float16, bfloat16), with right values."""
    # The dtype and shape are checked first (their messages come first), then the values with
    # the accuracy test's tolerance: an answer of the right dtype and shape with wrong values
    # earns nothing.
    case = QuantCase(rows=3, n_groups=2, group_size=128, symmetric=False, seed=1,
                     scale_log2=(-6, -2))
    packed, scale, zero = case.tensors()
    W = case.exact().astype(np.float32).astype(np.float64)
    for dtype in DTYPES.values():
        for lead in [(), (1,), (5,), (2, 3)]:
            x = torch.randn(lead + (256,), generator=torch.Generator().manual_seed(2)).to(dtype)
            call = f"int4_linear(x: {str(dtype).removeprefix('torch.')} {list(x.shape)}, W [3, 256])"
            got = sub.int4_linear(x, packed, scale, zero, 128)
            check_tensor(call, got, dtype, lead + (3,))
            check_linear(call, got, x, W)
            call += " with the default group_size"
            got = sub.int4_linear(x, packed, scale, zero)
            check_tensor(call, got, dtype, lead + (3,))
            check_linear(call, got, x, W)


@points(3)
@settings(max_examples=30)
@given(case=quant_cases(scale_log2=(-8, -1)), data=st.data())
def test_int4_linear_accuracy(sub, case, data):
    """int4_linear equals x @ W.T with W = (code - zero) * scale, to a tolerance set by x's dtype and cols."""
    x = data.draw(activations(case.cols), label="x")
    packed, scale, zero = case.tensors()
    got = sub.int4_linear(x, packed, scale, zero, case.group_size)
    W = case.exact().astype(np.float32).astype(np.float64)
    check_linear(f"int4_linear(x: {str(x.dtype).removeprefix('torch.')} {list(x.shape)}, "
                 f"packed, scale, zero, group_size={case.group_size})", got, x, W)
