"""Hidden tests of ternary: extreme magnitudes, large tensors, boundary ratios, the linear layer on
the reference's own quantization, long packing round trips, and TernarySTE's gradient against
torch autograd of the reference surrogate  w_keep + (fake_quant(w) - w_keep).detach().

Each test calls ONE of the student's functions; the reference only makes inputs or oracles.
"""

import numpy as np
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ternary_strategies import (
    DTYPES,
    ActCase,
    LinCase,
    WeightCase,
    act_cases,
    check_activations,
    check_linear,
    check_ste_forward,
    check_ste_result,
    check_tensor,
    check_ternarize,
    clip_masks,
    f64,
    grad_like,
    lin_cases,
    pack_oracle,
    unpack_oracle,
    weight_cases,
)

from autograder.testing import hidden, points


@points(3)
@hidden
@given(case=st.one_of(weight_cases(dtypes=("float32", "bfloat16", "float64"), mag=(-60, 60)),
                      weight_cases(dtypes=("float16",), mag=(-14, 10))))
@example(case=WeightCase((5, 7), "float16", "gauss", 1, -14))
@example(case=WeightCase((9,), "float64", "gauss", 2, -60))
def test_hidden_ternarize_extreme_magnitudes(sub, case):
    """ternarize from 2**-60 to 2**60 (float16: subnormals to 60000), float64 input."""
    check_ternarize("ternarize(w)", case.w, sub.ternarize(case.w))


@points(2)
@hidden
@settings(max_examples=6)
@given(case=weight_cases(max_numel=16384, max_dims=2, kinds=("gauss", "laplace", "outlier",
                                                              "halves", "sparse")))
@example(case=WeightCase((64, 256), "bfloat16", "gauss", 7, 0))
@example(case=WeightCase((64, 256), "float32", "gauss", 8, -25))
def test_hidden_ternarize_large(sub, case):
    """ternarize on up to 16384 weights (a 64 x 256 layer)."""
    check_ternarize("ternarize(w)", case.w, sub.ternarize(case.w))


@points(2)
@hidden
@given(case=weight_cases(kinds=("halves", "constant", "ints", "tiny")))
@example(case=WeightCase((8, 8), "float32", "halves", 3, 9))
@example(case=WeightCase((8, 8), "bfloat16", "halves", 4, 12))
def test_hidden_ternarize_boundaries(sub, case):
    """ternarize where w / (gamma + eps) sits at ±1/2, ±1, ±3/2 and where eps matters."""
    check_ternarize("ternarize(w)", case.w, sub.ternarize(case.w))


@points(3)
@hidden
@given(case=st.one_of(act_cases(dtypes=("float32", "bfloat16", "float64"), mag=(-60, 60)),
                      act_cases(dtypes=("float16",), mag=(-14, 10)),
                      act_cases(max_numel=8192, max_dims=4)))
@example(case=ActCase((2, 2, 3, 64), "bfloat16", "tiny_rows", 1, 0))
@example(case=ActCase((4, 64), "float16", "ties", 2, 0))
def test_hidden_quantize_activations_extreme(sub, case):
    """quantize_activations on extreme magnitudes, 4-D batches, long rows, rows below eps."""
    check_activations("quantize_activations(x)", case.x, sub.quantize_activations(case.x))


@points(3)
@hidden
@settings(max_examples=15)
@given(wcase=weight_cases(dtypes=("float32", "bfloat16"), max_dims=2, max_numel=4096,
                          kinds=("gauss", "laplace", "outlier"), mag=(-8, 2)),
       xcase=act_cases(dtypes=("float32", "bfloat16", "float16"), max_dims=1, max_numel=64,
                       kinds=("gauss", "outlier_channels", "zero_rows"), mag=(-4, 4)),
       out_dtype=st.sampled_from(["float32", "bfloat16", "float16", "float64"]),
       lead=st.sampled_from([(), (3,), (2, 2)]))
@example(wcase=WeightCase((6, 40), "float32", "gauss", 1, 0),
         xcase=ActCase((8,), "float32", "gauss", 1, 0), out_dtype="bfloat16", lead=(3,))
def test_hidden_ternary_linear_reference_inputs(sub, ref, wcase, xcase, out_dtype, lead):
    """ternary_linear on the reference's quantization of real-looking weights and activations."""
    w = wcase.w if wcase.w.dim() == 2 else wcase.w.reshape(1, -1)
    k = w.shape[1]
    rng = np.random.default_rng(wcase.seed)
    x = torch.from_numpy(rng.standard_normal(lead + (k,))).to(DTYPES[xcase.dtype])
    wc, g = ref.ternarize(w)
    xc, xs = ref.quantize_activations(x)
    y = sub.ternary_linear(xc, xs, wc, g, out_dtype)
    check_linear(f"ternary_linear(x_codes {list(xc.shape)}, x_scale, w_codes {list(wc.shape)}, "
                 f"gamma, {out_dtype!r})", y, xc, xs, wc, g, out_dtype)


@points(2)
@hidden
@settings(max_examples=8)
@given(case=lin_cases(max_k=2048, max_rows=16, max_lead=2))
@example(case=LinCase((2,), 2048, 16, 5, 6, -10, "float32"))
@example(case=LinCase((3,), 1024, 8, 6, 0, 4, "bfloat16"))
def test_hidden_ternary_linear_long_rows(sub, case):
    """ternary_linear with K up to 2048 (integer sums up to 260096)."""
    xc, xs, wc, g = case.tensors()
    y = sub.ternary_linear(xc, xs, wc, g, case.out_dtype)
    check_linear(f"ternary_linear(K = {case.k}, {case.out_dtype!r})", y, xc, xs, wc, g,
                 case.out_dtype)


@points(2)
@hidden
@settings(max_examples=8)
@given(n=st.integers(1, 6000), seed=st.integers(0, 2 ** 32 - 1), rows=st.integers(1, 4))
@example(n=4097, seed=1, rows=3)
def test_hidden_pack_ternary_long(sub, n, seed, rows):
    """pack_ternary on up to 24000 codes in 2-D shapes."""
    codes = np.random.default_rng(seed).integers(-1, 2, size=(rows, n))
    got = sub.pack_ternary(torch.from_numpy(codes.astype(np.int8)))
    check_tensor("pack_ternary(codes)", got, torch.uint8, ((rows * n + 4) // 5,))
    assert got.tolist() == pack_oracle(codes), "pack_ternary(codes) on a long tensor is wrong"


@points(2)
@hidden
@settings(max_examples=8)
@given(n=st.integers(0, 12000), seed=st.integers(0, 2 ** 32 - 1))
def test_hidden_unpack_ternary_long(sub, n, seed):
    """unpack_ternary of up to 2400 bytes, partial last group included."""
    m = (n + 4) // 5
    data = np.random.default_rng(seed).integers(0, 243, size=m)
    got = sub.unpack_ternary(torch.from_numpy(data.astype(np.uint8)), n)
    check_tensor(f"unpack_ternary(packed, {n})", got, torch.int8, (n,))
    want = [c for b in data.tolist() for c in unpack_oracle(b)][:n]
    assert got.tolist() == want, "unpack_ternary on a long tensor is wrong"


def _surrogate_grad(ref, w, grad_out, clipped):
    """torch autograd of the reference surrogate: w_keep + (fake_quant(w) - w_keep).detach(),
    with w_keep = w (STE) or w * keep (clipped, keep = |w| <= gamma, gamma constant)."""
    leaf = w.detach().clone().requires_grad_(True)
    codes, gamma = ref.ternarize(w)
    fake = (gamma * codes.to(torch.float32)).to(w.dtype)
    if clipped:
        keep = (w.detach().to(torch.float32).abs() <= gamma).to(w.dtype)
        w_keep = leaf * keep
    else:
        w_keep = leaf * 1
    y = w_keep + (fake - w_keep).detach()
    y.backward(grad_out)
    return leaf.grad


@points(3)
@hidden
@given(case=weight_cases(kinds=("gauss", "uniform", "laplace", "outlier", "halves", "ints",
                                "sparse"), mag=(0, 8), max_numel=512),
       clipped=st.booleans(), seed=st.integers(0, 2 ** 32 - 1))
@example(case=WeightCase((3, 4, 5), "bfloat16", "halves", 1, 0), clipped=True, seed=1)
@example(case=WeightCase((7,), "float16", "gauss", 2, -3), clipped=True, seed=2)
@example(case=WeightCase((5, 6), "float32", "laplace", 3, 1), clipped=False, seed=3)
def test_hidden_ste_matches_surrogate_autograd(sub, ref, case, clipped, seed):
    """w.grad equals torch autograd of the surrogate w_keep + (fake_quant(w) - w_keep).detach()."""
    w = case.w
    g = grad_like(w, seed)
    call = (f"ste_forward_backward(w {list(w.shape)} {str(w.dtype).removeprefix('torch.')}, "
            f"grad_out, clipped={clipped})")
    _, grad = check_ste_result(call, w, sub.ste_forward_backward(w, g, clipped))
    want = f64(_surrogate_grad(ref, w, g, clipped))
    got = f64(grad)
    ok = got == want
    if clipped:       # at |w| within the gamma tolerance of gamma, either answer is right
        must_pass, must_zero = clip_masks(w)
        either = ~must_pass & ~must_zero
        ok |= either & ((got == 0) | (got == f64(g)))
    assert ok.all(), f"{call}: w.grad differs from the straight-through rule"


@points(3)
@hidden
@given(case=weight_cases(dtypes=("bfloat16", "float16", "float64"), mag=(0, 8), max_numel=512,
                         kinds=("gauss", "laplace", "outlier", "halves", "ints")),
       clipped=st.booleans())
@example(case=WeightCase((2, 3, 4, 5), "bfloat16", "gauss", 1, 0), clipped=False)
def test_hidden_ste_forward_dtypes(sub, case, clipped):
    """TernarySTE forward in bfloat16, float16 and float64, with batch dimensions."""
    w = case.w
    call = (f"ste_forward_backward(w {list(w.shape)} {str(w.dtype).removeprefix('torch.')}, "
            f"grad_out, clipped={clipped})")
    out, _ = check_ste_result(call, w, sub.ste_forward_backward(w, grad_like(w, 3), clipped))
    check_ste_forward(call, w, out)
