"""Public tests of ternary: the hand part, absmean ternarization, per-token int8 activations, the
linear layer from integer codes, five-trits-per-byte packing, and TernarySTE (through the
statement's harness `ste_forward_backward`).

Each test calls exactly one of your functions (the hand-part tests read only your constants).
The checks and their tolerances are in ternary_strategies.py, derived in the statement.
"""

import numpy as np
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from ternary_strategies import (
    DTYPES,
    ActCase,
    LinCase,
    WeightCase,
    act_cases,
    all_trit_groups,
    check_activations,
    check_linear,
    check_ste_backward,
    check_ste_forward,
    check_ste_result,
    check_tensor,
    check_ternarize,
    clip_masks,
    explicit_act,
    explicit_weight,
    grad_like,
    hand_expected,
    hand_packed,
    lin_cases,
    pack_oracle,
    unpack_oracle,
    weight_cases,
)

from autograder.testing import check_raises, points


# ---------------------------------------------------------------------------------- hand part

def _number(name, value):
    assert type(value) in (int, float), (
        f"{name} must be a Python float (or int), got {type(value).__name__} {value!r}")
    return float(value)


@points(2)
def test_hand_ternarize(sub, variant, answer_digest):
    """HAND_GAMMA and HAND_CODES are gamma and the six codes (row by row) of your 2x3 matrix W."""
    gamma = _number("HAND_GAMMA", sub.HAND_GAMMA)
    codes = sub.HAND_CODES
    assert isinstance(codes, (tuple, list)) and len(codes) == 6, (
        f"HAND_CODES must be a tuple of 6 ints (row by row), got {codes!r}")
    assert all(type(c) is int and c in (-1, 0, 1) for c in codes), (
        f"HAND_CODES = {codes!r}: each code must be the int -1, 0 or 1")
    want_gamma, want_codes = hand_expected(variant["hand_w"])
    assert answer_digest(gamma) == answer_digest(want_gamma), (
        "HAND_GAMMA is not mean(|W|) of your matrix: add the six absolute values, divide by 6, "
        "and write the exact result (a multiple of 0.25). When you submit, W is the one your "
        "own statement names; a local `ulp check` uses the class's default W.")
    assert answer_digest(tuple(codes)) == answer_digest(want_codes), (
        "HAND_GAMMA is right but HAND_CODES are not clamp(round(w / (gamma + eps)), -1, 1), row "
        "by row: mind that eps makes a ratio of exactly 1/2 fall just below 1/2")


@points(1)
def test_hand_pack(sub, variant, answer_digest):
    """HAND_PACKED is the byte that your five trits pack to (first trit = least significant digit)."""
    value = sub.HAND_PACKED
    assert type(value) is int, f"HAND_PACKED must be an int, got {type(value).__name__} {value!r}"
    assert 0 <= value <= 242, f"HAND_PACKED = {value} is not a packed byte (0..242)"
    assert answer_digest(value) == answer_digest(hand_packed(variant["trits"])), (
        "HAND_PACKED is not the packed byte of your trits: digit = trit + 1, and the FIRST trit "
        "is the least significant digit (multiply it by 3**0, the second by 3**1, ...)")


# --------------------------------------------------------------------------------- ternarize

ALL_HALVES = WeightCase((4, 6), "float32", "halves", 5, 0)


@points(3)
@given(case=weight_cases())
@example(case=explicit_weight([[0.5, -2.0, 0.25], [1.5, -0.75, 1.0]]))
@example(case=explicit_weight([[1.0, -0.25, 0.5], [-3.0, 0.75, 0.5]], "bfloat16"))
@example(case=WeightCase((8, 16), "bfloat16", "gauss", 1, 0))
@example(case=WeightCase((3, 5, 7), "float16", "laplace", 2, -3))
@example(case=WeightCase((64,), "float64", "outlier", 3, 4))
@example(case=WeightCase((16, 16), "float32", "tiny", 4, 0))
@example(case=ALL_HALVES)
@example(case=explicit_weight([-0.3]))
def test_ternarize(sub, case):
    """ternarize returns int8 codes of w's shape and a float32 0-d gamma = mean|w| (within (n+2)u); codes = clamp(round(w/(gamma+eps)), -1, 1) with your gamma."""
    check_ternarize("ternarize(w)", case.w, sub.ternarize(case.w))


# gamma = 2**10: gamma + eps rounds to gamma in float32, so w / (gamma + eps) is exactly +-1/2
# (and +-3/2) in every evaluation order; in exact arithmetic it is just below: 0 either way.
TIES = [[512.0, -512.0, 1536.0, -1536.0], [1024.0, -1024.0, 0.0, 2048.0]]
TIES_CODES = [[0, 0, 1, -1], [1, -1, 0, 1]]


@points(1)
def test_ternarize_ties_half_to_even(sub):
    """A ratio w / (gamma + eps) of exactly ±1/2 rounds to 0 (half to even), ±3/2 to ±1 after the clamp."""
    for name in ("float32", "bfloat16", "float16", "float64"):
        w = torch.tensor(TIES, dtype=DTYPES[name])
        call = f"ternarize(w) with w ({name}) = {TIES}"
        codes, g = check_ternarize(call, w, sub.ternarize(w))
        got = codes.tolist()
        assert got == TIES_CODES, (
            f"{call}: gamma = 1024, so w / (gamma + eps) is exactly ±0.5 for ±512 (in float32) "
            f"and round half to even gives 0: expected codes {TIES_CODES}, got {got}")


@points(1)
def test_ternarize_all_zero_and_tiny(sub):
    """All-zero weights give gamma = 0 and codes 0 (no NaN); weights around 1e-5 are ternarized with eps in the denominator."""
    for name in ("float32", "bfloat16", "float16", "float64"):
        for shape in [(1,), (3, 4), (2, 3, 5)]:
            w = torch.zeros(shape, dtype=DTYPES[name])
            check_ternarize(f"ternarize(w) with w = zeros{list(shape)} ({name})", w,
                            sub.ternarize(w))
        w = -torch.zeros(2, 3, dtype=DTYPES[name])
        check_ternarize(f"ternarize(w) with w = -0.0 everywhere ({name})", w, sub.ternarize(w))
        # gamma = 5e-6, comparable to eps: w / (gamma + eps) = w / 1.5e-5
        vals = [[1e-5, -5e-6, 2e-6], [-8e-6, 0.0, 4e-6]]
        w = torch.tensor(vals, dtype=DTYPES[name])
        check_ternarize(f"ternarize(w) with w = {vals} ({name})", w, sub.ternarize(w))


@points(1)
def test_ternarize_rejects_bad_input(sub):
    """ternarize raises TypeError for a non-tensor or an integer tensor, ValueError for an empty tensor."""
    check_raises(sub.ternarize, [
        ((np.ones((2, 2), dtype=np.float32),), TypeError, "ternarize of a NumPy array"),
        (([[1.0, 2.0]],), TypeError, "ternarize of a list"),
        ((torch.ones(2, 2, dtype=torch.int32),), TypeError, "ternarize of an int32 tensor"),
        ((torch.ones(3, dtype=torch.int8),), TypeError, "ternarize of an int8 tensor"),
        ((torch.zeros(0),), ValueError, "ternarize of an empty float32 tensor (shape [0])"),
        ((torch.zeros(3, 0, dtype=torch.bfloat16),), ValueError,
         "ternarize of an empty bfloat16 tensor (shape [3, 0])"),
    ])


# ------------------------------------------------------------------------ quantize_activations

@points(3)
@given(case=act_cases())
@example(case=explicit_act([[0.5, -1.0, 0.25, 2.0], [0.0, 0.0, 0.0, 0.0]]))
@example(case=ActCase((2, 3, 16), "bfloat16", "outlier_channels", 1, 0))
@example(case=ActCase((4, 32), "float16", "gauss", 2, 3))
@example(case=ActCase((3, 8), "float32", "tiny_rows", 3, 0))
@example(case=ActCase((64,), "float64", "ints", 4, 0))
def test_quantize_activations(sub, case):
    """quantize_activations: per row (last axis) scale = 127/max(max|x|, 1e-5) as float32 [..., 1], codes = clamp(round(x*scale), -128, 127) as int8."""
    check_activations("quantize_activations(x)", case.x, sub.quantize_activations(case.x))


@points(1)
def test_quantize_activations_ties_and_zero_rows(sub):
    """x * scale exactly a half-integer rounds to the even neighbour; a zero row gets scale 127/1e-5 and codes 0."""
    # max|x| = 127 * 2**k, so scale = 2**-k exactly and x * scale is exactly j + 1/2
    x = torch.tensor([[127.0, 0.5, -0.5, 2.5, -2.5, 125.5, -126.5, 1.5],
                      [-508.0, 2.0, -2.0, 10.0, -10.0, 502.0, -506.0, 6.0],
                      [0.0] * 8])
    want = [[127, 0, 0, 2, -2, 126, -126, 2],
            [-127, 0, 0, 2, -2, 126, -126, 2],
            [0] * 8]
    for name in ("float32", "bfloat16", "float16", "float64"):
        xx = x.to(DTYPES[name])
        call = f"quantize_activations(x) with x ({name}) = {x.tolist()}"
        codes, _ = check_activations(call, xx, sub.quantize_activations(xx))
        assert codes.tolist() == want, (
            f"{call}: x * scale is exactly ±0.5, ±2.5, 125.5, -126.5, 1.5 in rows 0 and 1 "
            f"(scale 1 and 1/4, exact), and round half to even gives codes {want}; got "
            f"{codes.tolist()}")


@points(1)
def test_quantize_activations_rejects_bad_input(sub):
    """quantize_activations raises TypeError for a non-tensor or an integer tensor, ValueError for a 0-d or empty tensor."""
    check_raises(sub.quantize_activations, [
        ((np.ones((2, 4), dtype=np.float32),), TypeError, "quantize_activations of a NumPy array"),
        (([[1.0, 2.0]],), TypeError, "quantize_activations of a list"),
        ((torch.ones(2, 4, dtype=torch.int64),), TypeError,
         "quantize_activations of an int64 tensor"),
        ((torch.tensor(3.0),), ValueError, "quantize_activations of a 0-d tensor"),
        ((torch.zeros(2, 0),), ValueError, "quantize_activations of a [2, 0] tensor"),
        ((torch.zeros(0, 4),), ValueError, "quantize_activations of a [0, 4] tensor"),
    ])


# ---------------------------------------------------------------------------- ternary_linear

def _linear_call(case):
    return (f"ternary_linear(x_codes {list(case.lead) + [case.k]}, x_scale, w_codes "
            f"[{case.n}, {case.k}], gamma, {case.out_dtype!r})")


@points(3)
@given(case=lin_cases())
@example(case=LinCase((4,), 512, 3, 1, 0, 4, "float32"))
@example(case=LinCase((2, 3), 300, 5, 2, -3, 6, "bfloat16"))
@example(case=LinCase((5,), 512, 4, 3, -2, 8, "float16"))
@example(case=LinCase((), 64, 2, 4, 1, 2, "float64"))
def test_ternary_linear(sub, case):
    """ternary_linear returns (x_codes @ w_codes^T) * (gamma / x_scale) from the exact integer product, within 3u (float32) plus one rounding to out_dtype."""
    xc, xs, wc, g = case.tensors()
    y = sub.ternary_linear(xc, xs, wc, g, case.out_dtype)
    check_linear(_linear_call(case), y, xc, xs, wc, g, case.out_dtype)


@points(1)
def test_ternary_linear_default_dtype_and_errors(sub):
    """ternary_linear returns float32 when out_dtype is left out, and raises ValueError for mismatched K or a w_codes that is not 2-D."""
    case = LinCase((3,), 40, 2, 11, 0, 3, "float32")
    xc, xs, wc, g = case.tensors()
    y = sub.ternary_linear(xc, xs, wc, g)
    check_linear(_linear_call(case).replace(", 'float32'", ""), y, xc, xs, wc, g, "float32")
    check_raises(sub.ternary_linear, [
        ((xc, xs, wc[:, :39], g, "float32"), ValueError,
         "ternary_linear with x_codes [3, 40] and w_codes [2, 39]"),
        ((xc, xs, wc.reshape(2, 40, 1), g, "float32"), ValueError,
         "ternary_linear with a 3-D w_codes [2, 40, 1]"),
    ])


# ----------------------------------------------------------------------------------- packing

@points(1.5)
def test_pack_ternary_all_243_groups(sub):
    """pack_ternary of every group of five codes is the byte sum((code_i + 1) * 3**i), first code least significant."""
    groups = all_trit_groups()
    got = sub.many("pack_ternary", [(torch.tensor(g, dtype=torch.int8),) for g in groups])
    for g, p in zip(groups, got):
        check_tensor(f"pack_ternary({list(g)})", p, torch.uint8, (1,))
        want = pack_oracle(g)[0]
        if int(p[0]) != want:
            rev = pack_oracle(g[::-1])[0]
            hint = (" — that is the first code as the MOST significant digit; the first code "
                    "is the least significant" if int(p[0]) == rev else "")
            raise AssertionError(f"pack_ternary({list(g)}) = [{int(p[0])}], expected [{want}] "
                                 f"(digits code + 1 = {[c + 1 for c in g]}, "
                                 f"sum digit_i * 3**i){hint}")


@points(1)
@given(n=st.integers(0, 60), shape2=st.booleans(), seed=st.integers(0, 2 ** 32 - 1))
@example(n=1, shape2=False, seed=0)
@example(n=7, shape2=False, seed=1)
@example(n=12, shape2=True, seed=2)
@example(n=0, shape2=False, seed=3)
def test_pack_ternary_padding_and_shapes(sub, n, shape2, seed):
    """pack_ternary flattens any shape (row-major) to ceil(n/5) bytes, padding the last group with code 0 (digit 1)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 2, size=n)
    t = torch.tensor(codes, dtype=torch.int8)
    if shape2 and n % 2 == 0 and n > 0:
        t = t.reshape(2, n // 2)
    got = sub.pack_ternary(t)
    call = f"pack_ternary({t.tolist()})"
    check_tensor(call, got, torch.uint8, ((n + 4) // 5,))
    want = pack_oracle(codes)
    assert got.tolist() == want, (
        f"{call} = {got.tolist()}, expected {want}: the {n} codes are padded with code 0 "
        f"(digit 1) up to a multiple of 5, then each group of five packs as "
        f"sum((code_i + 1) * 3**i)")


@points(1.5)
def test_unpack_ternary_all_243_bytes(sub):
    """unpack_ternary of every byte 0..242 gives its five codes, first code from the least significant digit."""
    packed = torch.arange(243, dtype=torch.int64).to(torch.uint8)
    got = sub.unpack_ternary(packed, 1215)
    check_tensor("unpack_ternary(bytes 0..242, 1215)", got, torch.int8, (1215,))
    flat = got.tolist()
    for b in range(243):
        want = unpack_oracle(b)
        have = flat[5 * b: 5 * b + 5]
        assert have == want, (
            f"unpack_ternary: byte {b} unpacks to {have}, expected {want} (base-3 digits of "
            f"{b}, least significant first, minus 1)"
            + (" — reversed: the first code is the least significant digit"
               if have == want[::-1] else ""))
    got = sub.unpack_ternary(torch.zeros(0, dtype=torch.uint8), 0)
    check_tensor("unpack_ternary(empty, 0)", got, torch.int8, (0,))
    # a partial last group: only the first n codes come back
    for n in (1, 3, 4, 6, 9):
        data = torch.tensor([200, 17][: (n + 4) // 5], dtype=torch.uint8)
        got = sub.unpack_ternary(data, n)
        want = (unpack_oracle(200) + unpack_oracle(17))[:n]
        check_tensor(f"unpack_ternary({data.tolist()}, {n})", got, torch.int8, (n,))
        assert got.tolist() == want, (
            f"unpack_ternary({data.tolist()}, {n}) = {got.tolist()}, expected {want}")


@points(1)
def test_pack_ternary_rejects_bad_input(sub):
    """pack_ternary raises TypeError for codes that are not an int8 tensor, ValueError for a code outside {-1, 0, 1}."""
    check_raises(sub.pack_ternary, [
        (([1, 0, -1],), TypeError, "pack_ternary of a list"),
        ((torch.tensor([1, 0, -1], dtype=torch.int64),), TypeError,
         "pack_ternary of an int64 tensor"),
        ((torch.tensor([1.0, 0.0]),), TypeError, "pack_ternary of a float32 tensor"),
        ((torch.tensor([1, 0, 2, -1, 0], dtype=torch.int8),), ValueError,
         "pack_ternary with a code 2"),
        ((torch.tensor([[0, -2], [1, 1]], dtype=torch.int8),), ValueError,
         "pack_ternary with a code -2"),
        ((torch.tensor([-128, 0, 0], dtype=torch.int8),), ValueError,
         "pack_ternary with a code -128"),
    ])


@points(1)
def test_unpack_ternary_rejects_bad_input(sub):
    """unpack_ternary raises ValueError for a byte above 242, a negative n, or a length other than ceil(n/5); TypeError for a non-uint8 tensor."""
    cases = [((torch.tensor([5, b], dtype=torch.uint8), 10), ValueError,
              f"unpack_ternary with a byte {b} (above 242)") for b in range(243, 256)]
    cases += [
        ((torch.tensor([5, 7], dtype=torch.uint8), 11), ValueError,
         "unpack_ternary of 2 bytes with n = 11 (needs 3 bytes)"),
        ((torch.tensor([5, 7], dtype=torch.uint8), 5), ValueError,
         "unpack_ternary of 2 bytes with n = 5 (needs 1 byte)"),
        ((torch.tensor([5], dtype=torch.uint8), -1), ValueError, "unpack_ternary with n = -1"),
        ((torch.zeros(0, dtype=torch.uint8), -1), ValueError,
         "unpack_ternary of 0 bytes with n = -1"),
        ((torch.tensor([5, 7], dtype=torch.int64), 10), TypeError,
         "unpack_ternary of an int64 tensor"),
        (([5, 7], 10), TypeError, "unpack_ternary of a list"),
        ((torch.tensor([[5, 7]], dtype=torch.uint8), 10), ValueError,
         "unpack_ternary of a 2-D [1, 2] uint8 tensor"),
    ]
    check_raises(sub.unpack_ternary, cases)


# ----------------------------------------------------------------------------------- the STE

STE_KINDS = ("gauss", "uniform", "laplace", "sparse", "outlier", "ints", "halves", "constant")


def _ste_call(w, clipped):
    return (f"ste_forward_backward(w {list(w.shape)} {str(w.dtype).removeprefix('torch.')}, "
            f"grad_out, clipped={clipped})")


@points(2)
@given(case=weight_cases(kinds=STE_KINDS, mag=(0, 8), max_numel=512), clipped=st.booleans())
@example(case=explicit_weight([[0.5, -2.0, 0.25], [1.5, -0.75, 1.0]]), clipped=False)
@example(case=WeightCase((4, 8), "bfloat16", "gauss", 1, 0), clipped=True)
@example(case=WeightCase((2, 3, 4), "float16", "laplace", 2, -2), clipped=False)
def test_ste_forward(sub, case, clipped):
    """TernarySTE's forward is gamma * codes in w's dtype and shape (gamma = mean|w|), and leaves w unchanged."""
    call = _ste_call(case.w, clipped)
    g = grad_like(case.w, 1)
    out, _ = check_ste_result(call, case.w, sub.ste_forward_backward(case.w, g, clipped))
    check_ste_forward(call, case.w, out)


@points(2)
@given(case=weight_cases(kinds=STE_KINDS, mag=(0, 8), max_numel=512), seed=st.integers(0, 2 ** 32 - 1))
@example(case=WeightCase((4, 8), "float32", "gauss", 1, 0), seed=0)
@example(case=WeightCase((3, 5), "bfloat16", "outlier", 2, 3), seed=1)
@example(case=WeightCase((2, 2, 6), "float16", "uniform", 3, 0), seed=2)
def test_ste_backward_straight_through(sub, case, seed):
    """clipped=False: w.grad equals grad_out exactly, in w's dtype and shape (gamma is a constant)."""
    call = _ste_call(case.w, False)
    g = grad_like(case.w, seed)
    _, grad = check_ste_result(call, case.w, sub.ste_forward_backward(case.w, g, False))
    check_ste_backward(call, case.w, g, grad, False)


@points(2)
@given(case=weight_cases(kinds=STE_KINDS, mag=(0, 8), max_numel=512), seed=st.integers(0, 2 ** 32 - 1))
@example(case=WeightCase((4, 8), "float32", "gauss", 1, 3), seed=0)
@example(case=WeightCase((6, 5), "bfloat16", "laplace", 2, -4), seed=1)
@example(case=WeightCase((3, 4), "float32", "halves", 3, 0), seed=2)
@example(case=WeightCase((2, 3, 4), "float16", "uniform", 4, 0), seed=3)
def test_ste_backward_clipped(sub, case, seed):
    """clipped=True: w.grad is grad_out where |w| <= gamma and 0 where |w| > gamma."""
    call = _ste_call(case.w, True)
    g = grad_like(case.w, seed)
    _, grad = check_ste_result(call, case.w, sub.ste_forward_backward(case.w, g, True))
    check_ste_backward(call, case.w, g, grad, True)


@points(1)
def test_ste_gradcheck_float64(sub):
    """torch.autograd.gradcheck: your backward is the exact Jacobian of the smooth surrogate w -> w (STE) or w -> keep * w (clipped)."""
    for seed, clipped in [(1, False), (2, True), (3, True)]:
        w0 = torch.from_numpy(np.random.default_rng(seed).standard_normal((3, 4)))
        must_pass, must_zero = clip_masks(w0)
        assert (must_pass | must_zero).all()       # no weight near |w| = gamma
        keep = torch.from_numpy(must_pass.astype(np.float64)) if clipped else torch.ones(3, 4)
        keep = keep.to(torch.float64)

        class StudentBackward(torch.autograd.Function):
            @staticmethod
            def forward(ctx, w):
                return w * keep

            @staticmethod
            def backward(ctx, grad_out):
                result = sub.ste_forward_backward(w0, grad_out.contiguous(), clipped)
                _, grad = check_ste_result(_ste_call(w0, clipped), w0, result)
                return grad

        w = w0.clone().requires_grad_(True)
        try:
            ok = torch.autograd.gradcheck(StudentBackward.apply, (w,), eps=1e-6, atol=1e-7,
                                          rtol=1e-7, raise_exception=True,
                                          check_undefined_grad=False, check_batched_grad=False)
        except torch.autograd.gradcheck.GradcheckError as e:
            raise AssertionError(
                f"gradcheck of {_ste_call(w0, clipped)}: your backward is not the Jacobian of "
                f"the surrogate w -> {'keep * w (keep = |w| <= gamma)' if clipped else 'w'}: "
                f"{str(e).splitlines()[0]}") from None
        assert ok


@points(1)
def test_ste_all_zero_weights(sub):
    """All-zero weights: the forward is 0 and the gradient passes (|w| = 0 <= gamma = 0), with no NaN, in every dtype."""
    for name in ("float32", "bfloat16", "float16", "float64"):
        w = torch.zeros(3, 4, dtype=DTYPES[name])
        g = grad_like(w, 5)
        for clipped in (False, True):
            call = _ste_call(w, clipped)
            out, grad = check_ste_result(call, w, sub.ste_forward_backward(w, g, clipped))
            assert not torch.isnan(out).any() and not torch.isnan(grad).any(), (
                f"{call}: NaN with all-zero weights (gamma = 0: put eps in the denominator)")
            check_ste_forward(call, w, out)
            check_ste_backward(call, w, g, grad, clipped)
