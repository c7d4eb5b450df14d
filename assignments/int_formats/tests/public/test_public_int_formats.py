"""Public tests of the two's complement functions: encode_bits, decode_bits, to_unsigned,
from_unsigned, wrap, wrap_add, wrap_mul and saturate.

Every expected answer comes from the definitions (int_formats_strategies): a bit string's value
is its weighted sum with the top bit weighing -2**(b-1); a wrapped result is the unique value of
the range congruent to the exact result modulo 2**b. Each test calls one function.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from int_formats_strategies import (
    Bad,
    Ok,
    add_case,
    any_int_and_width,
    bad_int_args,
    bits_value,
    call_text,
    check_int,
    examples,
    expected_bits,
    hi,
    is_wrap_of,
    lo,
    mul_case,
    pattern_and_width,
    range_text,
    run_case,
    saturate_case,
    type_problem,
    value_and_width,
    widths,
)

from autograder.testing import points

M63 = -(2 ** 63)
P63 = 2 ** 63 - 1


# ---------------------------------------------------------------------------------- encode_bits

ENCODE_EXAMPLES = [
    (-13, 8), (-128, 8), (127, 8), (0, 8), (-2, 2), (1, 2), (-1, 2), (-4, 3), (M63, 64),
    (P63, 64), (1, 17), (np.int8(-5), 8), (np.uint64(P63), 64), (5, np.int64(64)),
    (-1, np.uint8(64)),
]


@points(2)
@given(case=value_and_width())
@examples("case", ENCODE_EXAMPLES)
def test_encode_bits(sub, case):
    """encode_bits(value, bits) is value's two's complement string: exactly bits characters '0'/'1', MSB first (ints and NumPy integers alike)."""
    value, bits = case
    call = call_text("encode_bits", value, bits)
    got = sub.encode_bits(value, bits)
    problem = type_problem(got, str, call)
    assert problem is None, problem
    v, b = int(value), int(bits)
    want = expected_bits(v, b)
    assert len(got) == b and set(got) <= {"0", "1"}, (
        f"{call} returned {got!r} ({len(got)} characters): it must be exactly {b} characters, "
        f"each '0' or '1' (expected {want!r}; pad with leading bits to the full width)")
    hint = ""
    if (got[0] == "1") != (v < 0):
        hint = " The first bit is the sign: 1 exactly for negative values."
    elif v < 0 and abs(bits_value(got) - v) == 1:
        hint = " Off by one: for negative v, invert the bits of |v| and then add one."
    assert bits_value(got) == v, (
        f"{call} = {got!r}, which stands for {bits_value(got)} in two's complement; "
        f"expected {want!r}.{hint}")


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("ranged"))
@examples("case", [
    Bad((128, 8), ValueError, "128 is outside " + range_text(8)),
    Bad((-129, 8), ValueError, "-129 is outside " + range_text(8)),
    Bad((2 ** 63, 64), ValueError, "2**63 is outside " + range_text(64)),
    Bad((10 ** 400, 64), ValueError, "10**400 is outside " + range_text(64)),
    Bad((np.uint64(2 ** 63), 64), ValueError, "2**63 is outside " + range_text(64)),
    Bad((0, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((0, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((True, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad((1, True), TypeError, "bools are rejected wherever an int is expected"),
    Bad((5.0, 8), TypeError, "5.0 is a float, not an int"),
    Bad(("5", 8), TypeError, "'5' is a str, not an int"),
    Ok((-2, 2), "10"), Ok((P63, 64), "0" + "1" * 63),
])
def test_encode_bits_rejects(sub, case):
    """encode_bits raises ValueError for a value outside the range or a width outside 2..64, TypeError for a non-int (bool included); widths 2 and 64 work."""
    run_case(sub, "encode_bits", case)


# ---------------------------------------------------------------------------------- decode_bits

DECODE_EXAMPLES = [
    ("11110011", 8), ("10000000", 8), ("01111111", 8), ("11111111", 8), ("10", 2), ("01", 2),
    ("11", 2), ("1" + "0" * 63, 64), ("0" + "1" * 63, 64), ("1" * 64, 64),
    ("00000001", np.int64(8)), ("1" * 64, np.uint8(64)),
]


@st.composite
def bit_string_case(draw):
    p, bits = draw(pattern_and_width())
    return format(int(p), f"0{int(bits)}b"), bits


@points(2)
@given(case=bit_string_case())
@examples("case", DECODE_EXAMPLES)
def test_decode_bits(sub, case):
    """decode_bits(s, bits) is the value of a two's complement string (the first bit weighs -2**(bits-1)), as a Python int."""
    s, bits = case
    call = call_text("decode_bits", s, bits)
    got = sub.decode_bits(s, bits)
    check_int(got, call)
    want = bits_value(s)
    hint = ""
    if s[0] == "1" and got == int(s, 2):
        hint = " (that is the unsigned value: the first bit weighs -2**(bits-1), not +2**(bits-1))"
    assert got == want, f"{call} = {got}, expected {want}{hint}"


@st.composite
def bad_decode_case(draw):
    bits = int(draw(widths))
    kind = draw(st.sampled_from(["short", "long", "char", "char", "char", "width", "type",
                                 "bool_bits"]))
    good = "".join(draw(st.lists(st.sampled_from("01"), min_size=bits, max_size=bits)))
    if kind == "short":
        s = good[:draw(st.integers(0, bits - 1))]
        return Bad((s, bits), ValueError, f"the string has {len(s)} characters, not bits = {bits}")
    if kind == "long":
        s = good + "".join(draw(st.lists(st.sampled_from("01"), min_size=1, max_size=3)))
        return Bad((s, bits), ValueError, f"the string has {len(s)} characters, not bits = {bits}")
    if kind == "char":
        # mostly strings that int(s, 2) would read (so only a character check rejects them)
        trick = draw(st.sampled_from(["space", "sign", "underscore", "prefix", "unicode", "any"]))
        if trick == "space":
            s = draw(st.sampled_from([" " + good[1:], good[:-1] + " ", "\n" + good[1:],
                                      good[:-1] + "\t"]))
        elif trick == "sign":
            s = draw(st.sampled_from("+-")) + good[1:]
        elif trick == "underscore" and bits >= 3:
            i = draw(st.integers(1, bits - 2))
            s = good[:i] + "_" + good[i + 1:]
        elif trick == "prefix" and bits >= 3:
            s = "0b" + good[2:]
        else:
            i = draw(st.integers(0, bits - 1))
            ch = draw(st.sampled_from(["\u0661", "\uff11", "\uff10", "2", "O", "l", "x"]
                                      if trick != "any" else ["2", " ", "_", "-", "b", "\t"]))
            s = good[:i] + ch + good[i + 1:]
        bad = next(c for c in s if c not in "01")
        return Bad((s, bits), ValueError, f"{bad!r} is not '0' or '1'")
    if kind == "width":
        b = draw(st.sampled_from([0, 1, 65, 66, -8]))
        return Bad(("0" * max(b, 0), b), ValueError, f"bits = {b} is not a width in [2, 64]")
    if kind == "bool_bits":
        return Bad(("01", True), TypeError, "bits = True is a bool, and bools are rejected")
    s = draw(st.sampled_from([good.encode(), int(good, 2), list(good), None, 1.0]))
    return Bad((s, bits), TypeError, f"s must be a str, not {type(s).__name__}")


@points(1)
@given(case=bad_decode_case())
@examples("case", [
    Ok(("10", 2), -2), Ok(("1" + "0" * 63, 64), M63),
    Bad(("1111", 8), ValueError, "the string has 4 characters, not bits = 8"),
    Bad(("111111111", 8), ValueError, "the string has 9 characters, not bits = 8"),
    Bad(("1_01", 4), ValueError, "'_' is not '0' or '1' (int(s, 2) accepts it; the contract does not)"),
    Bad((" 101", 4), ValueError, "' ' is not '0' or '1' (int(s, 2) skips spaces; the contract does not)"),
    Bad(("-101", 4), ValueError, "'-' is not '0' or '1' (int(s, 2) reads a sign; the contract does not)"),
    Bad(("0b01", 4), ValueError, "'b' is not '0' or '1' (int(s, 2) accepts a 0b prefix; the contract does not)"),
    Bad(("\uff11\uff10", 2), ValueError, "fullwidth digits are not '0' or '1' (int(s, 2) accepts them)"),
    Bad(("0", 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad(("0" * 65, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((b"0101", 4), TypeError, "s must be a str, not bytes"),
    Bad(("01", True), TypeError, "bits = True is a bool, and bools are rejected"),
])
def test_decode_bits_rejects(sub, case):
    """decode_bits raises ValueError for a string of the wrong length or with a character other than '0'/'1', or a bad width; TypeError for a non-str s."""
    run_case(sub, "decode_bits", case)


# ---------------------------------------------------------------------------------- to_unsigned

@points(1)
@given(case=value_and_width())
@examples("case", [(-13, 8), (-128, 8), (127, 8), (-1, 8), (-2, 2), (1, 2), (M63, 64), (-1, 64),
                   (P63, 64), (np.int8(-5), 8), (np.int64(M63), np.uint8(64)), (-1, np.int64(64))])
def test_to_unsigned(sub, case):
    """to_unsigned(value, bits) is the unsigned pattern in [0, 2**bits) whose bits are value's two's complement (value + 2**bits for a negative value), a Python int."""
    value, bits = case
    call = call_text("to_unsigned", value, bits)
    got = sub.to_unsigned(value, bits)
    check_int(got, call)
    v, b = int(value), int(bits)
    want = int(expected_bits(v, b), 2)
    assert 0 <= got < 2 ** b and bits_value(format(got, f"0{b}b")) == v, (
        f"{call} = {got}, expected {want} (= {expected_bits(v, b)}b)"
        + (": a pattern is never negative" if got < 0 else ""))


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("ranged"))
@examples("case", [
    Ok((-2, 2), 2), Ok((M63, 64), 2 ** 63),
    Bad((128, 8), ValueError, "128 is outside " + range_text(8)),
    Bad((-129, 8), ValueError, "-129 is outside " + range_text(8)),
    Bad((2 ** 63, 64), ValueError, "2**63 is outside " + range_text(64)),
    Bad((0, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((0, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((True, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad((1.5, 8), TypeError, "1.5 is a float, not an int"),
])
def test_to_unsigned_rejects(sub, case):
    """to_unsigned raises ValueError for a value outside the range or a width outside 2..64, TypeError for a non-int."""
    run_case(sub, "to_unsigned", case)


# -------------------------------------------------------------------------------- from_unsigned

@points(1)
@given(case=pattern_and_width())
@examples("case", [(243, 8), (128, 8), (127, 8), (255, 8), (2, 2), (1, 2), (2 ** 63, 64),
                   (2 ** 64 - 1, 64), (np.uint64(2 ** 64 - 1), 64),
                   (np.uint64(2 ** 63), np.int64(64)), (np.uint8(200), 8),
                   (np.int64(5), np.uint8(3))])
def test_from_unsigned(sub, case):
    """from_unsigned(pattern, bits) is the two's complement value of a pattern in [0, 2**bits) (pattern - 2**bits when its top bit is 1), a Python int."""
    pattern, bits = case
    call = call_text("from_unsigned", pattern, bits)
    got = sub.from_unsigned(pattern, bits)
    check_int(got, call)
    p, b = int(pattern), int(bits)
    want = bits_value(format(p, f"0{b}b"))
    assert got == want, f"{call} = {got}, expected {want} (the pattern is {format(p, f'0{b}b')}b)"


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("pattern"))
@examples("case", [
    Ok((2, 2), -2), Ok((2 ** 64 - 1, 64), -1),
    Bad((256, 8), ValueError, "the pattern 256 is outside [0, 2**8)"),
    Bad((-1, 8), ValueError, "a pattern is never negative: -1 is outside [0, 2**8)"),
    Bad((np.int8(-1), 8), ValueError, "a pattern is never negative: -1 is outside [0, 2**8)"),
    Bad((4, 2), ValueError, "the pattern 4 is outside [0, 2**2)"),
    Bad((2 ** 64, 64), ValueError, "the pattern 2**64 is outside [0, 2**64)"),
    Bad((0, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((0, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((True, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad(("255", 8), TypeError, "'255' is a str, not an int"),
])
def test_from_unsigned_rejects(sub, case):
    """from_unsigned raises ValueError for a pattern outside [0, 2**bits) or a width outside 2..64, TypeError for a non-int."""
    run_case(sub, "from_unsigned", case)


# ------------------------------------------------------------------------------------------ wrap

WRAP_EXAMPLES = [(128, 8), (255, 8), (256, 8), (-129, 8), (-128, 8), (2, 2), (-3, 2),
                 (2 ** 63, 64), (-(2 ** 63) - 1, 64), (10 ** 400, 64), (-(2 ** 200) - 1, 17),
                 (np.uint64(2 ** 64 - 1), 64), (np.int64(-129), np.uint8(8)),
                 (np.uint64(2 ** 63), np.int64(64))]


@points(2)
@given(case=any_int_and_width())
@examples("case", WRAP_EXAMPLES)
def test_wrap(sub, case):
    """wrap(value, bits) reduces any int (huge ones too) to the bits-bit range: the result is in range and differs from value by a multiple of 2**bits."""
    value, bits = case
    call = call_text("wrap", value, bits)
    got = sub.wrap(value, bits)
    check_int(got, call)
    v, b = int(value), int(bits)
    want = bits_value(format(v % 2 ** b, f"0{b}b"))
    assert is_wrap_of(got, v, b), (
        f"{call} = {got}, expected {want}: the result must lie in {range_text(b)} and differ "
        f"from {v} by a multiple of 2**{b}")


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("any"))
@examples("case", [
    Ok((2, 2), -2), Ok((10 ** 400, 64), bits_value(format(10 ** 400 % 2 ** 64, "064b"))),
    Bad((5, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((5, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((True, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad(("300", 8), TypeError, "'300' is a str, not an int"),
    Bad((5, 8.0), TypeError, "bits = 8.0 is a float, not an int"),
])
def test_wrap_rejects(sub, case):
    """wrap raises ValueError for a width outside 2..64 and TypeError for a non-int; any int value is accepted."""
    run_case(sub, "wrap", case)


# ------------------------------------------------------------------------------ wrap_add / _mul

@points(1)
@given(case=add_case())
@examples("case", [(127, 1, 8), (-128, -1, 8), (-128, -128, 8), (127, 127, 8), (1, 1, 2),
                   (-2, -1, 2), (P63, 1, 64), (M63, -1, 64), (M63, M63, 64), (5, -7, 8),
                   (np.int8(127), np.int8(1), 8), (np.int64(P63), 1, np.uint8(64))])
def test_wrap_add(sub, case):
    """wrap_add(x, y, bits) is x + y wrapped to the bits-bit range (127 + 1 == -128 in 8 bits)."""
    x, y, bits = case
    call = call_text("wrap_add", x, y, bits)
    got = sub.wrap_add(x, y, bits)
    check_int(got, call)
    exact, b = int(x) + int(y), int(bits)
    want = bits_value(format(exact % 2 ** b, f"0{b}b"))
    assert is_wrap_of(got, exact, b), (
        f"{call} = {got}, expected {want}: x + y = {exact} wrapped to {range_text(b)}")


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("pair"))
@examples("case", [
    Ok((1, 1, 2), -2), Ok((P63, 1, 64), M63),
    Bad((128, 0, 8), ValueError, "x = 128 is outside " + range_text(8)),
    Bad((0, -129, 8), ValueError, "y = -129 is outside " + range_text(8)),
    Bad((2, 0, 2), ValueError, "x = 2 is outside " + range_text(2)),
    Bad((0, 2 ** 63, 64), ValueError, "y = 2**63 is outside " + range_text(64)),
    Bad((0, 0, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((0, 0, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((True, 1, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad((1, 1.0, 8), TypeError, "1.0 is a float, not an int"),
])
def test_wrap_add_rejects(sub, case):
    """wrap_add raises ValueError for an operand outside the bits-bit range or a width outside 2..64, TypeError for a non-int."""
    run_case(sub, "wrap_add", case)


@points(1)
@given(case=mul_case())
@examples("case", [(-128, -1, 8), (-128, -128, 8), (127, 127, 8), (16, 8, 8), (100, 3, 8),
                   (-2, -1, 2), (-2, -2, 2), (M63, -1, 64), (P63, P63, 64),
                   (2 ** 32, 2 ** 31, 64), (3, -5, 8), (np.int8(-128), np.int8(-1), 8),
                   (np.int64(M63), -1, np.uint8(64))])
def test_wrap_mul(sub, case):
    """wrap_mul(x, y, bits) is x * y wrapped to the bits-bit range (-128 * -1 == -128 in 8 bits)."""
    x, y, bits = case
    call = call_text("wrap_mul", x, y, bits)
    got = sub.wrap_mul(x, y, bits)
    check_int(got, call)
    exact, b = int(x) * int(y), int(bits)
    want = bits_value(format(exact % 2 ** b, f"0{b}b"))
    assert is_wrap_of(got, exact, b), (
        f"{call} = {got}, expected {want}: x * y = {exact} wrapped to {range_text(b)}")


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("pair"))
@examples("case", [
    Ok((-2, -1, 2), -2), Ok((M63, -1, 64), M63),
    Bad((128, 1, 8), ValueError, "x = 128 is outside " + range_text(8)),
    Bad((1, -129, 8), ValueError, "y = -129 is outside " + range_text(8)),
    Bad((0, -3, 2), ValueError, "y = -3 is outside " + range_text(2)),
    Bad((2 ** 63, 1, 64), ValueError, "x = 2**63 is outside " + range_text(64)),
    Bad((1, 1, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((1, 1, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((2, True, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad((2.0, 3, 8), TypeError, "2.0 is a float, not an int"),
])
def test_wrap_mul_rejects(sub, case):
    """wrap_mul raises ValueError for an operand outside the bits-bit range or a width outside 2..64, TypeError for a non-int."""
    run_case(sub, "wrap_mul", case)


# -------------------------------------------------------------------------------------- saturate

@points(1)
@given(case=saturate_case())
@examples("case", [(128, 8), (-129, 8), (127, 8), (-128, 8), (2, 2), (-3, 2),
                   (2 ** 63, 64), (-(2 ** 63) - 1, 64), (10 ** 400, 64), (-(10 ** 400), 17),
                   (np.uint64(2 ** 64 - 1), 64), (np.int16(-300), np.uint8(8))])
def test_saturate(sub, case):
    """saturate(value, bits) clamps any int to [-2**(bits-1), 2**(bits-1) - 1] (symmetric left at its default, False)."""
    value, bits = case
    call = call_text("saturate", value, bits)
    got = sub.saturate(value, bits)
    check_int(got, call)
    v, b = int(value), int(bits)
    want = min(max(v, lo(b)), hi(b))
    assert got == want, f"{call} = {got}, expected {want}: clamp to {range_text(b)}"


@points(1)
@given(case=saturate_case())
@examples("case", [(-128, 8), (-129, 8), (-127, 8), (128, 8), (-2, 2), (2, 2), (M63, 64),
                   (-(10 ** 400), 64), (np.int8(-128), 8), (np.int64(M63), np.uint8(64))])
def test_saturate_symmetric(sub, case):
    """saturate(value, bits, symmetric=True) clamps to [-(2**(bits-1) - 1), 2**(bits-1) - 1]: for 8 bits [-127, 127], so -128 becomes -127."""
    value, bits = case
    call = call_text("saturate", value, bits, symmetric=True)
    got = sub.saturate(value, bits, symmetric=True)
    check_int(got, call)
    v, b = int(value), int(bits)
    want = min(max(v, -hi(b)), hi(b))
    assert got == want, (
        f"{call} = {got}, expected {want}: the symmetric range is [{-hi(b)}, {hi(b)}] "
        f"({2 * hi(b) + 1} codes; the most negative pattern {lo(b)} is left unused)")


@points(1)
@settings(max_examples=5)
@given(case=bad_int_args("any"))
@examples("case", [
    Ok((-3, 2), -2), Ok((10 ** 400, 64), P63), Ok((-3, 2), -1, {"symmetric": True}),
    Bad((5, 1), ValueError, "bits = 1 is not a width in [2, 64]"),
    Bad((5, 65), ValueError, "bits = 65 is not a width in [2, 64]"),
    Bad((True, 8), TypeError, "bools are rejected wherever an int is expected"),
    Bad((200.0, 8), TypeError, "200.0 is a float, not an int"),
    Bad((5, np.True_), TypeError, "numpy.bool_ is rejected like bool"),
])
def test_saturate_rejects(sub, case):
    """saturate raises ValueError for a width outside 2..64 and TypeError for a non-int; any int value is accepted."""
    run_case(sub, "saturate", case)
