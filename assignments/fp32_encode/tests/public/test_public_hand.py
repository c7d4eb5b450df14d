"""Public test of the hand part: only the form of the answer (its value is checked hidden)."""

from autograder.testing import points

FIELDS = [("HAND_SIGN", 1), ("HAND_EXPONENT", 8), ("HAND_MANTISSA", 23)]


@points(1)
def test_hand_answer_format(sub):
    """HAND_SIGN, HAND_EXPONENT and HAND_MANTISSA are strings of '0'/'1' of lengths 1, 8 and 23 (their values are graded hidden)."""
    for name, length in FIELDS:
        value = getattr(sub, name)
        assert type(value) is str, f"{name} must be a str of '0' and '1', got {type(value).__name__} {value!r}"
        assert value, f"{name} is empty: work it out on paper for your value v and write it in"
        assert set(value) <= {"0", "1"}, f"{name} = {value!r} must contain only the characters '0' and '1'"
        assert len(value) == length, f"{name} = {value!r} has {len(value)} characters, it must have {length}"
