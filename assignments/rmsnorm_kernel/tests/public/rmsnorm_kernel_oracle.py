"""Inputs, the float64 oracle and the error bounds of the rmsnorm_kernel tests.

The grader (not the student) may use torch freely: the oracle is RMSNorm computed in float64 from
the very same (already rounded) tensors the student's kernel receives, and its gradient computed
by torch.autograd in float64. float64 is exact enough: its own error is below 1e-12 relative,
far inside every bound here.

The bounds (the statement gives them) are first-order rounding-error analyses of float32
arithmetic in ANY order of summation and with any of the usual formulas, times a safety factor
of 2, plus the single rounding of the output to its dtype. u = 2^-24.

  rstd   rel. error <= (n + 20) u    (n squares summed: n u; /n, +eps, sqrt, 1/.: 1 u each;
                                      2 u slack per op for a GPU's approximate sqrt and division)
  y      |y_got - y| <= (n + 24) u |y| + u_out (1 + 2^-10) |y| + tiny_out / 2
  dx     |dx_got - dx| <= 2 u r (8 |g_i| + |x^_i| (8 |c| + (n + 8) mean_j |g_j x^_j|))
                          + u_out (1 + 2^-10) |dx_i| + tiny_out / 2
         with r = rstd, x^ = x r, g = dy w, c = mean_j g_j x^_j (exact values)
  dw     |dw_got - dw_j| <= 2 (R + 4) u sum_rows |dy x^| + R 2^-149   (R rows summed)
  partial row p: the same with R the number of rows of the group.
"""
from __future__ import annotations

import math

import torch
from hypothesis import strategies as st

from autograder.testing import triton_source

U32 = 2.0 ** -24
UNIT_ROUNDOFF = {torch.float32: 2.0 ** -24, torch.float16: 2.0 ** -11, torch.bfloat16: 2.0 ** -8}
TINY = {torch.float32: 2.0 ** -149, torch.float16: 2.0 ** -24, torch.bfloat16: 2.0 ** -133}
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
MAX_TILE = 1024
EPSILONS = [1e-6, 1e-5, 1e-3, 0.25, 2.0]

seeds = st.integers(min_value=0, max_value=2**31 - 1)


# ----------------------------------------------------------------------------- inputs

def make_inputs(shape, dtype="float32", seed=0, scale=1.0, zero_rows=(), w_scale=1.0,
                device="cpu"):
    """(x, w, dy): x of `shape` (Gaussian times `scale`, the rows listed in zero_rows all
    zero), w of shape (n,) around 1 (times w_scale), dy Gaussian; all rounded to dtype."""
    g = torch.Generator().manual_seed(int(seed))
    dt = DTYPES[dtype] if isinstance(dtype, str) else dtype
    n = shape[-1]
    x = torch.randn(*shape, generator=g, dtype=torch.float64) * scale
    flat = x.view(-1, n) if x.dim() > 1 else x.view(1, n)
    rows = flat.shape[0]
    for r in zero_rows:
        if rows:
            flat[r % rows] = 0.0
    big = torch.finfo(dt).max / 2   # no value rounds to inf
    x = x.clamp(-big, big)
    w = (1.0 + 0.5 * torch.randn(n, generator=g, dtype=torch.float64)) * w_scale
    dy = torch.randn(*shape, generator=g, dtype=torch.float64)
    return x.to(dt).to(device), w.to(dt).to(device), dy.to(dt).to(device)


def exact_rstd(x, eps):
    """float64 1/sqrt(mean(x^2) + eps) over the last axis, shape x.shape[:-1]."""
    x64 = x.detach().to(torch.float64).cpu()
    return 1.0 / torch.sqrt((x64 * x64).mean(-1) + float(eps))


def rstd_for(x, eps):
    """The rstd the backward tests pass: the float64 value correctly rounded to float32."""
    return exact_rstd(x, eps).to(torch.float32).to(x.device)


def describe(x, what="x"):
    dt = str(x.dtype).replace("torch.", "")
    return f"{what} of shape {tuple(x.shape)} in {dt}"


# ----------------------------------------------------------------------------- forward

def forward_oracle(x, w, eps):
    """(y, rstd, y_tol, rstd_tol), all float64 on the CPU."""
    n = x.shape[-1]
    r = exact_rstd(x, eps)
    x64 = x.detach().to(torch.float64).cpu()
    w64 = w.detach().to(torch.float64).cpu()
    y = x64 * r[..., None] * w64
    u_out, tiny = UNIT_ROUNDOFF[x.dtype], TINY[x.dtype]
    r_tol = ((n + 20) * U32) * r + 2.0 ** -140
    y_tol = (n + 24) * U32 * y.abs() + u_out * (1 + 2.0 ** -10) * y.abs() + tiny / 2
    return y, r, y_tol, r_tol


def _first_bad(bad, ratio):
    idx = int(torch.argmax(torch.where(bad, ratio, torch.zeros_like(ratio)).flatten()))
    return tuple(int(i) for i in torch.unravel_index(torch.tensor(idx), ratio.shape))


def _check_tensor(got, name, call, shape, dtype):
    assert isinstance(got, torch.Tensor), f"{call}: {name} must be a torch.Tensor, got {type(got).__name__}"
    assert tuple(got.shape) == tuple(shape), \
        f"{call}: {name} has shape {tuple(got.shape)}, expected {tuple(shape)}"
    assert got.dtype == dtype, f"{call}: {name} has dtype {got.dtype}, expected {dtype}"


def _compare(got, want, tol, name, call, hint=""):
    got64 = got.detach().to(torch.float64).cpu()
    if torch.isnan(got64).any():
        at = tuple(int(i) for i in torch.isnan(got64).nonzero()[0])
        raise AssertionError(
            f"{call}: NaN in {name} at index {at} (expected {want[at].item():.6g}): probably a "
            f"load without a mask past the end of a row or of the last row (the grader surrounds "
            f"every input with NaN), or 0/0")
    err = (got64 - want).abs()
    bad = ~(err <= tol)
    if bad.any():
        ratio = err / tol
        at = _first_bad(bad, ratio)
        rows = sorted({int(i[0]) for i in bad.nonzero()}) if got64.dim() else []
        where = f"; wrong at {int(bad.sum())} of {bad.numel()} places"
        if got64.dim() > 1:
            where += f", first-axis indices {rows[:10]}{'…' if len(rows) > 10 else ''}"
        raise AssertionError(
            f"{call}: {name}{list(at)} = {got64[at].item():.9g}, expected {want[at].item():.9g} "
            f"± {tol[at].item():.3g}{where}.{hint}")
    return float(torch.max(err / tol)) if err.numel() else 0.0


def forward_hint(got_y, got_r, x, w, eps):
    """Name a common forward bug when the answer matches it."""
    x64 = x.detach().to(torch.float64).cpu()
    ms = (x64 * x64).mean(-1)
    r_out = 1.0 / (torch.sqrt(ms) + eps)
    if got_r is not None and isinstance(got_r, torch.Tensor) and got_r.shape == ms.shape:
        gr = got_r.detach().to(torch.float64).cpu()
        if gr.numel() and torch.allclose(gr, r_out, rtol=1e-5, atol=0) \
                and not torch.allclose(r_out, exact_rstd(x, eps), rtol=1e-5, atol=0):
            return ("\nHint: your rstd matches 1/(sqrt(mean(x²)) + eps): eps belongs INSIDE the "
                    "square root, 1/sqrt(mean(x²) + eps).")
        if x.dtype == torch.float16 and gr.numel() and bool((gr == 0).any()) \
                and bool(((x64.abs().amax(-1) > 255.0) & (gr == 0)).any()):
            return ("\nHint: rstd is 0 for a row with large values: x² overflowed float16 (its "
                    "largest value is 65504). Convert x to float32 BEFORE squaring: the "
                    "statistics are float32.")
    return ""


def check_forward(got, x, w, eps, label="forward"):
    """Assert that got == (y, rstd) within the bounds; returns the worst err/bound ratio."""
    call = f"rmsnorm_forward({describe(x)}, eps={eps!r})"
    assert isinstance(got, (tuple, list)) and len(got) == 2, \
        f"{call} must return a tuple (y, rstd), got {type(got).__name__}"
    y, r = got
    _check_tensor(y, "y", call, x.shape, x.dtype)
    _check_tensor(r, "rstd", call, x.shape[:-1], torch.float32)
    want_y, want_r, tol_y, tol_r = forward_oracle(x, w, eps)
    hint = forward_hint(y, r, x, w, eps)
    worst_r = _compare(r, want_r, tol_r, "rstd", call, hint)
    worst_y = _compare(y, want_y, tol_y, "y", call, hint)
    return max(worst_r, worst_y)


# ----------------------------------------------------------------------------- backward

def backward_oracle(dy, x, w, eps):
    """float64 (dx, dw) by torch.autograd, the magnitudes of the bound, and x^ (exact)."""
    x64 = x.detach().to(torch.float64).cpu().clone().requires_grad_(True)
    w64 = w.detach().to(torch.float64).cpu().clone().requires_grad_(True)
    dy64 = dy.detach().to(torch.float64).cpu()
    y = x64 / torch.sqrt((x64 * x64).mean(-1, keepdim=True) + float(eps)) * w64
    dx, dw = torch.autograd.grad(y, (x64, w64), dy64)
    with torch.no_grad():
        r = exact_rstd(x, eps)[..., None]
        xh = x64.detach() * r
        gg = dy64 * w64.detach()
        c = (gg * xh).mean(-1, keepdim=True)
        M = (gg * xh).abs().mean(-1, keepdim=True)
        dyxh = (dy64 * xh).abs()
    return dx.detach(), dw.detach(), r, xh, gg, c, M, dyxh


def dx_tolerance(x, r, xh, gg, c, M):
    n = x.shape[-1]
    core = 2 * U32 * r * (8 * gg.abs() + xh.abs() * (8 * c.abs() + (n + 8) * M))
    return core


def check_dx(dx_got, dx, tol_core, x, call, hint=""):
    _check_tensor(dx_got, "dx", call, x.shape, x.dtype)
    u_out, tiny = UNIT_ROUNDOFF[x.dtype], TINY[x.dtype]
    tol = tol_core + u_out * (1 + 2.0 ** -10) * dx.abs() + tiny / 2
    return _compare(dx_got, dx, tol, "dx", call, hint)


def backward_hint(dx_got, x, r, xh, gg, c):
    """Name a common dx bug when the answer matches it."""
    if not isinstance(dx_got, torch.Tensor) or dx_got.shape != x.shape:
        return ""
    got = dx_got.detach().to(torch.float64).cpu()
    only_first = r * gg
    if got.numel() and torch.allclose(got, only_first, rtol=1e-3, atol=1e-6) \
            and not torch.allclose(only_first, r * (gg - xh * c), rtol=1e-3, atol=1e-6):
        return ("\nHint: your dx matches rstd · dy · w alone: rstd depends on x too, which adds "
                "− rstd · x̂ · mean(dy · w · x̂).")
    n = x.shape[-1]
    for block in (64, 128, 256, 512, 1024):
        if n <= block:
            break
        per_block = torch.empty_like(got)
        for s in range(0, n, block):
            sl = slice(s, min(s + block, n))
            cb = (gg[..., sl] * xh[..., sl]).sum(-1, keepdim=True) / n
            per_block[..., sl] = r * (gg[..., sl] - xh[..., sl] * cb)
        if torch.allclose(got, per_block, rtol=1e-3, atol=1e-6):
            return (f"\nHint: your dx matches a mean(g · x̂) taken over each block of {block} "
                    f"columns alone: it is a mean over the whole row, so walk the row twice (one "
                    f"pass for the mean, one for dx).")
    return ""


def check_backward(got, dy, x, w, eps, rstd):
    """Assert that got == (dx, dw) within the bounds; returns the worst ratio."""
    call = (f"rmsnorm_backward(dy, {describe(x)}, w, rstd) (rstd of eps={eps!r})")
    assert isinstance(got, (tuple, list)) and len(got) == 2, \
        f"{call} must return a tuple (dx, dw), got {type(got).__name__}"
    dx_got, dw_got = got
    dx, dw, r, xh, gg, c, M, dyxh = backward_oracle(dy, x, w, eps)
    _check_tensor(dx_got, "dx", call, x.shape, x.dtype)
    _check_tensor(dw_got, "dw", call, (x.shape[-1],), torch.float32)
    hint = backward_hint(dx_got, x, r, xh, gg, c)
    worst = check_dx(dx_got, dx, dx_tolerance(x, r, xh, gg, c, M), x, call, hint)
    n = x.shape[-1]
    rows = dyxh.reshape(-1, n)
    R = rows.shape[0]
    dw_tol = 2 * (R + 4) * U32 * rows.sum(0) + R * 2.0 ** -149
    dw_hint = dw_hint_for(dw_got, dy, x, w, r)
    worst = max(worst, _compare(dw_got, dw, dw_tol, "dw", call, dw_hint))
    return worst


def dw_hint_for(dw_got, dy, x, w, r):
    if not isinstance(dw_got, torch.Tensor):
        return ""
    n = x.shape[-1]
    got = dw_got.detach().to(torch.float64).cpu().reshape(-1)
    dy64 = dy.detach().to(torch.float64).cpu().reshape(-1, n)
    x64 = x.detach().to(torch.float64).cpu().reshape(-1, n)
    no_r = (dy64 * x64).sum(0)
    if got.shape == no_r.shape and torch.allclose(got, no_r, rtol=1e-4, atol=1e-6) \
            and not torch.allclose(no_r, (dy64 * x64 * r.reshape(-1, 1)).sum(0), rtol=1e-4,
                                   atol=1e-6):
        return "\nHint: your dw matches Σ dy · x: the forward multiplies w by x̂ = x · rstd."
    return ""


def check_partials(got, dy, x, w, eps, group):
    """Assert that got == (dx, partial) within the bounds; returns the worst ratio."""
    call = (f"rmsnorm_backward_partials(dy, {describe(x)}, w, rstd, rows_per_program={group}) "
            f"(rstd of eps={eps!r})")
    assert isinstance(got, (tuple, list)) and len(got) == 2, \
        f"{call} must return a tuple (dx, partial), got {type(got).__name__}"
    dx_got, part_got = got
    dx, dw, r, xh, gg, c, M, dyxh = backward_oracle(dy, x, w, eps)
    n = x.shape[-1]
    R = math.prod(x.shape[:-1])
    P = -(-R // group)
    _check_tensor(dx_got, "dx", call, x.shape, x.dtype)
    if isinstance(part_got, torch.Tensor) and part_got.dim() == 2 and part_got.shape[0] != P:
        raise AssertionError(
            f"{call}: partial has {part_got.shape[0]} rows, expected P = ceil(R / G) = "
            f"ceil({R} / {group}) = {P}: one row per program, the last program owning the "
            f"rows left over")
    _check_tensor(part_got, "partial", call, (P, n), torch.float32)
    hint = backward_hint(dx_got, x, r, xh, gg, c)
    worst = check_dx(dx_got, dx, dx_tolerance(x, r, xh, gg, c, M), x, call, hint)
    terms = (dy.detach().to(torch.float64).cpu() * xh).reshape(R, n)
    absterms = dyxh.reshape(R, n)
    want = torch.zeros(P, n, dtype=torch.float64)
    tol = torch.zeros(P, n, dtype=torch.float64)
    for p in range(P):
        lo, hi = p * group, min((p + 1) * group, R)
        want[p] = terms[lo:hi].sum(0)
        tol[p] = 2 * (hi - lo + 4) * U32 * absterms[lo:hi].sum(0) + (hi - lo) * 2.0 ** -149
    hint = ""
    got64 = part_got.detach().to(torch.float64).cpu()
    if P > 1 and R % group and not torch.isnan(got64).any():
        if torch.allclose(got64[:-1], want[:-1], rtol=1e-4, atol=1e-6) and \
                not torch.allclose(got64[-1], want[-1], rtol=1e-4, atol=1e-6):
            hint = (f"\nHint: only the last partial row is wrong: the last program owns the "
                    f"{R - (P - 1) * group} rows left over (R = {R} is not a multiple of "
                    f"rows_per_program = {group}).")
    worst = max(worst, _compare(part_got, want, tol, "partial", call, hint))
    return worst


# ----------------------------------------------------------------------------- the kernels

def require_kernel(sub):
    """The module defines @triton.jit kernels (the answers must come from them)."""
    found = triton_source(sub.source)
    assert found is None or found.kernels, ("your module defines no @triton.jit kernel: RMSNorm and its gradient must be "
                     "computed by your Triton kernels (host code only checks, reshapes, "
                     "allocates and launches)")
