"""Public tests of the encoders and decoders: FP8 E4M3FN, FP8 E5M2, FP16 and BF16.

Every expected code comes from two independent oracles that must agree (fp8_formats_strategies:
exact rational arithmetic, and the casts of ml_dtypes / NumPy from float32). Each test calls one
function of the student's module (the error-bound test decodes the student's codes with the
grader's own decoder), so a bug costs the points of that function only.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from fp8_formats_strategies import (
    BF16,
    E4M3FN,
    E5M2,
    FP16,
    describe,
    expected_encode,
    explain,
    f32,
    f32_for,
    finite_f32,
    in_range,
    is_f32,
    ml_decode,
    near_grid,
    next_f32,
    same_float,
    show,
)
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.testing import observe, points

F32_MAX = 3.4028234663852886e38
SAT = {False: "saturate=False", True: "saturate=True"}


def signed(xs):
    """Each value, rounded to float32 (the contract's inputs), with both signs."""
    return [v for x in xs for v in (f32(x), -f32(x))]


def mixed_signs(xs):
    """The values rounded to float32, every other one negated: both signs appear, each value once."""
    return [-f32(x) if i % 2 else f32(x) for i, x in enumerate(xs)]


def with_examples(name, values, **fixed):
    """Decorate a hypothesis test with one explicit example per value of its argument `name`
    (the test's other generated arguments fixed to `fixed`)."""
    def deco(f):
        for v in reversed(values):
            f = example(**{name: v}, **fixed)(f)
        return f
    return deco


def check_code(fn, fmt, x, got, saturate=None, arg=None):
    """got is the contract's code for x: type first (an int), then the value."""
    assert is_f32(x), f"grader error: {x!r} is not a float32 value"   # never fires
    mode = "" if saturate is None else f", {SAT[saturate]}"
    call = f"{fn}({arg if arg is not None else describe(x)}{mode})"
    assert type(got) is int, (
        f"{call} returned {type(got).__name__} {got!r}: it must return an int code in "
        f"[0, {fmt.ncodes})")
    want = expected_encode(x, fmt, bool(saturate))
    if got != want:
        extra = ""
        if math.isnan(x):
            extra = (" A NaN input gives the format's canonical NaN with the input's sign bit "
                     f"({fmt.nan_code:#x} or {fmt.sign_bit + fmt.nan_code:#x}).")
        elif x == 0 or abs(x) < float(fmt.tiny) / 2:
            extra = " The sign of zero is kept: a negative x that rounds to zero gives -0."
        raise AssertionError(f"{call} = {show(got, fmt)}, expected {show(want, fmt)}."
                             + (extra or explain(x, fmt, bool(saturate))))


def check_both_modes(sub, fn, fmt, x):
    check_code(fn, fmt, x, getattr(sub, fn)(x, False), False)
    check_code(fn, fmt, x, getattr(sub, fn)(x, True), True)


def check_exact_values(sub, fn, fmt):
    """Every finite value of the format encodes to its own code: as a Python float with the
    default saturate, as a np.float32 with saturate=False, and as a float with saturate=True."""
    codes = [c for c in range(fmt.ncodes) if not fmt.is_nan_code(c)
             and not math.isinf(fmt.value(c)[1])]
    values = [fmt.float_value(c) for c in codes]
    for args, label in (([(v,) for v in values], "{x}"),
                        ([(np.float32(v), False) for v in values], "np.float32({x})"),
                        ([(v, True) for v in values], "{x}")):
        answers = sub.many(fn, args)
        for code, a, got in zip(codes, args, answers):
            x = float(a[0])
            check_code(fn, fmt, x, got, a[1] if len(a) > 1 else None,
                       arg=label.format(x=describe(x)))
    got = sub.encode_e4m3fn(1.0, saturate=True) if fn == "encode_e4m3fn" else \
        sub.encode_e5m2(1.0, saturate=True)
    check_code(fn, fmt, 1.0, got, True, arg="1.0 (saturate passed by keyword)")


def check_decode_all(sub, fn, fmt):
    answers = sub.many(fn, [(c,) for c in range(fmt.ncodes)])
    for code, got in zip(range(fmt.ncodes), answers):
        assert type(got) is float, (
            f"{fn}({code:#04x}) returned {type(got).__name__} {got!r}: it must return a float")
        want = ml_decode(code, fmt)
        assert same_float(got, want), (
            f"{fn}({show(code, fmt)}) = {describe(got)}, expected "
            f"{'a NaN' if math.isnan(want) else describe(want)}"
            + (" (the sign of zero matters: 0x80 is -0.0)" if want == 0 else ""))


# ------------------------------------------------------------------------------------ E4M3FN

E4M3FN_ROUNDING = mixed_signs([
    1.0 + 2.0 ** -4,                  # tie between 1.0 and 1.125: rounds to 1.0 (even)
    1.0 + 3 * 2.0 ** -4,              # tie between 1.125 and 1.25: rounds to 1.25 (even)
    1.0 + 2.0 ** -4 + 2.0 ** -20,     # just above the tie: 1.125 (no double rounding!)
    17.0,                             # 1.0001b * 2**4: a tie, rounds down to 16
    248.0,                            # tie between 240 and 256: rounds to 256 (even)
    0.1, 3.1415927410125732, 0.3333333432674408,
    2.0 ** -10,                       # half the smallest subnormal 2**-9: tie, rounds to 0
    next_f32(2.0 ** -10, 1),          # just above it: the smallest subnormal
    next_f32(2.0 ** -10, -1),         # just below it: 0
    1.5 * 2.0 ** -9,                  # tie between 1 and 2 subnormal ulps: 2 (even)
    2.5 * 2.0 ** -9,                  # tie between 2 and 3 ulps: 2 (even)
    7.5 * 2.0 ** -9,                  # tie between the largest subnormal and 2**-6: 2**-6
    next_f32(7.5 * 2.0 ** -9, -1),    # just below that tie: the largest subnormal
    2.0 ** -6, 1e-30,
])

E4M3FN_OVERFLOW = signed([
    400.0,                            # tie between 384 (even) and 416: 384
    432.0,                            # tie between 416 and 448 (even): 448
    448.0,                            # max finite
    464.0,                            # the tie above it: rounds to 448 (even), no overflow
    next_f32(464.0, -1),
    next_f32(464.0, 1),               # just above the tie: overflows
    480.0,                            # 1.111b * 2**8 would be NaN's pattern: overflows
    496.0, 512.0, 1000.0, 57344.0, 61440.0, 1e30, 3.4028234663852886e38, math.inf,
])


@points(1)
def test_encode_e4m3fn_exact_values(sub):
    """encode_e4m3fn of each of the 254 finite E4M3FN values (±0 included) is its own code, for a Python float and a np.float32, with either saturate."""
    check_exact_values(sub, "encode_e4m3fn", E4M3FN)


@points(2)
@given(x=st.one_of(near_grid(E4M3FN, region="normal"), near_grid(E4M3FN, region="subnormal")))
@with_examples("x", E4M3FN_ROUNDING)
def test_encode_e4m3fn_rounds_to_nearest_even(sub, x):
    """encode_e4m3fn rounds to the nearest E4M3FN value, ties to even, normals and subnormals (2**-10 gives 0)."""
    check_both_modes(sub, "encode_e4m3fn", E4M3FN, x)


@points(2)
@given(x=st.one_of(near_grid(E4M3FN, region="overflow"),
                   near_grid(E4M3FN, region="overflow", ties="only"),
                   st.sampled_from([math.inf, -math.inf]),
                   st.floats(min_value=400.0, max_value=F32_MAX, width=32),
                   st.floats(min_value=-F32_MAX, max_value=-400.0, width=32)))
@with_examples("x", E4M3FN_OVERFLOW)
def test_encode_e4m3fn_overflow(sub, x):
    """encode_e4m3fn: above 464 (the tie after 448) and for ±inf, NaN with saturate=False and ±448 with saturate=True; 464 itself gives 448."""
    check_both_modes(sub, "encode_e4m3fn", E4M3FN, x)


ZEROS_AND_NANS = [0.0, -0.0, math.nan, -math.nan, f32(1e-30), f32(-1e-30), 2.0 ** -10,
                  -2.0 ** -10, -2.0 ** -149]


@points(1)
def test_encode_e4m3fn_nan_and_zeros(sub):
    """encode_e4m3fn keeps the sign of zero (-0.0 and tiny negatives give 0x80) and gives NaN 0x7f / 0xff with the input's sign, in both modes."""
    for x in ZEROS_AND_NANS:
        check_both_modes(sub, "encode_e4m3fn", E4M3FN, x)
    got = sub.encode_e4m3fn(np.float32(-math.nan))
    check_code("encode_e4m3fn", E4M3FN, -math.nan, got, None, arg="np.float32(-nan)")


@points(1)
def test_decode_e4m3fn_all_codes(sub):
    """decode_e4m3fn is exact on all 256 codes: ±0, subnormals, normals up to ±448 (exponent field 1111 included), NaN for 0x7f and 0xff only."""
    check_decode_all(sub, "decode_e4m3fn", E4M3FN)


# -------------------------------------------------------------------------------------- E5M2

E5M2_ROUNDING = mixed_signs([
    1.0 + 2.0 ** -3,                  # tie between 1.0 and 1.25: rounds to 1.0 (even)
    1.0 + 3 * 2.0 ** -3,              # tie between 1.25 and 1.5: rounds to 1.5 (even)
    1.0 + 2.0 ** -3 + 2.0 ** -20,     # just above the tie: 1.25
    9.0, 0.1, 3.1415927410125732, 1000.0,
    2.0 ** -17,                       # half the smallest subnormal 2**-16: tie, rounds to 0
    next_f32(2.0 ** -17, 1),          # just above it: the smallest subnormal
    next_f32(2.0 ** -17, -1),
    1.5 * 2.0 ** -16,                 # tie between 1 and 2 subnormal ulps: 2 (even)
    3.5 * 2.0 ** -16,                 # tie between the largest subnormal and 2**-14: 2**-14
    next_f32(3.5 * 2.0 ** -16, -1),
    2.0 ** -14, 1e-30,
])

E5M2_OVERFLOW = signed([
    53248.0,                          # tie between 49152 (even) and 57344: 49152
    57344.0,                          # max finite
    next_f32(61440.0, -1),            # just below the tie above max: 57344
    61440.0,                          # the tie: rounds to 65536 (even), which overflows
    65536.0, 1e5, 1e30, 3.4028234663852886e38, math.inf,
])


@points(1)
def test_encode_e5m2_exact_values(sub):
    """encode_e5m2 of each of the 248 finite E5M2 values (±0 included) is its own code, for a Python float and a np.float32, with either saturate."""
    check_exact_values(sub, "encode_e5m2", E5M2)


@points(2)
@given(x=st.one_of(near_grid(E5M2, region="normal"), near_grid(E5M2, region="subnormal")))
@with_examples("x", E5M2_ROUNDING)
def test_encode_e5m2_rounds_to_nearest_even(sub, x):
    """encode_e5m2 rounds to the nearest E5M2 value, ties to even, normals and subnormals (2**-17 gives 0)."""
    check_both_modes(sub, "encode_e5m2", E5M2, x)


@points(2)
@given(x=st.one_of(near_grid(E5M2, region="overflow"), near_grid(E5M2, region="overflow", ties="only"),
                   st.sampled_from([math.inf, -math.inf]),
                   st.floats(min_value=50000.0, max_value=F32_MAX, width=32),
                   st.floats(min_value=-F32_MAX, max_value=-50000.0, width=32)))
@with_examples("x", E5M2_OVERFLOW)
def test_encode_e5m2_overflow(sub, x):
    """encode_e5m2: from 61440 (the tie after 57344) on and for ±inf, ±inf with saturate=False and ±57344 with saturate=True."""
    check_both_modes(sub, "encode_e5m2", E5M2, x)


@points(1)
def test_encode_e5m2_nan_and_zeros(sub):
    """encode_e5m2 keeps the sign of zero (-0.0 and tiny negatives give 0x80) and gives NaN 0x7e / 0xfe with the input's sign, in both modes."""
    for x in ZEROS_AND_NANS + [2.0 ** -17, -2.0 ** -17]:
        check_both_modes(sub, "encode_e5m2", E5M2, x)
    got = sub.encode_e5m2(np.float32(-math.nan))
    check_code("encode_e5m2", E5M2, -math.nan, got, None, arg="np.float32(-nan)")


@points(1)
def test_decode_e5m2_all_codes(sub):
    """decode_e5m2 is exact on all 256 codes: ±0, subnormals, normals up to ±57344, ±inf (0x7c, 0xfc), NaN (0x7d-0x7f, 0xfd-0xff)."""
    check_decode_all(sub, "decode_e5m2", E5M2)


# ------------------------------------------------------------------------------- FP16 and BF16

def numpy_or_float(x, as_np):
    return (np.float32(x), f"np.float32({describe(x)})") if as_np else (x, None)


FP16_EXAMPLES = mixed_signs([
    65504.0,                          # max finite
    next_f32(65520.0, -1),            # just below the tie above max: 65504
    65520.0,                          # the tie: rounds to 65536 (even), which overflows to inf
    70000.0, 1e10, 3.4028234663852886e38, math.inf,
    2.0 ** -24,                       # smallest subnormal
    2.0 ** -25,                       # half of it: tie, rounds to 0
    next_f32(2.0 ** -25, 1),          # just above: the smallest subnormal
    3 * 2.0 ** -25,                   # tie between 1 and 2 subnormal ulps: 2 (even)
    2.0 ** -14 - 2.0 ** -25,          # tie between the largest subnormal and 2**-14: 2**-14
    1.0 + 2.0 ** -11,                 # tie: 1.0
    1.0 + 3 * 2.0 ** -11,             # tie: 1 + 2**-9
    0.1, 3.1415927410125732, 0.0, math.nan,
])


@points(2)
@given(x=st.one_of(f32_for(FP16), st.sampled_from([math.inf, -math.inf, math.nan, -math.nan])),
       as_np=st.booleans())
@with_examples("x", FP16_EXAMPLES, as_np=False)
def test_encode_fp16(sub, x, as_np):
    """encode_fp16 is IEEE binary16 rounding: nearest, ties to even, subnormals, overflow to ±inf from 65520 on, signed zeros, NaN 0x7e00 / 0xfe00."""
    arg, label = numpy_or_float(x, as_np)
    check_code("encode_fp16", FP16, x, sub.encode_fp16(arg), arg=label)


BF16_EXAMPLES = mixed_signs([
    1.0 + 2.0 ** -8,                  # tie: 1.0 (even)
    1.0 + 3 * 2.0 ** -8,              # tie: 1 + 2**-6 (even)
    1.0 + 2.0 ** -8 + 2.0 ** -20,     # just above a tie: rounds up (truncating the float32 does not)
    1.0 + 2.0 ** -7 - 2.0 ** -23,     # nearly a whole ulp: rounds up
    3.3895313892515355e38,            # BF16's max finite, (2 - 2**-7) * 2**127
    next_f32((2 - 2.0 ** -8) * 2.0 ** 127, -1),   # just below the tie above max: max finite
    (2 - 2.0 ** -8) * 2.0 ** 127,     # the tie: rounds to 2**128, which overflows to inf
    3.4028234663852886e38, math.inf,  # FP32's max: BF16 cannot hold it
    2.0 ** -133,                      # smallest subnormal
    2.0 ** -134,                      # half of it: tie, rounds to 0
    3 * 2.0 ** -134,                  # tie between 1 and 2 subnormal ulps: 2 (even)
    2.0 ** -126 - 2.0 ** -134,        # tie between the largest subnormal and 2**-126: 2**-126
    1e-40, 1e-45, 0.1, 3.1415927410125732, 0.0, math.nan,
])


@points(2)
@given(x=st.one_of(f32_for(BF16), st.sampled_from([math.inf, -math.inf, math.nan, -math.nan])),
       as_np=st.booleans())
@with_examples("x", BF16_EXAMPLES, as_np=False)
def test_encode_bf16(sub, x, as_np):
    """encode_bf16 rounds the float32 to nearest, ties to even (not truncation), with subnormals, overflow to ±inf, signed zeros, NaN 0x7fc0 / 0xffc0."""
    arg, label = numpy_or_float(x, as_np)
    check_code("encode_bf16", BF16, x, sub.encode_bf16(arg), arg=label)


@st.composite
def codes_for(draw, fmt):
    """Any code, with every class (zero, subnormal, normal, max, inf, NaN) and both signs often."""
    sign = draw(st.integers(0, 1)) * fmt.sign_bit
    kind = draw(st.sampled_from(["any", "subnormal", "normal", "edge", "special"]))
    if kind == "any":
        return draw(st.integers(0, fmt.ncodes - 1))
    if kind == "subnormal":
        return sign + draw(st.integers(0, 2 ** fmt.m - 1))
    if kind == "normal":
        return sign + draw(st.integers(2 ** fmt.m, fmt.max_code))
    if kind == "edge":
        return sign + draw(st.sampled_from([0, 1, 2 ** fmt.m - 1, 2 ** fmt.m, fmt.max_code]))
    return sign + fmt.inf_code + draw(st.integers(0, 2 ** fmt.m - 1))


def check_decode_one(fn, fmt, code, got):
    assert type(got) is float, (
        f"{fn}({code:#06x}) returned {type(got).__name__} {got!r}: it must return a float")
    want = ml_decode(code, fmt)
    assert same_float(got, want), (
        f"{fn}({show(code, fmt)}) = {describe(got)}, expected "
        f"{'a NaN' if math.isnan(want) else describe(want)}"
        + (" (the sign of zero matters: 0x8000 is -0.0)" if want == 0 else ""))


@points(1)
@given(code=codes_for(FP16))
@with_examples("code", [0x3C00, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x8000, 0x0000, 0xFC00, 0x7C00,
                        0x7E00, 0x7C01, 0xC9D0, 0x8001])
def test_decode_fp16(sub, code):
    """decode_fp16 is the exact value of an FP16 code: ±0, subnormals (2**-24 steps), normals, ±inf, NaN."""
    check_decode_one("decode_fp16", FP16, code, sub.decode_fp16(code))


@points(1)
@given(code=codes_for(BF16))
@with_examples("code", [0x3F80, 0x7F7F, 0x0001, 0x007F, 0x0080, 0x8000, 0x0000, 0xFF80, 0x7F80,
                        0x7FC0, 0x7F81, 0xC15A, 0x8001])
def test_decode_bf16(sub, code):
    """decode_bf16 is the exact value of a BF16 code (the top half of the float32 with the same value)."""
    check_decode_one("decode_bf16", BF16, code, sub.decode_bf16(code))


# ------------------------------------------------------------------------ shared: bad codes, bound

DECODERS = {"decode_e4m3fn": E4M3FN, "decode_e5m2": E5M2, "decode_fp16": FP16, "decode_bf16": BF16}


@points(0.5)
@pytest.mark.parametrize("fn", list(DECODERS))
def test_decoders_reject_bad_codes(sub, fn):
    """Each decoder raises ValueError for an int code outside [0, 2**width)."""
    n = DECODERS[fn].ncodes
    for code in (-1, n, n + 1, 2 * n, -n, 2 ** 32, -2 ** 40):
        try:
            got = getattr(sub, fn)(code)
        except ValueError:
            continue
        pytest.fail(f"{fn}({code}) returned {got!r}: it must raise ValueError, the code is "
                    f"outside [0, {n})")


ENCODERS = {"e4m3fn": ("encode_e4m3fn", E4M3FN), "e5m2": ("encode_e5m2", E5M2),
            "fp16": ("encode_fp16", FP16), "bf16": ("encode_bf16", BF16)}


@st.composite
def in_range_f32(draw, fmt):
    x = draw(st.one_of(near_grid(fmt, region="normal"), near_grid(fmt, region="subnormal"),
                       near_grid(fmt, region="overflow"), finite_f32))
    return x if in_range(x, fmt) else f32(float(fmt.max_finite) / 3)


def check_bound(sub, name, x):
    fn, fmt = ENCODERS[name]
    code = getattr(sub, fn)(x)
    assert type(code) is int and 0 <= code < fmt.ncodes, (
        f"{fn}({describe(x)}) returned {code!r}: it must return an int code in [0, {fmt.ncodes})")
    sign, mag = fmt.value(code)     # the grader's own decoding, not yours
    if isinstance(mag, float):
        observe(math.inf, 1.0, label=f"{name}: |value(code) - x| vs its bound")
        raise AssertionError(f"{fn}({describe(x)}) = {show(code, fmt)}: x does not overflow "
                             "in this format, so its code must be a finite value")
    value = -mag if sign else mag
    a = abs(Fraction(x))
    err = abs(value - Fraction(x))
    normal = a >= fmt.min_normal
    bound = a / 2 ** (fmt.m + 1) if normal else fmt.tiny / 2
    observe(float(err), float(bound), label=f"{name}: |value(code) - x| vs its bound",
            over=err > bound)
    assert err <= bound, (
        f"{fn}({describe(x)}) = {show(code, fmt)}: the rounding error {float(err):.6g} exceeds "
        f"the bound {float(bound):.6g} ("
        + (f"u*|x| with u = 2**-{fmt.m + 1}" if normal else "min_subnormal/2")
        + "), which rounding to the NEAREST value always meets.")


def bound_examples(fmt):
    """Just above half the smallest subnormal (must round up), a subnormal a quarter ulp above
    a grid point and three quarters above one, the same in the normal range, max finite."""
    t, one_ulp = float(fmt.tiny), 2.0 ** -fmt.m
    return mixed_signs([next_f32(t / 2, 1), 3.25 * t, 2.75 * t, 1.0 + 0.75 * one_ulp,
                   1.0 + 0.25 * one_ulp, 1.5 + 0.625 * one_ulp, float(fmt.max_finite)])


def make_bound_test(name):
    fn, fmt = ENCODERS[name]

    @points(0.5)
    @given(x=in_range_f32(fmt))
    @with_examples("x", bound_examples(fmt))
    def test(sub, x):
        check_bound(sub, name, x)

    test.__name__ = test.__qualname__ = f"test_rounding_error_within_bound_{name}"
    test.__doc__ = (f"{fn}: |value(code) - x| <= u*|x| (u = 2**-{fmt.m + 1}) for |x| >= min "
                    "normal, <= min_subnormal/2 below it, for every x that does not overflow.")
    return test


test_rounding_error_within_bound_e4m3fn = make_bound_test("e4m3fn")
test_rounding_error_within_bound_e5m2 = make_bound_test("e5m2")
test_rounding_error_within_bound_fp16 = make_bound_test("fp16")
test_rounding_error_within_bound_bf16 = make_bound_test("bf16")
