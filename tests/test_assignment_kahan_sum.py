"""Expected outcome of every sample submission of kahan_sum (tests/submissions/kahan_sum/)."""

from selftest import FULL, ZERO, fails, outcome_tests

NAIVE = ("test_naive_sum_exact", "test_hidden_naive_sum_long_arrays",
         "test_hidden_naive_sum_hard_cases")
KAHAN = ("test_kahan_sum_exact", "test_hidden_kahan_sum_long_arrays",
         "test_hidden_kahan_sum_hard_cases")
NEUMAIER = ("test_neumaier_sum_exact", "test_hidden_neumaier_sum_long_arrays",
            "test_hidden_neumaier_sum_hard_cases")
ALL_NAIVE = (*NAIVE, "test_naive_sum_returns_float32", "test_naive_sum_error_bound",
             "test_naive_sum_rejects_bad_input")
ALL_KAHAN = (*KAHAN, "test_kahan_sum_returns_float32", "test_kahan_sum_error_bound",
             "test_kahan_sum_rejects_bad_input")
ALL_NEUMAIER = (*NEUMAIER, "test_neumaier_sum_returns_float32", "test_neumaier_sum_error_bound",
                "test_neumaier_sum_rejects_bad_input")

test_outcome = outcome_tests("kahan_sum", {
    # four legitimate ways to write the same float32 operations
    "correct_float32_scalars.py": FULL,
    "correct_indexed_casts.py": FULL,
    "correct_python_floats_rounded.py": FULL,
    "correct_tolist_nep50.py": FULL,
    # one broken function each: exactly that function's tests fail
    "buggy_naive_right_to_left.py": fails(*NAIVE, says="naive_sum"),
    "buggy_naive_float64_accumulation.py": fails(*NAIVE, says="float32 arithmetic"),
    "buggy_naive_uses_cumsum.py": fails(*ALL_NAIVE, says="cumsum"),
    "buggy_kahan_sign_flipped.py": fails(*KAHAN, "test_kahan_sum_error_bound", says="kahan_sum"),
    "buggy_kahan_float64.py": fails(*KAHAN, says="kahan_sum"),
    "buggy_kahan_empty_python_float.py": fails("test_kahan_sum_returns_float32", says="numpy.float32"),
    "buggy_neumaier_no_final_c.py": fails(*NEUMAIER, "test_neumaier_sum_error_bound",
                                          says="neumaier_sum"),
    "buggy_neumaier_branch_inverted.py": fails(*NEUMAIER, "test_neumaier_sum_error_bound",
                                               says="neumaier_sum"),
    "buggy_neumaier_accepts_float64.py": fails("test_neumaier_sum_rejects_bad_input",
                                               says="TypeError"),
    "buggy_partial_not_implemented.py": fails(*ALL_KAHAN, *ALL_NEUMAIER, says="kahan_sum"),
    # malicious: score zero, and the grader keeps going
    "malicious_exit_at_import.py": ZERO,
    "malicious_infinite_loop.py": ZERO,
    "malicious_forge_results.py": ZERO,
    "malicious_eq_always_true.py": ZERO,
    "malicious_reads_reference.py": ZERO,
    "malicious_fsum_import.py": ZERO,
    "malicious_fsum_getattr.py": ZERO,
})
