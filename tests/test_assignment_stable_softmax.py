"""Self-test of stable_softmax: each sample submission scores what it should.

Every grader test calls one function, so a bug costs only its function's tests. Most bugs cost
every test of their function except where the bug cannot show: log(softmax(z)) and
z - logsumexp(z) are exact on one-element slices (log 1 = 0, z - z = 0), and the all-masked /
NaN mistakes show only in the masked_and_nan test, the only one with such slices. A bug that
ignores the axis shows only where the axis is not the last one (other_axes, single_element).
The tests carry explicit examples that trigger each classic bug (see the test files), so these
outcomes do not depend on the seed.
"""

from selftest import FULL, ZERO, fails, outcome_tests

SOFTMAX = ("test_softmax_accuracy", "test_softmax_large_logits", "test_softmax_masked_and_nan",
           "test_softmax_other_axes", "test_softmax_single_element",
           "test_softmax_tiny_probabilities")
LOG_SOFTMAX = ("test_log_softmax_accuracy", "test_log_softmax_large_logits",
               "test_log_softmax_underflowing_probability", "test_log_softmax_masked_and_nan",
               "test_log_softmax_other_axes", "test_log_softmax_single_element")
LOGSUMEXP = ("test_logsumexp_accuracy", "test_logsumexp_large_logits",
             "test_logsumexp_masked_and_nan", "test_logsumexp_other_axes",
             "test_logsumexp_single_element")

test_outcome = outcome_tests("stable_softmax", {
    # legitimate approaches: float64 then cast; all in z's dtype (float16 included); exp with
    # where= and a sequential sum from the end; scalar loop in z's dtype with softmax as
    # exp(log_softmax); math.exp/math.fsum on doubles; single-pass online softmax in z's dtype
    "correct_float64_cast.py": FULL,
    "correct_native_dtype.py": FULL,
    "correct_where_reverse_sum.py": FULL,
    "correct_loop_logdomain.py": FULL,
    "correct_math_fsum.py": FULL,
    "correct_online.py": FULL,

    "buggy_softmax_no_max.py": fails(*SOFTMAX, says="exp overflowed"),
    "buggy_softmax_global_max.py": fails(*[t for t in SOFTMAX if t != "test_softmax_tiny_probabilities"],
                                         says="expected 0.731"),
    "buggy_softmax_last_axis.py": fails("test_softmax_other_axes", "test_softmax_single_element"),
    "buggy_softmax_float64.py": fails(*SOFTMAX, says="returned dtype float64"),
    "buggy_softmax_masked_zero.py": fails("test_softmax_masked_and_nan", says="must be NaN"),
    "buggy_softmax_isfinite_where.py": fails("test_softmax_masked_and_nan", says="contains NaN"),
    "buggy_log_softmax_log_of_softmax.py": fails(
        *[t for t in LOG_SOFTMAX if t != "test_log_softmax_single_element"],
        says="the probability underflowed"),
    "buggy_log_softmax_minus_lse.py": fails(
        "test_log_softmax_accuracy", "test_log_softmax_large_logits",
        "test_log_softmax_masked_and_nan", "test_log_softmax_other_axes",
        says="z - logsumexp(z) loses"),
    "buggy_logsumexp_keepdims.py": fails(*LOGSUMEXP, says="reduces the axis away"),
    "buggy_logsumexp_no_max.py": fails(*LOGSUMEXP, says="got inf"),
    "buggy_logsumexp_all_masked_nan.py": fails("test_logsumexp_masked_and_nan",
                                               says="must be -inf"),
    "buggy_unfinished.py": fails(*LOG_SOFTMAX, *LOGSUMEXP, says="not implemented yet"),

    "malicious_exit_at_import.py": ZERO,
    "malicious_infinite_loop.py": ZERO,
    "malicious_forge_results.py": ZERO,
    "malicious_eq_always_true.py": ZERO,
    "malicious_read_reference.py": ZERO,
    "malicious_kill_grader.py": ZERO,
    "malicious_output_flood.py": ZERO,
})
