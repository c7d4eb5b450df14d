"""Public test of the hand part: the form of the answer first (each a str of '0'/'1' of the right
length, with a message per field), then its value for the student's own v.

The value is compared as keyed digests (the `answer_digest` fixture), so a failure never shows
the expected bits. The form alone earns nothing: strings of the right form but wrong bits fail.
"""

import numpy as np

from autograder.testing import points

FIELDS = [("HAND_SIGN", 1), ("HAND_EXPONENT", 8), ("HAND_MANTISSA", 23)]


def fp32_field_strings(v):
    """v's FP32 pattern (v is exact in FP32) split into its three fields, as '0'/'1' strings."""
    pattern = format(int(np.array([v], dtype=np.float32).view(np.uint32)[0]), "032b")
    return pattern[:1], pattern[1:9], pattern[9:]


@points(1)
def test_hand_answer_format_and_value(sub, variant, answer_digest):
    """HAND_SIGN, HAND_EXPONENT and HAND_MANTISSA are strings of '0'/'1' of lengths 1, 8 and 23, and together the FP32 encoding of your v."""
    answer = []
    for name, length in FIELDS:
        value = getattr(sub, name)
        assert type(value) is str, f"{name} must be a str of '0' and '1', got {type(value).__name__} {value!r}"
        assert value, f"{name} is empty: work it out on paper for your value v and write it in"
        assert set(value) <= {"0", "1"}, f"{name} = {value!r} must contain only the characters '0' and '1'"
        assert len(value) == length, f"{name} = {value!r} has {len(value)} characters, it must have {length}"
        answer.append(value)
    v = variant["v"]
    got = answer_digest(tuple(answer))   # digests only: the expected bits never reach the feedback
    want = answer_digest(fp32_field_strings(v))
    assert got == want, (
        f"HAND_SIGN, HAND_EXPONENT and HAND_MANTISSA have the right form but are not, together, "
        f"the FP32 encoding of v = {v!r}: redo the conversion on paper (the statement's worked "
        f"example shows each step). When you submit, v is the one your own statement names; a "
        f"local `ulp check` uses the class's default v.")
