"""Hidden tests of group_int4: the hard cases (ties, extreme magnitudes, outlier channels), SQNR
against the reference, and dequantize / int4_linear on the reference's own quantized weights.

Each test calls ONE of the student's functions; inputs for dequantize_int4 and int4_linear are
made by the reference quantizer, never by the student's.
"""

import sys
from pathlib import Path

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))

from autograder.testing import hidden, points  # noqa: E402
from int4_strategies import (SLACK_ULPS, SQNR_MARGIN_DB, U32, activations,  # noqa: E402
                             check_dequantized, check_linear, check_quantization,
                             check_quantize_result, f64, np_dequantize, np_unpack, sqnr_db,
                             weight_cases)

TIES = ("ties_asym", "ties_sym")
OUTLIERS = ("outlier_col", "outlier_row", "rowscale", "sparse")
# kinds whose dequantized weights keep x @ W.T well inside float16's range
TAME = ("gauss", "uniform", "positive", "negative", "sparse", "ties_asym", "ties_sym",
        "constant", "ints")


@points(1)
@hidden
@given(case=weight_cases(kinds=TIES), symmetric=st.booleans())
def test_hidden_quantize_int4_ties(sub, case, symmetric):
    """quantize_int4 on groups full of exact rounding ties (either neighbour accepted)."""
    got = sub.quantize_int4(case.w, case.group_size, symmetric)
    check_quantization(got, case.w, case.group_size, symmetric)


@points(1)
@hidden
@given(case=st.one_of(weight_cases(dtypes=("float32", "bfloat16"), mag=(-90, 90)),
                      weight_cases(dtypes=("float16",), mag=(-24, 12))),
       symmetric=st.booleans())
def test_hidden_quantize_int4_extreme_magnitudes(sub, case, symmetric):
    """quantize_int4 on weights from 2**-90 to 2**90 (float16: subnormals to overflow's edge)."""
    got = sub.quantize_int4(case.w, case.group_size, symmetric)
    check_quantization(got, case.w, case.group_size, symmetric)


@points(1)
@hidden
@given(case=weight_cases(kinds=OUTLIERS, dtypes=("bfloat16", "float16", "float32")),
       symmetric=st.booleans())
def test_hidden_quantize_int4_outlier_channels(sub, case, symmetric):
    """quantize_int4 with outlier input channels, outlier rows and sparse weights."""
    got = sub.quantize_int4(case.w, case.group_size, symmetric)
    check_quantization(got, case.w, case.group_size, symmetric)


def _noise(w, packed, scale, zero, group_size):
    """Squared quantization error summed over the matrix, in float64."""
    a = f64(w.to(torch.float32))
    return float(np.sum((a - np_dequantize(np_unpack(packed), scale, zero, group_size)) ** 2))


def _sqnr_check(sub, ref, case, symmetric):
    """The student's noise is at most the reference's plus SQNR_MARGIN_DB, or at float32
    rounding level: where both errors are a few ulps (a constant group), dB mean nothing."""
    got = sub.quantize_int4(case.w, case.group_size, symmetric)
    packed, scale, zero = check_quantize_result(got, case.w, case.group_size, symmetric)
    rp, rs, rz = ref.quantize_int4(case.w, case.group_size, symmetric)
    rs, rz = rs.numpy().astype(np.float64), None if rz is None else rz.numpy().astype(np.int64)
    mine = _noise(case.w, packed, scale, zero, case.group_size)
    theirs = _noise(case.w, rp.numpy(), rs, rz, case.group_size)
    a = f64(case.w.to(torch.float32))
    rounding = a.size * (SLACK_ULPS * U32 * float(np.max(np.abs(a)))) ** 2
    assert mine <= theirs * 10 ** (SQNR_MARGIN_DB / 10) + rounding, (
        f"quantize_int4(w, group_size={case.group_size}, symmetric={symmetric}): SQNR "
        f"{sqnr_db(case.w, packed, scale, zero, case.group_size):.3f} dB, a correct quantizer "
        f"gets {sqnr_db(case.w, rp.numpy(), rs, rz, case.group_size):.3f} dB")


@points(1.5)
@hidden
@settings(max_examples=25)
@given(case=weight_cases(kinds=("gauss",), max_rows=16))
def test_hidden_quantize_int4_sqnr_asymmetric(sub, ref, case):
    """Asymmetric quantize_int4 on Gaussian weights: SQNR no worse than a correct quantizer's."""
    _sqnr_check(sub, ref, case, False)


@points(1)
@hidden
@settings(max_examples=25)
@given(case=weight_cases(kinds=("gauss",), max_rows=16))
def test_hidden_quantize_int4_sqnr_symmetric(sub, ref, case):
    """Symmetric quantize_int4 on Gaussian weights: SQNR no worse than a correct quantizer's."""
    _sqnr_check(sub, ref, case, True)


@points(1.5)
@hidden
@given(case=weight_cases(), symmetric=st.booleans())
def test_hidden_dequantize_int4_reference_inputs(sub, ref, case, symmetric):
    """dequantize_int4 of the reference's quantization of real-looking weights."""
    packed, scale, zero = ref.quantize_int4(case.w, case.group_size, symmetric)
    got = sub.dequantize_int4(packed, scale, zero, case.group_size)
    s = scale.numpy()
    exact = np_dequantize(np_unpack(packed.numpy()), s, None if zero is None else zero.numpy(),
                          case.group_size)
    check_dequantized(f"dequantize_int4(packed, scale, {'None' if zero is None else 'zero'}, "
                      f"group_size={case.group_size})", got, exact, s, case.group_size)


@points(1.5)
@hidden
@settings(max_examples=30)
@given(case=weight_cases(kinds=TAME, mag=(-6, 0)), symmetric=st.booleans(), data=st.data())
def test_hidden_int4_linear_reference_inputs(sub, ref, case, symmetric, data):
    """int4_linear on the reference's quantization of real-looking weights."""
    packed, scale, zero = ref.quantize_int4(case.w, case.group_size, symmetric)
    x = data.draw(activations(case.cols), label="x")
    got = sub.int4_linear(x, packed, scale, zero, case.group_size)
    W = ref.dequantize_int4(packed, scale, zero, case.group_size).to(torch.float64).numpy()
    check_linear(f"int4_linear(x: {str(x.dtype).removeprefix('torch.')} {list(x.shape)}, "
                 f"packed, scale, zero, group_size={case.group_size})", got, x, W)
