"""The tiled_attention reference compiles for a GPU it cannot run on here."""


def test_reference_kernel_compiles_for_hopper():
    """The reference kernel compiles ahead of time for sm_90 (H100) without a GPU: tensor-core
    wgmma for both products and ex2.approx for exp2. Catches a kernel that only the interpreter
    accepts (this machine has no GPU to run it on)."""
    import importlib.util

    import pytest

    from helpers import ROOT
    triton = pytest.importorskip("triton")
    from triton.backends.compiler import GPUTarget

    path = ROOT / "reference" / "tiled_attention.py"
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
