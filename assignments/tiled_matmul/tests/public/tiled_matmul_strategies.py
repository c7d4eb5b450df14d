"""Inputs, the exact oracle and the error bound for the tiled_matmul tests.

The grader (not the student) may use torch freely: the oracle is A @ B in float64 from the very
same (already rounded) float16/float32 inputs the student's kernel receives.

The error bound (the statement derives it). Every product a_ik * b_kj of two float16 or float32
numbers is exact in float64. The kernel forms each C_ij as a float32 sum of the K products (each
product rounded to float32 at most once: float16 x float16 products are exact in float32), in
any order and any grouping (block by block, a tree inside tl.dot, FMA or not): the classical
bound for such a sum is

    |C32_ij - C_ij| <= gamma_K * (|A| |B|)_ij,   gamma_K = K u / (1 - K u),  u = 2^-24

(zero products added by a masked tail are exact and do not count). On a GPU the tensor cores
may align and truncate instead of rounding, so the GPU tests use u = 2^-22 there. Products
that underflow below float32's normal range add at most K * 2^-149. The float64 oracle itself
is off by at most K * 2^-52 * (|A||B|)_ij. For a float16 output, the float32 result is rounded
once more to float16: at most 2^-11 of its magnitude, plus half fp16's smallest subnormal
(2^-25); and it overflows to +-inf (IEEE round-to-nearest-even) when |C32_ij| >= 65520.
"""
from __future__ import annotations


import torch
from hypothesis import strategies as st

from autograder.testing import observe, triton_source

U32 = 2.0 ** -24
U16 = 2.0 ** -11
FP16_OVERFLOW = 65520.0          # |x| >= 65520 rounds to inf in float16 (RNE)
DTYPES = {"float32": torch.float32, "float16": torch.float16}
BLOCKS = (16, 32, 64, 128)

seeds = st.integers(min_value=0, max_value=2**31 - 1)


# ----------------------------------------------------------------------------- the grouped order

def grouped_tile(pid, num_pid_m, num_pid_n, group_m):
    """The statement's formula, verbatim (the Triton tutorial's grouped program order)."""
    num_pid_in_group = group_m * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * group_m
    group_size_m = min(num_pid_m - first_pid_m, group_m)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m
    return pid_m, pid_n


def blocks_loaded(wave, num_pid_m, num_pid_n, group_m):
    """Distinct block-rows of A plus distinct block-columns of B read by programs 0..wave-1."""
    tiles = [grouped_tile(p, num_pid_m, num_pid_n, group_m) for p in range(wave)]
    return len({m for m, _ in tiles}) + len({n for _, n in tiles})


# ----------------------------------------------------------------------------- inputs

def make_ab(M, K, N, dtype="float32", seed=0, kind="randn", device="cpu"):
    """Seeded inputs A (M, K) and B (K, N), rounded to dtype.

    kind: "randn" (standard normal), "zeros" (A = 0), "positive" (uniform in [1, 2): no
    cancellation, the partial sums only grow), "near_max" (A near float16's largest value, B
    small, some outputs beyond 65504), "wide" (entries scaled by powers of two: 2^-12 .. 2^12 in
    float32, 2^-6 .. 2^3 in float16, so that float16 outputs stay finite in practice).
    """
    g = torch.Generator().manual_seed(int(seed))
    dt = DTYPES[dtype] if isinstance(dtype, str) else dtype
    a = torch.randn(M, K, generator=g, dtype=torch.float64)
    b = torch.randn(K, N, generator=g, dtype=torch.float64)
    if kind == "zeros":
        a = torch.zeros_like(a)
    elif kind == "positive":
        a = torch.rand(M, K, generator=g, dtype=torch.float64) + 1.0
        b = torch.rand(K, N, generator=g, dtype=torch.float64) + 1.0
    elif kind == "near_max":
        sign = torch.where(torch.rand(M, K, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
        a = sign * (60000.0 + 5000.0 * torch.rand(M, K, generator=g, dtype=torch.float64))
        # B: mostly tiny weights, some columns near 1 so that their sums overflow float16
        b = torch.rand(K, N, generator=g, dtype=torch.float64) * 0.02
        big_cols = torch.rand(N, generator=g) < 0.5
        b[:, big_cols] = 1.0 + torch.rand(K, int(big_cols.sum()), generator=g,
                                          dtype=torch.float64)
        if N:
            b[:, 0] = 1.0                     # column 0 is near the max, one way or the other
    elif kind == "wide":
        lo, hi = (-6, 4) if dt == torch.float16 else (-12, 13)
        a = a * torch.exp2(torch.randint(lo, hi, (M, K), generator=g).to(torch.float64))
        b = b * torch.exp2(torch.randint(lo, hi, (K, N), generator=g).to(torch.float64))
    return a.to(dt).to(device), b.to(dt).to(device)


def shape_text(a, b, what="matmul", blocks=None):
    """How a call reads in the feedback; b is the (K, N) operand (w.t() for linear)."""
    M, K = a.shape
    N = b.shape[1]
    dt = str(a.dtype).replace("torch.", "")
    if what == "linear":
        return f"linear(x[{M}x{K}], w[{N}x{K}]) in {dt}"
    extra = ""
    if blocks:
        extra = "".join(f", {k}={v}" for k, v in blocks.items() if v is not None)
    return f"matmul(a[{M}x{K}], b[{K}x{N}]{extra}) in {dt}"


# ----------------------------------------------------------------------------- oracle and bound

def exact_and_bound(a, b, device="cpu"):
    """(C exact in float64, tolerance of a float32 result, bound on the float32 accumulation)."""
    # float64 on the tensors' own device (the GPU tests' shapes are large), then on the CPU
    a64, b64 = a.detach().to(torch.float64), b.detach().to(torch.float64)
    K = a64.shape[1]
    c = torch.matmul(a64, b64).cpu()
    absab = torch.matmul(a64.abs(), b64.abs()).cpu()
    u = U32 if device == "cpu" else 4 * U32
    gamma = K * u / (1.0 - K * u)
    acc = (gamma + K * 2.0 ** -52) * absab + K * 2.0 ** -149
    return c, acc


def _hint(a, b, got64, what, dtype):
    """Name a common bug when the answer matches it (said only when it really matches)."""
    a64, b64 = a.to(torch.float64).cpu(), b.to(torch.float64).cpu()
    M, K = a64.shape
    N = b64.shape[1]
    tries = []
    for blk in BLOCKS:
        if K % blk and K > blk:
            keep = K - K % blk
            tries.append((f"your output matches A @ B with the last {K % blk} columns of A (rows "
                          f"of B) left out: the last K step, past {keep}, must be loaded with a "
                          "mask (other=0.0), not skipped (loop over range(0, K, BLOCK_K))",
                          torch.matmul(a64[:, :keep], b64[:keep])))
    if what == "linear" and b64.numel() == K * N:
        tries.append(("your linear matches x @ w.reshape(K, N): the kernel reads B as if it were "
                      "contiguous. Pass w.t() and its strides (b.stride(0), b.stride(1)) and use "
                      "them in the kernel's pointers",
                      torch.matmul(a64, b.to(torch.float64).cpu().t().contiguous().reshape(K, N))))
    for blk in (BLOCKS if dtype == torch.float16 and K > 16 else ()):
        # float16 accumulation: the running sum rounded to float16 after every K step of blk
        acc = torch.zeros(M, N, dtype=torch.float64)
        for k0 in range(0, K, blk):
            part = torch.matmul(a64[:, k0:k0 + blk], b64[k0:k0 + blk]).to(torch.float32)
            acc = (acc + part.to(torch.float16).to(torch.float64)).to(torch.float16).to(torch.float64)
        tries.append(("your output matches a float16 accumulator (the running sum rounded to "
                      "float16 after each K step): accumulate in float32 (tl.zeros(..., "
                      "dtype=tl.float32), tl.dot's default out_dtype) and convert only at the "
                      "store", acc))
    exact = torch.matmul(a64, b64)
    for text, want in tries:
        fin = torch.isfinite(want) & torch.isfinite(got64) & torch.isfinite(exact)
        if not fin.any():
            continue
        off_exact = (got64[fin] - exact[fin]).abs().max().item()
        off_want = (got64[fin] - want[fin]).abs().max().item()
        if off_exact > 0 and off_want <= 0.25 * off_exact:   # much closer to the bug than to C
            return "\nHint: " + text
    return ""


def check_matmul(got, a, b, device="cpu", what="matmul", blocks=None, label=None):
    """Assert that got is a @ b (b is the (K, N) operand) within the statement's error bound."""
    text = shape_text(a, b, what, blocks)
    M, N = a.shape[0], b.shape[1]
    assert isinstance(got, torch.Tensor), f"{text} must return a torch.Tensor, got {type(got).__name__}"
    assert tuple(got.shape) == (M, N), f"{text} returned shape {tuple(got.shape)}, expected ({M}, {N})"
    assert got.dtype == a.dtype, f"{text} returned dtype {got.dtype}, expected the inputs' {a.dtype}"
    c, acc = exact_and_bound(a, b, device)
    got64 = got.detach().to(torch.float64).cpu()
    nan = torch.isnan(got64)
    if nan.any():
        i, j = (int(x) for x in nan.nonzero()[0])
        raise AssertionError(
            f"{text}: NaN in the output at C[{i}, {j}] (expected {c[i, j].item():.6g}); "
            f"{int(nan.sum())} of {nan.numel()} outputs are NaN. Probably a load without a mask "
            "reading past the end of A or B (the grader surrounds every input with NaN), a "
            "product of masked-out entries loaded without other=0.0, or inf - inf in an "
            "accumulator that overflowed (accumulate in float32).")
    if a.dtype == torch.float16:
        lo, hi = c.abs() - acc, c.abs() + acc
        must_inf = lo >= FP16_OVERFLOW
        may_inf = hi >= FP16_OVERFLOW
        tol = acc + U16 * (c.abs() + acc) + 2.0 ** -25
        inf = torch.isinf(got64)
        wrong_sign = inf & (torch.sign(got64) != torch.sign(c))
        bad_inf = inf & (~may_inf | wrong_sign)
        if bad_inf.any():
            i, j = (int(x) for x in bad_inf.nonzero()[0])
            raise AssertionError(
                f"{text}: C[{i}, {j}] = {got64[i, j].item()} but the exact value is "
                f"{c[i, j].item():.8g}, which float16 holds (|x| < 65520 rounds to a finite "
                "float16): accumulate in float32 and round once, at the store")
        missing = must_inf & ~inf
        if missing.any():
            i, j = (int(x) for x in missing.nonzero()[0])
            raise AssertionError(
                f"{text}: C[{i}, {j}] = {got64[i, j].item():.8g} but the exact value is "
                f"{c[i, j].item():.8g}, beyond float16's range: the contract is IEEE rounding of "
                "the float32 sum to float16, which gives "
                f"{'-' if c[i, j] < 0 else ''}inf for |C| >= 65520 (no clamping to 65504)")
        check = ~inf
    else:
        tol = acc
        inf = torch.isinf(got64)
        if inf.any():
            i, j = (int(x) for x in inf.nonzero()[0])
            raise AssertionError(f"{text}: inf at C[{i}, {j}], expected {c[i, j].item():.8g}")
        check = torch.ones_like(got64, dtype=torch.bool)
    err = torch.where(check, (got64 - c).abs(), torch.zeros_like(c))
    ratio = err / tol
    k = int(torch.argmax(ratio.flatten()))
    i, j = divmod(k, N)
    observe(float(err[i, j]), float(tol[i, j]),
            label=label or f"{what} {str(a.dtype).replace('torch.', '')}: |C - C64| vs bound")
    bad = err > tol
    if bad.any():
        rows = sorted({int(r) for r in bad.nonzero()[:, 0].tolist()})
        cols = sorted({int(r) for r in bad.nonzero()[:, 1].tolist()})
        raise AssertionError(
            f"{text}: {int(bad.sum())} of {bad.numel()} outputs are outside the error bound. "
            f"Worst: C[{i}, {j}] = {got64[i, j].item():.9g}, expected {c[i, j].item():.9g} "
            f"± {tol[i, j].item():.3g}. Wrong rows: {_few(rows)}; wrong columns: {_few(cols)}."
            + _hint(a, b, got64, what, a.dtype))


def _few(xs, limit=10):
    if len(xs) <= limit:
        return ", ".join(map(str, xs))
    return ", ".join(map(str, xs[:limit])) + f", … ({len(xs)} in all)"


# ----------------------------------------------------------------------------- kernel checks

def check_kernel_work(sub, M: int, N: int, K: int, what: str = "matmul") -> None:
    """Under the interpreter the worker traces the kernels of the last call: their tl.dot calls
    must add up to the product's 2·M·N·K flops (padded tiles count more) and they must store
    every element of C. A decoy kernel beside torch or numpy on the host fails here."""
    trace = (getattr(sub, "last_meta", None) or {}).get("triton")
    if not isinstance(trace, dict):
        return  # compiled on a GPU: no trace
    flops, stored = int(trace.get("dot_flops", 0)), int(trace.get("stored_elems", 0))
    assert flops >= 2 * M * N * K and stored >= M * N, (
        f"{what} with M={M}, N={N}, K={K}: your kernels' tl.dot calls did {flops} flops and they "
        f"stored {stored} elements; the product needs 2·M·N·K = {2 * M * N * K} flops in tl.dot "
        f"and stores all M·N = {M * N} elements of C. C must be computed by your Triton kernel, "
        "not on the host.")


def require_kernel(sub) -> None:
    """The module must define a @triton.jit kernel with a loop over K around a tl.dot."""
    found = triton_source(sub.source)
    if found is None:
        return  # it does not parse: its import fails and says why
    kernels = sorted(found.kernels)
    ok = any("dot" in found.calls(loop) for loop in found.loops())  # itself or in a jit helper
    assert kernels, ("your module defines no @triton.jit kernel: C must be computed by your "
                     "Triton kernel (the host code only checks, allocates and launches)")
    assert ok, (f"none of your Triton kernels ({', '.join(kernels)}) has a loop around a tl.dot: "
                "walk K block by block (for k0 in range(0, K, BLOCK_K)) and accumulate")
