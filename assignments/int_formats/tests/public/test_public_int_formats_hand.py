"""Public tests of the hand part: the form of each answer first (a str of 8 characters '0'/'1'),
then its value for the student's own numbers.

Values are compared as keyed digests (the `answer_digest` fixture), so a failure never shows the
expected bits. The form alone earns nothing.
"""

from fractions import Fraction

from autograder.testing import points


def int8_bits(v):
    """v (an int in [-128, 127]) as its INT8 two's complement string, from the definition."""
    return format(v + 256 if v < 0 else v, "08b")


def q34_bits(v):
    """v (a multiple of 1/16 in [-8, 7.9375]) as its Q3.4 string: the INT8 string of 16 * v."""
    code = Fraction(v) * 16
    assert code.denominator == 1 and -128 <= code <= 127, "v must be exact in Q3.4"
    return int8_bits(int(code))


def check_form(name, value):
    assert type(value) is str, f"{name} must be a str of '0' and '1', got {type(value).__name__} {value!r}"
    assert value, f"{name} is empty: work it out on paper for your number and write it in"
    assert set(value) <= {"0", "1"}, f"{name} = {value!r} must contain only the characters '0' and '1'"
    assert len(value) == 8, f"{name} = {value!r} has {len(value)} characters, it must have 8"


@points(1)
def test_hand_int8(sub, variant, answer_digest):
    """HAND_INT8 is a str of 8 characters '0'/'1': the INT8 two's complement encoding of your integer v_int8."""
    value = sub.HAND_INT8
    check_form("HAND_INT8", value)
    v = variant["v_int8"]
    assert answer_digest(value) == answer_digest(int8_bits(v)), (
        f"HAND_INT8 has the right form but is not the INT8 two's complement encoding of "
        f"v_int8 = {v}: write |v| in 8 bits, invert every bit, add one (the statement's worked "
        f"example shows each step). When you submit, v_int8 is the one your own statement "
        f"names; a local `ulp check` uses the class's default.")


@points(1)
def test_hand_q34(sub, variant, answer_digest):
    """HAND_Q34 is a str of 8 characters '0'/'1': the Q3.4 encoding of your real v_q34 (its code v_q34 * 16 in 8-bit two's complement)."""
    value = sub.HAND_Q34
    check_form("HAND_Q34", value)
    v = variant["v_q34"]
    assert answer_digest(value) == answer_digest(q34_bits(v)), (
        f"HAND_Q34 has the right form but is not the Q3.4 encoding of v_q34 = {v!r}: multiply "
        f"by 2**4 = 16 to get the code, then write the code in 8-bit two's complement (the "
        f"statement's worked example shows each step). When you submit, v_q34 is the one your "
        f"own statement names; a local `ulp check` uses the class's default.")
