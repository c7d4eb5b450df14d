"""Public tests of format_info, which_formats_hold and the hand part.

format_info is checked against NumPy's and ml_dtypes' own `finfo` for the five named formats (the
flashcards' claims are among these checks), and against a brute-force enumeration of every code
of small layouts. which_formats_hold is checked against the grader's oracles (exact rational
rounding, cross-checked with ml_dtypes / NumPy casts). The hand answers are compared as keyed
digests, so a failure never shows the expected bits.
"""

import math

import ml_dtypes
import numpy as np
import pytest
from fp8_formats_strategies import (
    BF16,
    E4M3FN,
    E5M2,
    FORMATS,
    FP16,
    Format,
    describe,
    expected_encode,
    expected_holds,
    f32,
    finite_f32,
    is_f32,
    near_grid,
    next_f32,
)
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.testing import points

KEYS = {"bias": int, "max_finite": float, "min_normal": float, "min_subnormal": float,
        "epsilon": float, "unit_roundoff": float, "decimal_digits": int, "has_infinity": bool,
        "nan_codes": int}

NAMED = {  # name -> (layout, the dtype whose finfo gives the constants)
    "FP32": ((8, 23, "ieee"), np.float32),
    "FP16": ((5, 10, "ieee"), np.float16),
    "BF16": ((8, 7, "ieee"), ml_dtypes.bfloat16),
    "E5M2": ((5, 2, "ieee"), ml_dtypes.float8_e5m2),
    "E4M3FN": ((4, 3, "fn"), ml_dtypes.float8_e4m3fn),
}


def with_examples(name, values):
    """Decorate a hypothesis test with one explicit example per value of its argument `name`."""
    def deco(f):
        for v in reversed(values):
            f = example(**{name: v})(f)
        return f
    return deco


def decimal_digits(man_bits):
    """The largest d with 10**d <= 2**(man_bits + 1), i.e. floor((man_bits + 1) * log10(2))."""
    d = 0
    while 10 ** (d + 1) <= 2 ** (man_bits + 1):
        d += 1
    return d


def check_info(layout, got, want, note=""):
    call = f"format_info{layout}"
    assert type(got) is dict, f"{call} returned {type(got).__name__}: it must return a dict"
    assert set(got) == set(KEYS), (
        f"{call} has the keys {sorted(got)}; it must have exactly {sorted(KEYS)}")
    for key, kind in KEYS.items():
        assert type(got[key]) is kind, (
            f"{call}[{key!r}] is {type(got[key]).__name__} {got[key]!r}: it must be a {kind.__name__}")
    for key in KEYS:
        assert got[key] == want[key], (
            f"{call}[{key!r}] = {got[key]!r}, expected {want[key]!r}{note}"
            + DEFINITIONS.get(key, ""))


DEFINITIONS = {
    "max_finite": " (the largest finite value: 'ieee' keeps the top exponent field for inf/NaN, "
                  "'fn' uses it for finite values except the all-ones fraction)",
    "epsilon": " (the distance from 1 to the next larger value, 2**-man_bits)",
    "unit_roundoff": " (half of epsilon, 2**-(man_bits+1): the largest relative rounding error)",
    "decimal_digits": " (the largest d with 10**d <= 2**(man_bits+1), "
                      "i.e. floor((man_bits+1) * log10(2)))",
    "nan_codes": " (how many of the 2**(1+exp_bits+man_bits) codes are NaN, both signs counted)",
    "min_subnormal": " (2**(1 - bias - man_bits))",
    "min_normal": " (2**(1 - bias))",
    "bias": " (2**(exp_bits-1) - 1)",
}


def finfo_expected(layout, dtype):
    e, m, _ = layout
    fi = ml_dtypes.finfo(dtype) if dtype not in (np.float32, np.float16) else np.finfo(dtype)
    width = 1 + e + m
    if width <= 16:      # count the NaN codes of the dtype itself
        view = np.uint8 if width == 8 else np.uint16
        with np.errstate(all="ignore"):
            vals = np.arange(2 ** width, dtype=view).view(dtype).astype(np.float32)
        nans = int(np.isnan(vals).sum())
    else:                # FP32: exponent field all ones with any non-zero fraction, both signs
        nans = 2 * (2 ** m - 1)
    with np.errstate(all="ignore"):
        has_inf = bool(np.isinf(np.array([np.inf], dtype=np.float32).astype(dtype))[0])
    return {"bias": 2 ** (e - 1) - 1, "max_finite": float(fi.max),
            "min_normal": float(fi.smallest_normal), "min_subnormal": float(fi.smallest_subnormal),
            "epsilon": float(fi.eps), "unit_roundoff": float(fi.eps) / 2,
            "decimal_digits": decimal_digits(m), "has_infinity": has_inf, "nan_codes": nans}


@points(2)
def test_format_info_named_formats(sub):
    """format_info of FP32, FP16, BF16, E5M2 and E4M3FN matches NumPy's / ml_dtypes' finfo, and the flashcards' claims hold."""
    got = {}
    for name, (layout, dtype) in NAMED.items():
        got[name] = sub.format_info(*layout)
        check_info(layout, got[name], finfo_expected(layout, dtype), f" for {name}")
    # The flashcards (already implied by the checks above; spelled out for the feedback).
    fp16, bf16, fp32 = got["FP16"], got["BF16"], got["FP32"]
    assert fp16["max_finite"] == 65504.0 and abs(fp16["min_subnormal"] - 5.96e-8) < 1e-10, \
        "FP16's range is about 6e-8 .. 65504"
    assert bf16["min_normal"] == fp32["min_normal"], "BF16 has FP32's exponent range"
    assert f"{bf16['max_finite']:.4e}" == "3.3895e+38" and f"{fp32['max_finite']:.4e}" == \
        "3.4028e+38", "BF16's max is 3.3895e38, a little below FP32's 3.4028e38"
    assert got["E4M3FN"]["max_finite"] == 448.0 and got["E5M2"]["max_finite"] == 57344.0, \
        "E4M3FN's max is 448, E5M2's is 57344"


def brute_force_info(e, m, style):
    """Every constant read off an enumeration of all the layout's codes (no formula)."""
    fmt = Format("layout", e, m, style)
    finite = {}
    nans, has_inf = 0, False
    for code in range(fmt.ncodes):
        s, mag = fmt.value(code)
        if isinstance(mag, float):
            nans += math.isnan(mag)
            has_inf |= math.isinf(mag)
        elif s == 0:
            finite[code] = mag
    positive = sorted(v for v in finite.values() if v > 0)
    normals = [v for c, v in finite.items() if fmt.split(c)[1] >= 1]
    above_one = min(v for v in positive if v > 1)
    eps = above_one - 1
    return {"bias": 2 ** (e - 1) - 1, "max_finite": float(positive[-1]),
            "min_normal": float(min(normals)), "min_subnormal": float(positive[0]),
            "epsilon": float(eps), "unit_roundoff": float(eps / 2),
            "decimal_digits": decimal_digits(m), "has_infinity": has_inf, "nan_codes": nans}


@points(1)
@given(e=st.integers(2, 5), m=st.integers(1, 5), style=st.sampled_from(["ieee", "fn"]))
@example(e=4, m=3, style="ieee")     # IEEE-style E4M3: max 240, not 448
@example(e=2, m=1, style="fn")
@example(e=2, m=1, style="ieee")
@example(e=5, m=5, style="fn")
@example(e=3, m=1, style="fn")
def test_format_info_small_layouts(sub, e, m, style):
    """format_info of any layout with 2 <= exp_bits <= 5, 1 <= man_bits <= 5, either style, matches an enumeration of all its codes."""
    check_info((e, m, style), sub.format_info(e, m, style), brute_force_info(e, m, style))


BAD_LAYOUTS = [(1, 3, "ieee"), (9, 3, "ieee"), (0, 0, "fn"), (4, 0, "fn"), (4, 24, "ieee"),
               (11, 52, "ieee"), (-1, 3, "ieee"), (4, 3, "fnuz"), (4, 3, ""), (4, 3, None),
               (4, 3, "e4m3fn")]


@points(1)
@given(layout=st.one_of(
    st.tuples(st.integers(-3, 1), st.integers(1, 23), st.sampled_from(["ieee", "fn"])),
    st.tuples(st.integers(9, 16), st.integers(1, 23), st.sampled_from(["ieee", "fn"])),
    st.tuples(st.integers(2, 8), st.integers(-3, 0), st.sampled_from(["ieee", "fn"])),
    st.tuples(st.integers(2, 8), st.integers(24, 60), st.sampled_from(["ieee", "fn"])),
    st.tuples(st.integers(2, 8), st.integers(1, 23), st.sampled_from(["fnuz", "inf", "", "nan"]))))
@with_examples("layout", BAD_LAYOUTS)
def test_format_info_rejects_bad_layouts(sub, layout):
    """format_info raises ValueError unless 2 <= exp_bits <= 8, 1 <= man_bits <= 23 and nan_style is 'ieee' or 'fn'."""
    try:
        got = sub.format_info(*layout)
    except ValueError:
        return
    pytest.fail(f"format_info{layout!r} returned {got!r}: it must raise ValueError (valid: "
                "2 <= exp_bits <= 8, 1 <= man_bits <= 23, nan_style 'ieee' or 'fn')")


# --------------------------------------------------------------------------- which_formats_hold

HOLD_EXAMPLES = [
    70000.0,                          # the flashcard's gradient: FP32 and BF16 only
    65504.0, next_f32(65520.0, -1), 65520.0,      # FP16's max, below its overflow tie, the tie
    57344.0, next_f32(61440.0, -1), 61440.0,      # E5M2's
    448.0, 464.0, next_f32(464.0, 1), 480.0,      # E4M3FN's (464 rounds to 448: held)
    3.3895313892515355e38, (2 - 2.0 ** -8) * 2.0 ** 127, 3.4028234663852886e38,   # BF16's
    1.0, 0.1, 1000.0, 0.0, -0.0,
    1e-8, 3e-8, 2.0 ** -25, next_f32(2.0 ** -25, 1),   # FP16's underflow edge (2**-25 ties to 0)
    2.0 ** -10, next_f32(2.0 ** -10, 1),               # E4M3FN's
    2.0 ** -17, next_f32(2.0 ** -17, 1),               # E5M2's
    2.0 ** -134, next_f32(2.0 ** -134, 1), 1e-40,      # BF16's
    1e-45,                                              # FP32's smallest subnormal
]


@st.composite
def hold_inputs(draw):
    fmt = draw(st.sampled_from([FP16, BF16, E5M2, E4M3FN]))
    return draw(st.one_of(near_grid(fmt, region="overflow"),
                          near_grid(fmt, region="underflow"),
                          finite_f32))


@points(2)
@given(x=hold_inputs())
@with_examples("x", [f32(x) for x in HOLD_EXAMPLES])
def test_which_formats_hold(sub, x):
    """which_formats_hold(x) lists, in the order fp32, fp16, bf16, e5m2, e4m3fn, the formats where x rounds to a finite value, and to a non-zero one unless x is 0."""
    assert is_f32(x), f"grader error: {x!r} is not a float32 value"   # never fires
    got = sub.which_formats_hold(x)
    assert type(got) is list and all(type(n) is str for n in got), (
        f"which_formats_hold({describe(x)}) returned {got!r}: it must return a list of str")
    want = expected_holds(x)
    if got != want:
        why = []
        for name, fmt in FORMATS.items():
            code = expected_encode(x, fmt)
            mag = fmt.value(code)[1]
            if isinstance(mag, float):
                why.append(f"{name}: x overflows (it rounds above max finite "
                           f"{float(fmt.max_finite)!r})")
            elif mag == 0 and x != 0:
                why.append(f"{name}: x rounds to zero (|x| <= min_subnormal/2 = "
                           f"{float(fmt.tiny / 2)!r}; the tie goes to zero)")
            else:
                why.append(f"{name}: x rounds to {float(mag)!r}, held")
        raise AssertionError(f"which_formats_hold({describe(x)}) = {got!r}, expected {want!r}: "
                             + "; ".join(why))


@points(1)
def test_which_formats_hold_rejects_non_finite(sub):
    """which_formats_hold raises ValueError for NaN and ±inf."""
    for x in (math.nan, -math.nan, math.inf, -math.inf):
        try:
            got = sub.which_formats_hold(x)
        except ValueError:
            continue
        pytest.fail(f"which_formats_hold({x!r}) returned {got!r}: it must raise ValueError "
                    "(only finite values are asked about)")


# ------------------------------------------------------------------------------------ hand part

HAND = ("HAND_V", "HAND_W")


def hand_strings(variant):
    """The expected 8-character bit strings for the student's v and w (E4M3FN, saturate=False)."""
    return tuple(format(expected_encode(variant[k], E4M3FN), "08b") for k in ("v", "w"))


@points(1)
def test_hand_answers(sub, variant, answer_digest):
    """HAND_V and HAND_W are 8-character strings of '0'/'1', and together the E4M3FN codes of your v and w."""
    answer = []
    for name in HAND:
        value = getattr(sub, name)
        assert type(value) is str, (
            f"{name} must be a str of 8 characters '0'/'1', got {type(value).__name__} {value!r}")
        assert value, f"{name} is empty: work it out on paper for your value and write it in"
        assert set(value) <= {"0", "1"}, f"{name} = {value!r} must contain only '0' and '1'"
        assert len(value) == 8, f"{name} = {value!r} has {len(value)} characters, it must have 8"
        answer.append(value)
    got = answer_digest(tuple(answer))   # digests only: the expected bits never reach the feedback
    want = answer_digest(hand_strings(variant))
    assert got == want, (
        f"HAND_V and HAND_W have the right form but are not, together, the E4M3FN codes of "
        f"v = {variant['v']!r} and w = {variant['w']!r}: redo them on paper (sign, exponent "
        f"field = e + 7, the 3 fraction bits after the hidden 1, rounded to nearest even). When "
        f"you submit, v and w are the ones your own statement names; a local `ulp check` uses "
        f"the class's default values.")
