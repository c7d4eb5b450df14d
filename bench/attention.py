"""Benchmark: the reference flash-attention kernel against PyTorch's SDPA, forward, in TFLOP/s.

    .venv/bin/python bench/attention.py [--batch 4] [--heads 32] [--ns 1024,2048,4096,8192,16384]
                                        [--dims 64,128] [--dtypes float16,bfloat16]
                                        [--causal false,true] [--reps 20] [--json rows.json]

On the CUDA GPU that is present: reference/tiled_attention.py (compiled, autotuned) and
torch.nn.functional.scaled_dot_product_attention (whatever backend PyTorch picks: flash, cuDNN or
memory-efficient), fp16 and bf16, causal and not, N from 1k to 16k, D 64 and 128. Both are timed
side by side in one run, on the same inputs, with CUDA events around `reps` calls after warm-up;
the ratio column is what to compare across machines. Each reference output is checked against
SDPA's before it is timed. FLOPs count the two matmuls: 4 * B * H * N^2 * D, halved when causal.

Without a CUDA GPU it prints "no CUDA GPU: nothing to benchmark" and exits 0.

For comparison, the Triton tutorial "Fused Attention" (06-fused-attention.py) publishes, for its
own kernel, forward, fp16, batch 4, 32 heads, D = 64, without warp specialization (from
https://triton-lang.org/main/getting-started/tutorials/06-fused-attention.html; the page does not
say which GPU built it):

    N_CTX     causal=True   causal=False   (TFLOP/s)
    1024      111.7         141.4
    2048      136.5         159.7
    4096      150.0         160.6
    8192      160.4         163.4
    16384     164.3         166.6

Measure the tutorial's kernel on your own GPU before comparing with these numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TUTORIAL_FP16_D64 = {  # N_CTX: (causal, non-causal) TFLOP/s, as published (see the docstring)
    1024: (111.7, 141.4), 2048: (136.5, 159.7), 4096: (150.0, 160.6),
    8192: (160.4, 163.4), 16384: (164.3, 166.6),
}


def load_reference():
    spec = importlib.util.spec_from_file_location("tiled_attention_reference",
                                                  ROOT / "reference" / "tiled_attention.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_ms(fn, reps: int) -> float:
    import torch
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def measure(ref, dtype_name: str, causal: bool, D: int, N: int, B: int, H: int,
            reps: int) -> dict:
    """One configuration: the reference and SDPA on the same inputs, TFLOP/s of each."""
    import torch
    import torch.nn.functional as F

    dtype = getattr(torch, dtype_name)
    gen = torch.Generator(device="cuda").manual_seed(N * 131 + D)
    q, k, v = (torch.randn(B, H, N, D, device="cuda", dtype=dtype, generator=gen)
               for _ in range(3))
    out_ref = ref.attention(q, k, v, causal=causal)
    out_sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    err = (out_ref.float() - out_sdpa.float()).abs().max().item()
    flops = 4 * B * H * N * N * D * (0.5 if causal else 1.0)
    t_ref = time_ms(lambda: ref.attention(q, k, v, causal=causal), reps)
    t_sdpa = time_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal), reps)
    published = None
    if dtype_name == "float16" and D == 64 and N in TUTORIAL_FP16_D64 and B == 4 and H == 32:
        published = TUTORIAL_FP16_D64[N][0 if causal else 1]
    return {"dtype": dtype_name, "causal": causal, "D": D, "N": N, "batch": B, "heads": H,
            "reference_tflops": flops / t_ref / 1e9, "sdpa_tflops": flops / t_sdpa / 1e9,
            "ratio": t_sdpa / t_ref, "max_abs_difference": err, "tutorial_tflops": published}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--heads", type=int, default=32)
    parser.add_argument("--ns", default="1024,2048,4096,8192,16384")
    parser.add_argument("--dims", default="64,128")
    parser.add_argument("--dtypes", default="float16,bfloat16")
    parser.add_argument("--causal", default="false,true", help="which of false,true to run")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args(argv)

    try:
        import torch
    except ImportError:
        print("no CUDA GPU: nothing to benchmark (torch is not installed)")
        return 0
    if not torch.cuda.is_available():
        print("no CUDA GPU: nothing to benchmark")
        return 0

    ref = load_reference()
    device = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__,
              "triton": __import__("triton").__version__}
    print(f"GPU: {device['gpu']}  torch {device['torch']}  triton {device['triton']}")
    print(f"batch {args.batch}, heads {args.heads}; TFLOP/s, forward; ratio = reference / SDPA")
    header = (f"{'dtype':9} {'causal':6} {'D':>4} {'N':>6} {'reference':>10} {'SDPA':>8} "
              f"{'ratio':>6} {'tutorial*':>10}")
    print(header)
    print("-" * len(header))
    rows = []
    for dtype_name in args.dtypes.split(","):
        for causal in (c.strip().lower() == "true" for c in args.causal.split(",")):
            for D in (int(d) for d in args.dims.split(",")):
                for N in (int(n) for n in args.ns.split(",")):
                    row = measure(ref, dtype_name, causal, D, N, args.batch, args.heads, args.reps)
                    rows.append(row)
                    if row["max_abs_difference"] > 2e-2:
                        print(f"  !! reference and SDPA disagree by "
                              f"{row['max_abs_difference']:.3g} at N={N}, D={D}")
                    published = row["tutorial_tflops"]
                    print(f"{dtype_name:9} {str(causal):6} {D:>4} {N:>6} "
                          f"{row['reference_tflops']:>10.1f} {row['sdpa_tflops']:>8.1f} "
                          f"{row['ratio']:>6.2f} {'' if published is None else published:>10}")
                    torch.cuda.empty_cache()
    print("* the Triton tutorial's published numbers (fp16, D=64, B=4, H=32; its GPU is not named)")
    if args.json:
        args.json.write_text(json.dumps({"device": device, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
