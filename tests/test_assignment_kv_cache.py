"""Self-test of kv_cache: each sample submission scores what it should.

Every buggy submission has its bug in one public function (its other functions are written
independently and correctly), so it must lose exactly the tests of that function. The explicit
examples of the tests (real configs, exact fits, odd int4 totals, totals beyond 2**53 and 2**63)
make each of these outcomes the same on every hypothesis seed.
"""

from selftest import FULL, ZERO, fails, outcome_tests

KV = (
    "test_kv_cache_bytes_worked_example",
    "test_kv_cache_bytes_exact",
    "test_kv_cache_bytes_beyond_2_53",
    "test_kv_cache_bytes_numpy_ints",
)
KV_BIG = ("test_kv_cache_bytes_beyond_2_53", "test_kv_cache_bytes_numpy_ints")
KV_HIDDEN = "test_hidden_kv_cache_bytes_matches_reference"

MLA = (
    "test_mla_cache_bytes_deepseek_v3",
    "test_mla_cache_bytes_exact",
    "test_mla_cache_bytes_int4_rounds_up",
    "test_mla_cache_bytes_beyond_2_53",
    "test_mla_cache_bytes_numpy_ints",
)
MLA_BIG = ("test_mla_cache_bytes_beyond_2_53", "test_mla_cache_bytes_numpy_ints")
MLA_REJECTS = "test_mla_cache_bytes_rejects_bad_arguments"
MLA_HIDDEN = "test_hidden_mla_cache_bytes_matches_reference"

MODEL_GENERATED = (
    "test_model_kv_cache_bytes_synthetic_configs",
    "test_model_kv_cache_bytes_beyond_2_53",
    "test_model_kv_cache_bytes_numpy_ints",
    "test_hidden_model_kv_cache_bytes_matches_reference",
)
MODEL_BIG = ("test_model_kv_cache_bytes_beyond_2_53", "test_model_kv_cache_bytes_numpy_ints")
MODEL_HIDDEN = "test_hidden_model_kv_cache_bytes_matches_reference"
MODEL_BOTH_KEYS = "test_hidden_model_mla_needs_both_keys"

MAX_WORKED = "test_max_seq_len_worked_example"
MAX_LARGEST = "test_max_seq_len_is_the_largest_that_fits"
MAX_NO_ROOM = "test_max_seq_len_no_room"
MAX_HUGE = "test_max_seq_len_huge_budget"
MAX_NUMPY = "test_max_seq_len_numpy_ints"
MAX_REJECTS = "test_max_seq_len_rejects_bad_arguments"
MAX_HIDDEN = "test_hidden_max_seq_len_matches_reference"

test_outcome = outcome_tests("kv_cache", {
    # three legitimate ways: bits and a closed form; Fraction and a binary search; half bytes
    # in another multiplication order and an exact rational division
    "correct_straightforward.py": FULL,
    "correct_fractions.py": FULL,
    "correct_nibbles.py": FULL,
    # kv_cache_bytes caches K only: exactly half of every answer
    "buggy_forgets_k_and_v.py": fails(*KV, KV_HIDDEN, says="both K and V"),
    # kv_cache_bytes multiplies np.int64 counts before converting: wraps past 2**63
    "buggy_numpy_overflow.py": fails("test_kv_cache_bytes_numpy_ints", KV_HIDDEN, says="wraps around"),
    # mla_cache_bytes floors an odd number of int4 half bytes
    "buggy_int4_rounds_down.py": fails(*MLA, MLA_HIDDEN, says="rounds UP"),
    # mla_cache_bytes validates nothing (0 bytes for a zero count, KeyError for a dtype)
    "buggy_no_validation.py": fails(MLA_REJECTS, says="must raise ValueError"),
    # model_kv_cache_bytes sizes DeepSeek from its 128 kv heads instead of the MLA latent
    "buggy_mla_uses_kv_heads.py": fails("test_model_kv_cache_bytes_mla", *MODEL_GENERATED, says="DeepSeek"),
    # model_kv_cache_bytes ignores an explicit head_dim (Gemma, Mistral-Nemo)
    "buggy_ignores_head_dim.py": fails(
        "test_model_kv_cache_bytes_explicit_head_dim", *MODEL_GENERATED, MODEL_BOTH_KEYS, says="Gemma-7B"),
    # model_kv_cache_bytes treats a null num_key_value_heads/head_dim/MLA key as present
    "buggy_null_kv_heads.py": fails(
        "test_model_kv_cache_bytes_mha_without_kv_heads", *MODEL_GENERATED, MODEL_BOTH_KEYS, says="NoneType"),
    # every function goes through a float: right below 2**53, wrong beyond it
    "buggy_float_arithmetic.py": fails(
        *KV_BIG, KV_HIDDEN, *MLA_BIG, MLA_HIDDEN, *MODEL_BIG, MODEL_HIDDEN,
        MAX_LARGEST, MAX_HUGE, MAX_NUMPY, MAX_HIDDEN, says="2**53"),
    # max_seq_len asks for cache < budget: an exact fit loses one token
    "buggy_max_seq_len_off_by_one.py": fails(
        MAX_WORKED, MAX_LARGEST, MAX_HUGE, MAX_NUMPY, MAX_HIDDEN, says="tokens fit too"),
    # max_seq_len does not clamp: a budget below the weights gives a negative length
    "buggy_max_seq_len_negative.py": fails(MAX_LARGEST, MAX_NO_ROOM, MAX_NUMPY, MAX_HIDDEN, says="never negative"),
    # max_seq_len divides by the rounded-up cost of one token (int4 at 1.5 bytes per token)
    "buggy_per_token_rounding.py": fails(MAX_LARGEST, MAX_HUGE, MAX_NUMPY, MAX_HIDDEN, says="fit too"),
    # mla_cache_bytes and max_seq_len still raise NotImplementedError
    "buggy_unfinished.py": fails(
        *MLA, MLA_REJECTS, MLA_HIDDEN,
        MAX_WORKED, MAX_LARGEST, MAX_NO_ROOM, MAX_HUGE, MAX_NUMPY, MAX_REJECTS, MAX_HIDDEN,
        says="not implemented"),
    "malicious_exit_at_import.py": ZERO,
    "malicious_infinite_loop.py": ZERO,
    "malicious_forge_results.py": ZERO,
    "malicious_eq_true.py": ZERO,
    "malicious_read_reference.py": ZERO,
    "malicious_prints_megabytes.py": ZERO,
})
