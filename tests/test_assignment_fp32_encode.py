"""Self-test of fp32_encode: each submission in tests/submissions/fp32_encode/ grades as stated.

A bug in one function must cost exactly the tests of that function (and its hidden sweep);
the hand answer is graded by a hidden test only; malicious submissions score zero.
"""

from selftest import FULL, ZERO, fails, outcome_tests

ENCODE_SWEEP = "test_hidden_encode_fp32_any_double"

test_outcome = outcome_tests("fp32_encode", {
    # Correct: exact fractions; frexp/ldexp + integer shifts; the double's fields with guard and
    # sticky bits (NaN with sign and all-ones payload); binary search over patterns; FP32 written
    # out on its own beside a generic version.
    "correct_fractions.py": FULL,
    "correct_frexp.py": FULL,
    "correct_bits.py": FULL,
    "correct_bisect.py": FULL,
    "correct_separate_fp32.py": FULL,

    # encode_fp32 bugs: only encode_fp32 tests fail.
    "buggy_truncates.py": fails("test_encode_fp32_rounds_to_nearest", "test_encode_fp32_ties_to_even",
                                "test_encode_fp32_subnormals", "test_encode_fp32_overflow",
                                ENCODE_SWEEP, says="rounds to the second"),
    "buggy_ties_away.py": fails("test_encode_fp32_ties_to_even", "test_encode_fp32_subnormals",
                                ENCODE_SWEEP, says="ties go to the neighbour whose fraction is even"),
    "buggy_flush_subnormals.py": fails("test_encode_fp32_subnormals", ENCODE_SWEEP,
                                       says="subnormal range"),
    "buggy_overflow_saturates.py": fails("test_encode_fp32_overflow", ENCODE_SWEEP,
                                         says="overflow to inf"),
    "buggy_signed_zero.py": fails("test_encode_fp32_signed_zero_and_specials", ENCODE_SWEEP,
                                  says="encode_fp32(-0.0"),

    # decode_fp32 bugs.
    "buggy_decode_no_subnormals.py": fails("test_decode_fp32_subnormals_and_zeros",
                                           "test_hidden_decode_fp32_any_pattern",
                                           says="expected 1.401298464324817e-45"),
    "buggy_decode_no_range_check.py": fails("test_decode_fp32_rejects_out_of_range",
                                            says="must raise ValueError"),
    "buggy_uses_struct.py": fails("test_decode_fp32_normals", "test_decode_fp32_subnormals_and_zeros",
                                  "test_decode_fp32_inf_and_nan", "test_decode_fp32_rejects_out_of_range",
                                  "test_hidden_decode_fp32_any_pattern", says="struct"),

    # fp32_fields bugs.
    "buggy_fields_unbiased.py": fails("test_fp32_fields", says="biased exponent"),
    "buggy_uses_float_hex.py": fails("test_fp32_fields", says="hex"),

    # generic format bugs.
    "buggy_generic_bias.py": fails("test_encode_float_fp16", "test_encode_float_formats",
                                   "test_hidden_encode_float_small_formats_exhaustive",
                                   says="exponent field"),
    "buggy_decode_float_nan_as_inf.py": fails("test_decode_float_fp16", "test_decode_float_formats",
                                              "test_hidden_decode_float_small_formats_exhaustive",
                                              says="expected a NaN"),

    # partly done (dave): the generic functions still raise NotImplementedError.
    "buggy_partial_no_generic.py": fails(
        "test_encode_float_fp16", "test_encode_float_formats", "test_encode_float_rejects_bad_format",
        "test_decode_float_fp16", "test_decode_float_formats", "test_decode_float_rejects_bad_input",
        "test_hidden_encode_float_small_formats_exhaustive",
        "test_hidden_decode_float_small_formats_exhaustive", says="not implemented yet"),

    # the hand part (hidden).
    "buggy_hand_unbiased.py": fails("test_hidden_hand_answer"),

    # Malicious: zero, and the grader keeps going.
    "malicious_exit_at_import.py": ZERO,
    "malicious_infinite_loop.py": ZERO,
    "malicious_forge_results.py": ZERO,
    "malicious_always_equal.py": ZERO,
    "malicious_read_reference.py": ZERO,
    "malicious_evade_forbidden.py": ZERO,
    "malicious_kill_grader.py": ZERO,
})
