"""Self-test of group_int4: each sample submission scores what it should.

Packing is a convention that every function writing or reading packed bytes shares, so the
nibble-swapped submission (swapped consistently in pack and unpack, hence round-trip-consistent)
loses every test that looks at real bytes: the packing known-answer tests, the quantize tests that
decode its codes, and dequantize/int4_linear on the grader's bytes. It keeps the tests of scale,
zero point, output types, errors, and the round-trip-free dtype test. A dequantize bug also costs
int4_linear's value tests, since int4_linear is defined through dequantize.
"""

from selftest import FULL, ZERO, fails, outcome_tests

PACK_ALL = "test_pack_int4_all_byte_values"
UNPACK_ALL = "test_unpack_int4_all_byte_values"
PACK_SHAPES = "test_pack_int4_shapes"
UNPACK_SHAPES = "test_unpack_int4_shapes"
PACK_REJECTS = "test_pack_int4_rejects_bad_codes"
Q_TYPES = "test_quantize_int4_output_types"
Q_SCALE_ZERO = "test_quantize_int4_asymmetric_scale_and_zero"
Q_CODES = "test_quantize_int4_asymmetric_codes"
Q_SYM = "test_quantize_int4_symmetric"
Q_SPECIAL = "test_quantize_int4_zero_and_constant_groups"
Q_REJECTS = "test_quantize_int4_rejects_bad_input"
D_ASYM = "test_dequantize_int4_asymmetric"
D_SYM = "test_dequantize_int4_symmetric"
L_DTYPE = "test_int4_linear_dtype_and_shape"
L_ACC = "test_int4_linear_accuracy"
H_TIES = "test_hidden_quantize_int4_ties"
H_EXTREME = "test_hidden_quantize_int4_extreme_magnitudes"
H_OUTLIER = "test_hidden_quantize_int4_outlier_channels"
H_SQNR_A = "test_hidden_quantize_int4_sqnr_asymmetric"
H_SQNR_S = "test_hidden_quantize_int4_sqnr_symmetric"
H_DEQ = "test_hidden_dequantize_int4_reference_inputs"
H_LIN = "test_hidden_int4_linear_reference_inputs"

QUANT_HIDDEN = (H_TIES, H_EXTREME, H_OUTLIER)

test_outcome = outcome_tests("group_int4", {
    "correct_vectorised.py": FULL,
    "correct_group_loop.py": FULL,     # round-half-away at ties, loops over groups
    "correct_reciprocal.py": FULL,     # w * (1/scale), code*s - zero*s, matmul in x's dtype
    "correct_float64.py": FULL,        # float64 throughout, scale rounded at the end
    "buggy_nibble_swapped.py": fails(
        PACK_ALL, UNPACK_ALL, PACK_SHAPES, UNPACK_SHAPES, Q_CODES, Q_SYM, Q_SPECIAL,
        *QUANT_HIDDEN, H_SQNR_A, H_SQNR_S, D_ASYM, D_SYM, L_ACC, H_DEQ, H_LIN,
        says="low nibble"),
    "buggy_floor.py": fails(Q_CODES, Q_SYM, Q_SPECIAL, *QUANT_HIDDEN, H_SQNR_A, H_SQNR_S,
                            says="nearest code"),
    "buggy_scale_16.py": fails(Q_SCALE_ZERO, Q_CODES, Q_SPECIAL, *QUANT_HIDDEN, H_SQNR_A,
                               says="(hi - lo) / 15"),
    "buggy_zero_unrounded.py": fails(Q_SCALE_ZERO, Q_CODES, Q_SPECIAL, *QUANT_HIDDEN, H_SQNR_A,
                                     says="round(-lo / scale)"),
    "buggy_offset_round.py": fails(Q_CODES, Q_SPECIAL, *QUANT_HIDDEN, H_SQNR_A,
                                   says="> scale/2"),
    "buggy_sym_div8.py": fails(Q_SYM, Q_SPECIAL, *QUANT_HIDDEN, H_SQNR_S, says="max|g| / 7"),
    "buggy_linear_float32.py": fails(L_DTYPE, says="dtype torch.float16"),
    "buggy_dequant_no_zero.py": fails(D_ASYM, L_ACC, H_DEQ, H_LIN, says="expected"),
    "buggy_dequant_uint8_wrap.py": fails(D_ASYM, L_ACC, H_DEQ, H_LIN, says="expected"),
    "buggy_group_ignored.py": fails(Q_SCALE_ZERO, Q_SYM, Q_SPECIAL, *QUANT_HIDDEN, H_SQNR_A,
                                    H_SQNR_S, says="scale["),
    # the codes test judges with the student's own (zero) scale, so only scale checks catch it
    "buggy_allzero_nan.py": fails(Q_SCALE_ZERO, Q_SYM, Q_SPECIAL, *QUANT_HIDDEN,
                                  says="all-zero group must get scale 1.0"),
    "buggy_pack_no_check.py": fails(PACK_REJECTS, says="ValueError"),
    "buggy_no_gs_check.py": fails(Q_REJECTS, says="ValueError"),
    "buggy_uses_torch_ao.py": fails(Q_TYPES, Q_SCALE_ZERO, Q_CODES, Q_SYM, Q_SPECIAL, Q_REJECTS,
                                    *QUANT_HIDDEN, H_SQNR_A, H_SQNR_S, says="torch.ao"),
    "buggy_partly_done.py": fails(D_ASYM, D_SYM, L_DTYPE, L_ACC, H_DEQ, H_LIN,
                                  says="not implemented"),
    "malicious_exit_at_import.py": ZERO,
    "malicious_infinite_loop.py": ZERO,
    "malicious_forge_results.py": ZERO,
    "malicious_eq_true.py": ZERO,
    "malicious_read_reference.py": ZERO,
})
