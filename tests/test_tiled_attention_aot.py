"""Self-test of tiled_attention: each submission in tests/submissions/tiled_attention/ grades as
stated (on CPU: Triton's interpreter; the gpu_only tests are left out of the total there).

There is one public function, so "a bug costs its function's points" becomes: each bug fails the
tests of the feature it breaks (and the hidden tests that mix every feature), nothing else.
No rescale breaks every multi-block answer, so it loses almost everything.
"""

from selftest import FULL, ZERO, fails, outcome_tests

RANDOM = "test_hidden_random_configurations"
LONG_CAUSAL_GQA = "test_hidden_long_causal_gqa"
ONE_HOT = "test_hidden_one_hot_rows_and_large_values"
STRUCTURE = "test_hidden_kernel_walks_the_keys_in_blocks"

test_outcome = outcome_tests("tiled_attention", {
    # Correct: one masked loop with exp and BLOCK_N > BLOCK_M; two passes (max and sum first,
    # then normalised P @ V) in fp32; split-KV partials merged by a second kernel.
    "correct_single_loop_exp.py": FULL,
    "correct_two_pass_fp32.py": FULL,
    "correct_split_kv.py": FULL,

    # Realistic bugs.
    "buggy_no_rescale.py": fails(
        "test_matches_softmax_fp32", "test_fp16_inputs", "test_causal_mask",
        "test_sequence_length_not_a_multiple_of_the_block", "test_gqa_head_mapping",
        "test_sm_scale", "test_large_logits_need_the_running_max",
        "test_long_sequence_many_key_blocks", "test_head_dim_128", RANDOM, LONG_CAUSAL_GQA,
        ONE_HOT, STRUCTURE, says="outside the error bound"),
    "buggy_causal_off_by_one.py": fails(
        "test_causal_mask", "test_sequence_length_not_a_multiple_of_the_block", RANDOM,
        LONG_CAUSAL_GQA, ONE_HOT, says="also sees key i + 1"),
    "buggy_tail_scores_not_masked.py": fails(
        "test_sequence_length_not_a_multiple_of_the_block", RANDOM, says="set the scores of keys >= N to -inf"),
    "buggy_unmasked_kv_loads.py": fails(
        "test_sequence_length_not_a_multiple_of_the_block", RANDOM, LONG_CAUSAL_GQA, ONE_HOT,
        says="NaN in the output: probably a load without a mask"),
    "buggy_gqa_modulo.py": fails("test_gqa_head_mapping", RANDOM, LONG_CAUSAL_GQA,
                                 says="h % Hkv"),
    "buggy_ignores_sm_scale.py": fails("test_sm_scale", RANDOM, says="is sm_scale ignored"),
    "buggy_no_running_max.py": fails("test_large_logits_need_the_running_max", RANDOM, ONE_HOT,
                                     says="subtract the running max"),
    "buggy_no_validation.py": fails("test_bad_arguments_raise_value_error",
                                    says="did not raise ValueError"),

    # Cheaters: PyTorch's attention; the @ operator; matmul/softmax reached through getattr
    # (caught at run time); attention by broadcasting in torch with no kernel at all.
    "malicious_uses_sdpa.py": ZERO,
    "malicious_matmul_operator.py": ZERO,
    "malicious_hidden_matmul.py": ZERO,
    "malicious_torch_broadcast_no_kernel.py": ZERO,

    # Malicious: zero, and the grader keeps going.
    "malicious_exit_at_import.py": ZERO,
    "malicious_infinite_loop.py": ZERO,
    "malicious_forge_results.py": ZERO,
    "malicious_lying_tensor.py": ZERO,
    "malicious_read_reference.py": ZERO,
})


def test_reference_kernel_compiles_for_hopper():
    """The reference kernel compiles ahead of time for sm_90 (H100) without a GPU: tensor-core
    wgmma for both products and ex2.approx for exp2. Catches a kernel that only the interpreter
    accepts (this machine has no GPU to run it on)."""
    import importlib.util
    from pathlib import Path

    import pytest
    triton = pytest.importorskip("triton")
    from triton.backends.compiler import GPUTarget

    path = Path(__file__).resolve().parent.parent / "reference" / "tiled_attention.py"
    spec = importlib.util.spec_from_file_location("tiled_attention_reference_aot", path)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    fn = ref._attn_fwd
    constexprs = {"HEAD_DIM": 128, "BLOCK_M": 128, "BLOCK_N": 64, "CAUSAL": True}
    signature = {n: ("*fp16" if n in ("Q", "K", "V", "Out") else "fp32" if n == "qk_scale"
                     else "constexpr" if n in constexprs else "i32") for n in fn.arg_names}
    try:
        kernel = triton.compile(triton.compiler.ASTSource(fn=fn, signature=signature,
                                                          constexprs=constexprs),
                                target=GPUTarget("cuda", 90, 32),
                                options={"num_warps": 8, "num_stages": 3})
    except (RuntimeError, FileNotFoundError) as e:  # no ptxas in this triton build
        if "ptxas" in str(e):
            pytest.skip(f"triton cannot compile for CUDA here: {e}")
        raise
    ptx = kernel.asm["ptx"]
    assert "wgmma" in ptx and "ex2.approx" in ptx
