"""Public tests of int8_quant: symmetric and asymmetric INT8 quantization at three granularities,
dequantization, percentile clipping, error metrics and the hand part.

Every test calls ONE of your functions; its inputs are made here, never by your other functions,
so a bug costs only the points of the function that has it. The checks and their tolerances are
in int8_strategies.py, with their derivation in its docstring.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from autograder.testing import observe, points
from int8_strategies import (F32, MAX_ABS_TOL, MSE_TOL, PCT_TOL, SQNR_TOL_DB, WeightCase,
                             blocks_of, call_text, check_array, check_asymmetric,
                             check_error_bound, check_result, check_scale, check_symmetric,
                             check_zero_point,
                             dequantized64, exact_metrics, exact_percentile, exact_sqnr,
                             expected_asym_scale, expected_sym_scale, explicit, quantize,
                             weight_cases)

GRANS = [("tensor", None), ("channel", None), ("group", 4), ("group", 16)]

# ------------------------------------------------------------------------ hard-case examples
# exact ties: the scale is 1/32 (absmax 127/32), w / scale = 40.5, -2.5, 3.5, -0.5
SYM_TIES = explicit([[3.96875, 1.265625, -0.078125, 0.109375, -0.015625, 0.0, -0.0, 0.5]])
# negative zero everywhere in row 0 (absmax 0: scale 1.0, codes 0), a lone value in row 1
NEG_ZERO = explicit([[-0.0, -0.0, -0.0, -0.0], [0.0, -0.0, 0.0, -7.25]], "channel")
# one huge outlier: every other weight rounds to 0 per tensor, not per channel
OUTLIER = explicit([[1e6, 0.3, -0.2, 0.1], [0.25, -0.5, 0.75, 1.0]], "tensor")
OUTLIER_CH = explicit([[1e6, 0.3, -0.2, 0.1], [0.25, -0.5, 0.75, 1.0]], "channel")
# groups of 3: constant group, zero group, mixed group
GROUPS3 = explicit([[2.0, 2.0, 2.0, 0.0, 0.0, 0.0, -1.0, 0.5, 0.25]], "group", 3)
# asymmetric: lo = -101.5/64, hi = 153.5/64 -> scale 1/64, zero point rint(101.5) = 102,
# and w = hi gives rint(153.5) + 102 = 256: it must be clipped to 255
ASYM_CLAMP = explicit([[-1.5859375, 2.3984375, 0.5, -0.0078125, 0.0]])
# asymmetric ties: scale 1/32 (range 255/32), zero point 100, w / scale = 2.5, -3.5
ASYM_TIES = explicit([[-3.125, 4.84375, 0.078125, -0.109375]])
# asymmetric zero point on a tie: lo = -100.5/64, hi = 154.5/64, scale 1/64, -lo/scale = 100.5 -> 100
ASYM_ZP_TIE = explicit([[-1.5703125, 2.4140625, 0.015625, -0.5]])
# one-sided blocks: all positive (zero point 0), all negative (zero point 255), constant
ONE_SIDED = explicit([[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0],
                      [-0.75, -0.75, -0.75, -0.75], [0.0, 0.0, 0.0, 0.0]], "channel")
ONE_SIDED_T = explicit([[1.0, 2.0, 3.0, 4.0], [1.5, 2.5, 0.25, 4.0]], "tensor")
ONE_SIDED_G = explicit(ONE_SIDED.w, "group", 2)
ASYM_CLAMP_CH = explicit(np.vstack([ASYM_CLAMP.w, ASYM_CLAMP.w * 2]), "channel")
ASYM_CLAMP_G = explicit(np.hstack([ASYM_CLAMP.w, ASYM_CLAMP.w * 4]), "group", 5)
NEG_ZERO_T = explicit([[-0.0, -0.0, -0.0], [0.0, -0.0, 0.0]], "tensor")
# near-ties: w = float32((k + 1/2) * scale), whose float32 quotient w / scale is often exactly
# k + 1/2 while the float64 quotient is not
NEAR_SYM = WeightCase(4, 64, "channel", None, "near_ties", 11)
NEAR_ASYM = WeightCase(4, 64, "channel", None, "near_ties", 11, symmetric=False)


# ============================================================================ symmetric

@points(1)
def test_quantize_symmetric_types_and_default(sub):
    """quantize_symmetric returns (codes int8 (out, in), scale float32 of the granularity's shape), with right values; granularity defaults to 'tensor'."""
    w = np.random.default_rng(1).standard_normal((6, 32)).astype(F32)
    got = sub.quantize_symmetric(w)
    check_symmetric("quantize_symmetric(w) (default granularity)", got, w, "tensor", None)
    for gran, gs in GRANS:
        case = explicit(w, gran, gs)
        check_symmetric(call_text("quantize_symmetric", case),
                        quantize(sub, "quantize_symmetric", case), w, gran, gs)


@points(2)
@given(case=weight_cases())
@example(case=SYM_TIES)
@example(case=NEG_ZERO)
@example(case=OUTLIER)
@example(case=GROUPS3)
def test_quantize_symmetric_scale(sub, case):
    """Symmetric scale = float32(absmax) / 127 per block, exactly; 1.0 for an all-zero block."""
    call = call_text("quantize_symmetric", case)
    codes, scale = check_result(call, quantize(sub, "quantize_symmetric", case), case.w,
                                case.granularity, case.group_size, True)
    b = blocks_of(case.w, case.granularity, case.group_size)
    check_scale(call, b, scale, expected_sym_scale(b), "float32(absmax) / 127",
                case.granularity, case.group_size)


@points(2.5)
@given(case=weight_cases())
@example(case=SYM_TIES)
@example(case=NEG_ZERO)
@example(case=OUTLIER)
@example(case=OUTLIER_CH)
@example(case=GROUPS3)
@example(case=NEAR_SYM)
def test_quantize_symmetric_codes(sub, case):
    """Symmetric codes = clip(rint(w / scale), -127, 127): float32 quotient, round half to even (scale checked too)."""
    check_symmetric(call_text("quantize_symmetric", case),
                    quantize(sub, "quantize_symmetric", case), case.w, case.granularity,
                    case.group_size)


def _sym_bound(sub, case):
    call = call_text("quantize_symmetric", case)
    codes, scale = check_result(call, quantize(sub, "quantize_symmetric", case), case.w,
                                case.granularity, case.group_size, True)
    check_error_bound(call, case.w, codes, scale, None, case.granularity, case.group_size,
                      f"quantize_symmetric ({case.granularity}): worst |w - q*scale| vs bound")


@points(0.5)
@given(case=weight_cases(granularities=("tensor",)))
@example(case=NEG_ZERO_T)
def test_quantize_symmetric_error_bound_tensor(sub, case):
    """Per tensor: every weight dequantizes within scale * (1/2 + 2**-12) of itself."""
    _sym_bound(sub, case)


@points(0.5)
@given(case=weight_cases(granularities=("channel",)))
@example(case=NEG_ZERO)
def test_quantize_symmetric_error_bound_channel(sub, case):
    """Per channel: every weight dequantizes within scale * (1/2 + 2**-12) of itself."""
    _sym_bound(sub, case)


@points(0.5)
@given(case=weight_cases(granularities=("group",)))
@example(case=GROUPS3)
def test_quantize_symmetric_error_bound_group(sub, case):
    """Per group: every weight dequantizes within scale * (1/2 + 2**-12) of itself."""
    _sym_bound(sub, case)


@points(1.5)
def test_quantize_symmetric_zero_and_constant_rows(sub):
    """All-zero and negative-zero blocks get scale 1.0 and codes 0; constant rows get codes +-127."""
    w = np.array([[0.0] * 8, [-0.0] * 8, [2.5] * 8, [-3.0] * 8,
                  [0.0, -0.0, 0.0, 1e-20, 0.0, 0.0, 0.0, 0.0]], dtype=F32)
    for gran, gs in [("tensor", None), ("channel", None), ("group", 4), ("group", 1)]:
        case = explicit(w, gran, gs)
        codes, scale = check_symmetric(call_text("quantize_symmetric", case),
                                       quantize(sub, "quantize_symmetric", case), w, gran, gs)


CLIP_CASES = st.sampled_from([0.5, 1.0, 1.7, 3.0, 1e-3, 2.0 ** 20, 0.1])


@points(2)
@given(case=weight_cases(mag=(-2, 2)), clip=CLIP_CASES)
@example(case=OUTLIER, clip=1.0)
@example(case=SYM_TIES, clip=1.265625)
@example(case=NEG_ZERO, clip=0.5)
@example(case=GROUPS3, clip=1.5)
@example(case=SYM_TIES, clip=3.96875)
@example(case=NEAR_SYM, clip=2.0 ** 20)
def test_quantize_symmetric_clip(sub, case, clip):
    """With clip=c, w is clipped to [-float32(c), float32(c)] first: scale = min(absmax, c) / 127 and clipped weights get +-127."""
    call = call_text("quantize_symmetric", case, f", clip={clip!r}")
    codes, scale = check_symmetric(call, quantize(sub, "quantize_symmetric", case, clip=clip),
                                   case.w, case.granularity, case.group_size, clip=clip)
    check_error_bound(call, case.w, codes, scale, None, case.granularity, case.group_size,
                      "quantize_symmetric(clip=c): unclipped weights' |error| vs bound",
                      clip=clip)


@points(1.5)
def test_clipping_lowers_mse_with_one_outlier(sub):
    """Per tensor, 512x512 N(0,1) weights and one outlier of 60: clip=8 gives a lower MSE than no clipping."""
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((512, 512)).astype(F32)
        w[rng.integers(512), rng.integers(512)] = 60.0 * rng.choice([-1.0, 1.0])
        errs = {}
        for clip in (None, 8.0):
            case = explicit(w, "tensor")
            call = f"quantize_symmetric(w, 'tensor', clip={clip})"
            got = (sub.quantize_symmetric(w, "tensor") if clip is None
                   else sub.quantize_symmetric(w, "tensor", None, clip))
            codes, scale = check_symmetric(call, got, w, "tensor", None, clip=clip)
            deq = dequantized64(codes, scale, None, "tensor", None).reshape(w.shape)
            errs[clip] = float(np.mean((w.astype(np.float64) - deq) ** 2))
        assert errs[8.0] < errs[None], (
            f"seed {seed}: MSE with clip=8 is {errs[8.0]:.6g}, without clipping {errs[None]:.6g}; "
            f"clipping should lower it (see the statement's derivation)")


@points(2)
def test_granularity_experiment_outlier_rows(sub):
    """64x256 N(0,1) weights with one row x100: per-channel and per-group (G=32) SQNR beat per-tensor by at least 6 dB."""
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((64, 256))
        w[rng.integers(64)] *= 100.0
        w = w.astype(F32)
        sq = {}
        for gran, gs in [("tensor", None), ("channel", None), ("group", 32)]:
            case = explicit(w, gran, gs)
            codes, scale = check_symmetric(call_text("quantize_symmetric", case),
                                           quantize(sub, "quantize_symmetric", case), w, gran, gs)
            deq = dequantized64(codes, scale, None, gran, gs).reshape(w.shape)
            a = w.astype(np.float64)
            sq[gran] = 10 * math.log10(np.sum(a * a) / np.sum((a - deq) ** 2))
        for gran in ("channel", "group"):
            assert sq[gran] >= sq["tensor"] + 6.0, (
                f"seed {seed}: SQNR per {gran} {sq[gran]:.2f} dB, per tensor {sq['tensor']:.2f} dB:"
                f" expected at least 6 dB better")


BAD_SYM = [
    ("w of shape (8,) (1-D)", np.zeros(8, F32), ("tensor",), {}),
    ("w of shape (2, 2, 2) (3-D)", np.zeros((2, 2, 2), F32), ("channel",), {}),
    ("granularity='row'", np.ones((2, 8), F32), ("row",), {}),
    ("granularity='group' with group_size=None", np.ones((2, 8), F32), ("group",), {}),
    ("group_size=3 (does not divide 8)", np.ones((2, 8), F32), ("group", 3), {}),
    ("group_size=0", np.ones((2, 8), F32), ("group", 0), {}),
    ("group_size=-4", np.ones((2, 8), F32), ("group", -4), {}),
    ("group_size=16 (more than the 8 columns)", np.ones((2, 8), F32), ("group", 16), {}),
    ("clip=0.0", np.ones((2, 8), F32), ("tensor",), {"clip": 0.0}),
    ("clip=-1.0", np.ones((2, 8), F32), ("channel",), {"clip": -1.0}),
    ("clip=inf", np.ones((2, 8), F32), ("channel",), {"clip": math.inf}),
    ("clip=nan", np.ones((2, 8), F32), ("tensor",), {"clip": math.nan}),
]


@points(1)
def test_quantize_symmetric_rejects_bad_input(sub):
    """quantize_symmetric raises ValueError for a w that is not 2-D, an unknown granularity, a bad group_size and a clip that is not positive and finite."""
    for what, w, args, kw in BAD_SYM:
        with pytest.raises(ValueError):
            sub.quantize_symmetric(w, *args, **kw)
            pytest.fail(f"quantize_symmetric with {what}: expected ValueError, nothing raised")


# =========================================================================== asymmetric

@points(1)
def test_quantize_asymmetric_types_and_default(sub):
    """quantize_asymmetric returns (codes uint8 (out, in), scale float32, zero_point uint8 of scale's shape), with right values; granularity defaults to 'tensor'."""
    w = np.random.default_rng(2).standard_normal((6, 32)).astype(F32)
    check_asymmetric("quantize_asymmetric(w) (default granularity)",
                     sub.quantize_asymmetric(w), w, "tensor", None)
    for gran, gs in GRANS:
        case = explicit(w, gran, gs)
        check_asymmetric(call_text("quantize_asymmetric", case),
                         quantize(sub, "quantize_asymmetric", case), w, gran, gs)


@points(2)
@given(case=weight_cases(symmetric=False))
@example(case=ASYM_CLAMP)
@example(case=ASYM_TIES)
@example(case=ASYM_ZP_TIE)
@example(case=ONE_SIDED)
@example(case=NEG_ZERO)
def test_quantize_asymmetric_scale_and_zero_point(sub, case):
    """Asymmetric scale = float32(hi - lo) / 255 (1.0 if hi == lo), zero_point = clip(rint(-lo / scale), 0, 255), lo = min(0, min), hi = max(0, max)."""
    call = call_text("quantize_asymmetric", case)
    codes, scale, zero = check_result(call, quantize(sub, "quantize_asymmetric", case), case.w,
                                      case.granularity, case.group_size, False)
    b = blocks_of(case.w, case.granularity, case.group_size)
    check_scale(call, b, scale, expected_asym_scale(b), "float32(hi - lo) / 255",
                case.granularity, case.group_size)
    check_zero_point(call, b, scale, zero, case.granularity, case.group_size)


@points(2.5)
@given(case=weight_cases(symmetric=False))
@example(case=ASYM_CLAMP)
@example(case=ASYM_TIES)
@example(case=ASYM_ZP_TIE)
@example(case=ONE_SIDED)
@example(case=OUTLIER)
@example(case=NEAR_ASYM)
def test_quantize_asymmetric_codes(sub, case):
    """Asymmetric codes = clip(rint(w / scale) + zero_point, 0, 255), float32 quotient, half to even (scale and zero point checked too)."""
    check_asymmetric(call_text("quantize_asymmetric", case),
                     quantize(sub, "quantize_asymmetric", case), case.w, case.granularity,
                     case.group_size)


def _asym_bound(sub, case):
    call = call_text("quantize_asymmetric", case)
    codes, scale, zero = check_result(call, quantize(sub, "quantize_asymmetric", case), case.w,
                                      case.granularity, case.group_size, False)
    check_error_bound(call, case.w, codes, scale, zero, case.granularity, case.group_size,
                      f"quantize_asymmetric ({case.granularity}): worst |w - (c-z)*scale| vs bound")


@points(0.5)
@given(case=weight_cases(granularities=("tensor",), symmetric=False))
@example(case=ASYM_CLAMP)
@example(case=ONE_SIDED_T)
def test_quantize_asymmetric_error_bound_tensor(sub, case):
    """Per tensor: every weight dequantizes within scale * (1/2 + 2**-12) of itself."""
    _asym_bound(sub, case)


@points(0.5)
@given(case=weight_cases(granularities=("channel",), symmetric=False))
@example(case=ONE_SIDED)
@example(case=ASYM_CLAMP_CH)
def test_quantize_asymmetric_error_bound_channel(sub, case):
    """Per channel: every weight dequantizes within scale * (1/2 + 2**-12) of itself."""
    _asym_bound(sub, case)


@points(0.5)
@given(case=weight_cases(granularities=("group",), symmetric=False))
@example(case=ONE_SIDED_G)
@example(case=ASYM_CLAMP_G)
def test_quantize_asymmetric_error_bound_group(sub, case):
    """Per group: every weight dequantizes within scale * (1/2 + 2**-12) of itself."""
    _asym_bound(sub, case)


@points(1)
def test_quantize_asymmetric_rejects_bad_input(sub):
    """quantize_asymmetric raises ValueError for a w that is not 2-D, an unknown granularity and a bad group_size."""
    for what, w, args, kw in BAD_SYM:
        if kw:
            continue
        with pytest.raises(ValueError):
            sub.quantize_asymmetric(w, *args)
            pytest.fail(f"quantize_asymmetric with {what}: expected ValueError, nothing raised")


# ============================================================================ dequantize

class DeqCase:
    """Random codes, scales and zero points (made here, not by any quantizer)."""

    def __init__(self, rows, cols, granularity, group_size, symmetric, seed):
        self.rows, self.cols, self.granularity, self.group_size = rows, cols, granularity, group_size
        self.symmetric, self.seed = symmetric, seed
        rng = np.random.default_rng(seed)
        from int8_strategies import scale_shape
        sshape = scale_shape((rows, cols), granularity, group_size)
        if symmetric:
            self.codes = rng.integers(-127, 128, size=(rows, cols)).astype(np.int8)
            self.zero = None
        else:
            self.codes = rng.integers(0, 256, size=(rows, cols)).astype(np.uint8)
            self.zero = rng.integers(0, 256, size=sshape).astype(np.uint8)
            self.zero[rng.random(sshape) < 0.2] = 0
        mant = rng.uniform(1, 2, size=sshape)
        self.scale = (mant * 2.0 ** rng.integers(-60, 50, size=sshape)).astype(F32)
        self.scale[rng.random(sshape) < 0.2] = F32(1.0)

    def __repr__(self):
        return (f"DeqCase(rows={self.rows}, cols={self.cols}, granularity={self.granularity!r}, "
                f"group_size={self.group_size}, symmetric={self.symmetric}, seed={self.seed})")


@st.composite
def deq_cases(draw, symmetric):
    gran = draw(st.sampled_from(["tensor", "channel", "group"]))
    gs = None
    if gran == "group":
        gs = draw(st.sampled_from([1, 2, 3, 8, 32]))
        cols = gs * draw(st.integers(1, 8))
    else:
        cols = draw(st.integers(1, 64))
    rows = draw(st.integers(1, 8))
    return DeqCase(rows, cols, gran, gs, symmetric, draw(st.integers(0, 2 ** 32 - 1)))


def _check_dequantize(sub, case):
    if case.zero is None:
        got = sub.dequantize(case.codes, case.scale)
        call = f"dequantize(codes int8 {case.codes.shape}, scale {case.scale.shape})"
    else:
        got = sub.dequantize(case.codes, case.scale, case.zero)
        call = (f"dequantize(codes uint8 {case.codes.shape}, scale {case.scale.shape}, "
                f"zero_point {case.zero.shape})")
    check_array(call, got, np.float32, case.codes.shape)
    exact = dequantized64(case.codes, case.scale, case.zero, case.granularity, case.group_size)
    want = exact.reshape(case.codes.shape).astype(F32)   # the exact product, rounded once
    bad = np.argwhere(~(got == want))
    if bad.size:
        r, c = bad[0]
        from int8_strategies import block_index
        i, j, _ = block_index(case.granularity, case.codes.shape, case.group_size, r, c)
        z = 0 if case.zero is None else int(case.zero[i, j])
        raise AssertionError(
            f"{call}: element [{r}, {c}] = {got[r, c]!r}, expected (code - zero_point) * scale = "
            f"({case.codes[r, c]} - {z}) * {case.scale[i, j]!r} = {want[r, c]!r} (the exact "
            f"product rounded once to float32; scale[{i}, {j}] applies here)")


@points(1.5)
@given(case=deq_cases(symmetric=True))
@example(case=DeqCase(1, 12, "group", 3, True, 1))
@example(case=DeqCase(1, 6, "group", 3, True, 2))
@example(case=DeqCase(2, 6, "channel", None, True, 3))
@example(case=DeqCase(3, 5, "tensor", None, True, 4))
def test_dequantize_symmetric(sub, case):
    """dequantize(codes int8, scale) = code * scale in float32, the block layout read off scale's shape."""
    _check_dequantize(sub, case)


@points(1.5)
@given(case=deq_cases(symmetric=False))
@example(case=DeqCase(2, 6, "group", 3, False, 5))
@example(case=DeqCase(1, 12, "group", 3, False, 1))
@example(case=DeqCase(1, 6, "group", 3, False, 2))
@example(case=DeqCase(2, 6, "channel", None, False, 3))
@example(case=DeqCase(3, 5, "tensor", None, False, 4))
def test_dequantize_asymmetric(sub, case):
    """dequantize(codes uint8, scale, zero_point uint8) = (code - zero_point) * scale in float32, no uint8 wrap-around."""
    _check_dequantize(sub, case)


# ======================================================================= percentile_clip

@points(1.5)
@given(case=weight_cases(mag=(-20, 20)), p=st.one_of(
    st.sampled_from([0.0, 100.0, 50.0, 99.9, 99.99, 1.0]), st.floats(0, 100)))
@example(case=explicit([[-3.0]]), p=37.5)
@example(case=explicit([[1.0, -2.0, 4.0, -0.0]]), p=50.0)
@example(case=explicit([[1.0, -2.0, 4.0, 8.0]]), p=100.0)
def test_percentile_clip(sub, case, p):
    """percentile_clip(w, p) = numpy.percentile(|w|, p) (linear interpolation), a float."""
    got = sub.percentile_clip(case.w, p)
    call = f"percentile_clip(w of shape {case.w.shape}, p={p!r})"
    assert type(got) is float, f"{call} must return a Python float, got {type(got).__name__}"
    exact, b = exact_percentile(case.w, p)
    err = abs(got - float(exact))
    tol = PCT_TOL * b
    observe(err, tol, label="percentile_clip: |got - exact| vs 2**-21 * b")
    assert err <= tol, (f"{call} = {got!r}, expected {float(exact)!r} (linear interpolation "
                        f"between sorted |w| values, within {tol:.3g})")


@points(0.5)
def test_percentile_clip_rejects_bad_p(sub):
    """percentile_clip raises ValueError for p outside [0, 100] or NaN."""
    for p in (-0.5, 100.5, math.nan, 1000.0):
        with pytest.raises(ValueError):
            sub.percentile_clip(np.ones((2, 3), F32), p)
            pytest.fail(f"percentile_clip(w, p={p}): expected ValueError, nothing raised")


# =============================================================================== metrics

class PairCase:
    def __init__(self, shape, seed, log2_mag, kind):
        self.shape, self.seed, self.log2_mag, self.kind = tuple(shape), seed, log2_mag, kind
        rng = np.random.default_rng(seed)
        w = rng.standard_normal(self.shape) * 2.0 ** log2_mag
        if kind == "close":
            w_hat = w * (1 + rng.standard_normal(self.shape) * 2.0 ** -10)
        elif kind == "equal":
            w_hat = w.copy()
        elif kind == "zero_w":
            w, w_hat = np.zeros(self.shape), w
        elif kind == "both_zero":
            w, w_hat = np.zeros(self.shape), np.zeros(self.shape)
        elif kind == "zero_hat":
            w_hat = np.zeros(self.shape)
        else:
            w_hat = rng.standard_normal(self.shape) * 2.0 ** log2_mag
        self.w, self.w_hat = w.astype(F32), w_hat.astype(F32)

    def __repr__(self):
        return (f"PairCase(shape={self.shape}, seed={self.seed}, log2_mag={self.log2_mag}, "
                f"kind={self.kind!r})")


@st.composite
def pair_cases(draw, kinds=("close", "independent", "equal", "zero_w", "zero_hat", "both_zero")):
    shape = draw(st.sampled_from([(1,), (7,), (3, 5), (16, 16), (2, 3, 4), (1, 300)]))
    mag = draw(st.one_of(st.sampled_from([-60, -58, 58, 60]), st.integers(-60, 60)))
    return PairCase(shape, draw(st.integers(0, 2 ** 32 - 1)), mag,
                    draw(st.sampled_from(list(kinds))))


BIG = PairCase((16, 16), 3, 60, "close")
BIG_APART = PairCase((16, 16), 3, 60, "independent")   # squares near 2**121: float32 overflows
TINY = PairCase((16, 16), 3, -60, "close")             # squares near 2**-140: float32 subnormal


def _metric(sub, name, case):
    got = getattr(sub, name)(case.w, case.w_hat)
    call = f"{name}(w, w_hat) for {case!r}"
    assert type(got) is float, f"{call} must return a Python float, got {type(got).__name__}"
    with pytest.raises(ValueError):
        getattr(sub, name)(case.w, case.w_hat.reshape(-1)[:-1] if case.w.size > 1
                           else np.zeros(2, F32))
        pytest.fail(f"{name} with shapes that differ: expected ValueError, nothing raised")
    return got, call, exact_metrics(case.w, case.w_hat)


@points(1)
@given(case=pair_cases())
@example(case=BIG)
@example(case=BIG_APART)
@example(case=TINY)
def test_mse(sub, case):
    """mse = mean((w - w_hat)**2) over all elements (float64: relative 2**-20); ValueError for shapes that differ."""
    got, call, (m, _, _, _) = _metric(sub, "mse", case)
    err, tol = abs(got - float(m)), MSE_TOL * float(m)
    observe(err, tol, label="mse: |got - exact| vs 2**-20 * exact")
    assert err <= tol, (f"{call} = {got!r}, expected {float(m)!r} (relative error {MSE_TOL:.3g}; "
                        f"convert to float64 before squaring and summing)")


@points(1)
@given(case=pair_cases())
@example(case=BIG)
def test_max_abs_error(sub, case):
    """max_abs_error = max |w - w_hat| (relative 2**-23); ValueError for shapes that differ."""
    got, call, (_, mx, _, _) = _metric(sub, "max_abs_error", case)
    assert abs(got - float(mx)) <= MAX_ABS_TOL * float(mx), (
        f"{call} = {got!r}, expected {float(mx)!r}")


@points(1.5)
@given(case=pair_cases())
@example(case=BIG)
@example(case=PairCase((3, 5), 1, 0, "equal"))
@example(case=PairCase((3, 5), 1, 0, "zero_w"))
@example(case=PairCase((2, 2), 1, 0, "both_zero"))
def test_sqnr_db(sub, case):
    """sqnr_db = 10 log10(sum w**2 / sum (w - w_hat)**2) (1e-5 dB), +inf for zero error, -inf for w all zero; ValueError for shapes that differ."""
    got, call, (_, _, noise, signal) = _metric(sub, "sqnr_db", case)
    want = exact_sqnr(noise, signal)
    if math.isinf(want):
        assert got == want, (f"{call} = {got!r}, expected {want!r} ("
                             + ("zero error gives +inf" if want > 0 else
                                "w all zero with a nonzero error gives -inf") + ")")
        return
    observe(abs(got - want), SQNR_TOL_DB, label="sqnr_db: |got - exact| (dB) vs 1e-5 dB")
    assert abs(got - want) <= SQNR_TOL_DB, f"{call} = {got!r}, expected {want!r} dB"


# ============================================================================= hand part

def _hand_list(sub, name):
    v = getattr(sub, name)
    assert isinstance(v, list) and len(v) == 4 and all(type(x) is int for x in v), (
        f"{name} must be a list of 4 Python ints, got {v!r}")
    return tuple(v)


@points(1.5)
def test_hand_symmetric(sub, variant, answer_digest):
    """HAND_SCALE (a float) and HAND_CODES (4 ints) are the symmetric per-tensor quantization of your v."""
    v = np.array([variant["v"]], dtype=F32)
    scale = type(sub.HAND_SCALE)
    assert scale is float, f"HAND_SCALE must be a Python float, got {scale.__name__}"
    codes = _hand_list(sub, "HAND_CODES")
    want_s = expected_sym_scale(v[None])[0, 0]
    want_c = np.clip(np.rint(v / want_s), -127, 127).astype(int).ravel().tolist()
    assert answer_digest(sub.HAND_SCALE) == answer_digest(float(want_s)), (
        f"HAND_SCALE is not absmax / 127 for your v = {variant['v']}")
    assert answer_digest(codes) == answer_digest(tuple(want_c)), (
        f"HAND_CODES are not rint(v / scale) for your v = {variant['v']} (ties: half to even)")


@points(1.5)
def test_hand_asymmetric(sub, variant, answer_digest):
    """HAND_ZERO_POINT (an int) and HAND_ASYM_CODES (4 ints) are the asymmetric per-tensor quantization of your v."""
    v = np.array([variant["v"]], dtype=F32)
    assert type(sub.HAND_ZERO_POINT) is int, (
        f"HAND_ZERO_POINT must be a Python int, got {type(sub.HAND_ZERO_POINT).__name__}")
    codes = _hand_list(sub, "HAND_ASYM_CODES")
    b = v[None]
    s = expected_asym_scale(b)[0, 0]
    lo = min(float(v.min()), 0.0)
    z = int(np.clip(np.rint(F32(-lo) / s), 0, 255))
    want_c = np.clip(np.rint(v / s) + z, 0, 255).astype(int).ravel().tolist()
    assert answer_digest(sub.HAND_ZERO_POINT) == answer_digest(z), (
        f"HAND_ZERO_POINT is not rint(-lo / scale) for your v = {variant['v']}")
    assert answer_digest(codes) == answer_digest(tuple(want_c)), (
        f"HAND_ASYM_CODES are not rint(v / scale) + zero_point for your v = {variant['v']}")
