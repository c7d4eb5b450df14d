"""Inputs, the exact oracle and the error bound for the tiled_attention tests.

The grader (not the student) may use torch freely: the oracle is attention computed in float64
with torch.matmul and a max-subtracted softmax, from the very same (already rounded) q, k, v the
student's kernel receives.

The error bound (the statement explains it) is a first-order rounding-error analysis of the
flash-attention recurrence, evaluated per output element from the data, so that every legitimate
block size, loop order, exp or exp2, and normalisation order passes:

  scores   s_ij = sm_scale * q_i . k_j, computed with fp32 accumulation from the exact products
           (fp16 x fp16 products are exact in fp32). With A_ij = sm_scale * sum_d |q_id k_jd|,
           the error of the exponent's argument (natural-log units) is at most
               e_ij = 2 u_qk A_ij + (D + 2) u32 A_ij + 4 u32 (|s_ij| + |m_i|) + 8 u32
           (u_qk is the rounding of q and k before the products: 0 on CPU, TF32's 2^-11 for
           float32 on a GPU; the u32 terms are the dot product's accumulation, the scale and
           log2(e) multiplies, the subtraction of the running max, and exp2 itself). A shift of
           every score of a row by the same amount (an error in the running max, in alpha)
           cancels exactly between numerator and denominator, so it costs nothing.
  weights  each p_ij is then off by a relative eps_ij = expm1(e_ij), and the output moves by at
           most sum_j P_ij eps_ij (|v_jd| + max_j |v_jd|) (first order; when eps is not small the
           bound falls back to the spread of v, since any weighting stays in v's range).
  P @ V    p (and, with TF32, v) rounded before the second product (u_pv: fp16's 2^-11 when p is
           cast to fp16, bf16's 2^-8, 0 for fp32 on CPU) and fp32 accumulation over the n_i
           visible keys plus one rescale per key block: (2 u_pv + (2 n_i + 4) u32) sum_j P_ij |v_jd|.
  output   rounding to the output dtype: u_out |o_id|, plus half the dtype's smallest subnormal.

The bound is the sum of these with a safety factor of 2 on the first-order terms. Typical errors
of a correct kernel are 10 to 100 times smaller; every bug the tests look for is off by O(1).
"""
from __future__ import annotations

import math

import torch
from hypothesis import strategies as st

from autograder.testing import triton_source

U32 = 2.0 ** -24
UNIT_ROUNDOFF = {torch.float32: 2.0 ** -24, torch.float16: 2.0 ** -11, torch.bfloat16: 2.0 ** -8}
TINY = {torch.float32: 2.0 ** -150, torch.float16: 2.0 ** -25, torch.bfloat16: 2.0 ** -134}
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
HEAD_DIMS = (16, 32, 64, 128)

# The CPU interpreter is slow: these bounds keep the whole assignment to a few minutes.
MAX_N_CPU = 64


# ----------------------------------------------------------------------------- inputs

def make_qkv(B, Hq, Hkv, N, D, dtype="float32", seed=0, q_std=1.0, k_std=1.0, v_std=1.0,
             device="cpu"):
    """Gaussian q, k, v (from a seeded generator, rounded to dtype) on the grader's device."""
    g = torch.Generator().manual_seed(int(seed))
    dt = DTYPES[dtype] if isinstance(dtype, str) else dtype
    q = (torch.randn(B, Hq, N, D, generator=g, dtype=torch.float64) * q_std).to(dt)
    k = (torch.randn(B, Hkv, N, D, generator=g, dtype=torch.float64) * k_std).to(dt)
    v = (torch.randn(B, Hkv, N, D, generator=g, dtype=torch.float64) * v_std).to(dt)
    return q.to(device), k.to(device), v.to(device)


def shape_text(q, k, causal=False, sm_scale=None):
    B, Hq, _, D = q.shape
    Hkv, N = k.shape[1], k.shape[2]
    extra = "" if sm_scale is None else f", sm_scale={sm_scale!r}"
    return (f"attention(q[B={B}, Hq={Hq}, N={N}, D={D}], k/v[Hkv={Hkv}], causal={causal}{extra})"
            f" in {str(q.dtype).replace('torch.', '')}")


seeds = st.integers(min_value=0, max_value=2**31 - 1)


# ----------------------------------------------------------------------------- oracle

def _expand_kv(t, Hq, mapping="group"):
    """kv heads -> query heads: query head h reads kv head h // (Hq // Hkv)."""
    Hkv = t.shape[1]
    if mapping == "group":
        index = torch.arange(Hq) // (Hq // Hkv)
    else:  # the usual bug: h % Hkv
        index = torch.arange(Hq) % Hkv
    return t[:, index.to(t.device)]


def visible_mask(N, causal, rows=None, offset=0):
    """[len(rows), N] bool: may query position rows[i] see key j? (rows defaults to 0..N-1).

    Causal: key j <= i + offset (offset 0 is the contract; +-1 are the usual off-by-one bugs)."""
    rows = torch.arange(N) if rows is None else rows.cpu()
    keys = torch.arange(N)
    if not causal:
        return torch.ones(len(rows), N, dtype=torch.bool)
    return keys[None, :] <= rows[:, None] + offset


def exact_attention(q, k, v, causal=False, sm_scale=None, mapping="group", offset=0, rows=None,
                    pad_keys=0):
    """float64 attention with everything needed for the error bound.

    q holds the query rows at positions `rows` (default: all N positions, q is [B, Hq, N, D]).
    Returns (out, P, s, A, v64): out [B, Hq, rows, D]; P the softmax weights; s the scaled
    scores (-inf where masked); A = sm_scale * |q| @ |k|^T (the scale of the rounding errors of
    s); v64 the values expanded to the query heads.
    """
    B, Hq, _, D = q.shape
    N = k.shape[2]
    scale = 1.0 / math.sqrt(D) if sm_scale is None else float(sm_scale)
    q64, k64, v64 = (t.to(torch.float64).cpu() for t in (q, k, v))
    k64, v64 = _expand_kv(k64, Hq, mapping), _expand_kv(v64, Hq, mapping)
    s = torch.matmul(q64, k64.transpose(-1, -2)) * scale
    A = torch.matmul(q64.abs(), k64.abs().transpose(-1, -2)) * abs(scale)
    vis = visible_mask(N, causal, rows, offset)
    s = s.masked_fill(~vis, float("-inf"))
    if pad_keys:  # the "unmasked tail" bug: pad_keys extra keys of score 0 and value 0
        s = torch.cat([s, torch.zeros(*s.shape[:-1], pad_keys, dtype=s.dtype)], -1)
        v64 = torch.cat([v64, torch.zeros(*v64.shape[:-2], pad_keys, D, dtype=v64.dtype)], -2)
    m = s.amax(-1, keepdim=True)
    e = torch.exp(s - m)
    P = e / e.sum(-1, keepdim=True)
    out = torch.matmul(P, v64)
    return out, P, s, A, v64


def error_bound(q, k, v, causal=False, sm_scale=None, device="cpu", ieee_fp32=False, rows=None):
    """(exact output, per-element tolerance), both [B, Hq, rows, D] float64: see the docstring."""
    dtype = q.dtype
    D = q.shape[-1]
    N = k.shape[2]
    rows = torch.arange(N) if rows is None else rows.cpu()
    out, P, s, A, v64 = exact_attention(q, k, v, causal, sm_scale, rows=rows)
    gpu = device != "cpu"
    u_qk = 2.0 ** -11 if (gpu and dtype == torch.float32 and not ieee_fp32) else 0.0
    if dtype == torch.float32:
        u_pv = 2.0 ** -11 if (gpu and not ieee_fp32) else 0.0
    else:
        u_pv = UNIT_ROUNDOFF[dtype]
    u_out = UNIT_ROUNDOFF[dtype]

    vis = visible_mask(N, causal, rows)
    s_fin = torch.where(vis, s, torch.zeros_like(s))
    m = s.amax(-1, keepdim=True)
    arg_err = (2 * u_qk + (D + 2) * U32) * A + 4 * U32 * (s_fin.abs() + m.abs()) + 8 * U32
    eps = torch.where(vis, torch.expm1(2.0 * arg_err), torch.zeros_like(arg_err))
    vabs = v64.abs()
    # max_j |v_jd| and the spread max_j v_jd - min_j v_jd over the keys each row sees
    if causal:
        vmax = torch.cummax(vabs, dim=-2).values[:, :, rows]
        spread = (torch.cummax(v64, dim=-2).values + torch.cummax(-v64, dim=-2).values)[:, :, rows]
    else:
        vmax = vabs.amax(-2, keepdim=True).expand_as(out)
        spread = (v64.amax(-2, keepdim=True) - v64.amin(-2, keepdim=True)).expand_as(out)
    Peps = P * eps
    e1 = 2.0 * (torch.matmul(Peps, vabs) + Peps.sum(-1, keepdim=True) * vmax)
    small = eps.amax(-1, keepdim=True) < 0.25
    e1 = torch.where(small, torch.minimum(e1, spread), spread)
    n_vis = vis.sum(-1).to(torch.float64)[None, None, :, None]
    e2 = 2.0 * (2 * u_pv + (2 * n_vis + 4) * U32) * torch.matmul(P, vabs)
    e3 = 2.0 * u_out * out.abs() + TINY[dtype]
    return out, e1 + e2 + e3


# ----------------------------------------------------------------------------- checking

def _hint(q, k, v, got64, causal, sm_scale, rows=None):
    """Name a common bug when the answer matches it (only said when it really matches)."""
    Hq, Hkv = q.shape[1], k.shape[1]
    tries = []
    if sm_scale is not None:
        tries.append(("your output matches attention with the default scale 1/sqrt(D): "
                      "is sm_scale ignored?", dict(causal=causal, sm_scale=None)))
    if Hkv not in (1, Hq):
        tries.append(("your output matches attention in which query head h reads kv head "
                      "h % Hkv; the contract is h // (Hq // Hkv) (consecutive query heads share "
                      "a kv head)", dict(causal=causal, sm_scale=sm_scale, mapping="modulo")))
    tries.append(("your output matches attention with causal=" + str(not causal) +
                  ": is the causal flag honoured?", dict(causal=not causal, sm_scale=sm_scale)))
    if causal:
        tries.append(("your output matches a causal mask in which query i also sees key i + 1 "
                      "(off by one: keep key j when j <= i)", dict(causal=True, sm_scale=sm_scale,
                                                                    offset=1)))
    N = k.shape[2]
    for block in (16, 32, 64, 128):
        if N % block and not causal:  # with causal=True the padded keys are masked anyway
            tries.append((f"your output matches attention in which the {block - N % block} keys "
                          f"past the end of the last block of {block} (loaded as zeros) take part "
                          "in the softmax with score 0: set the scores of keys >= N to -inf",
                          dict(causal=causal, sm_scale=sm_scale, pad_keys=block - N % block)))
    for text, kw in tries:
        want = exact_attention(q, k, v, rows=rows, **kw)[0]
        if torch.allclose(got64, want, rtol=1e-2, atol=1e-2 * (want.abs().max().item() + 1e-30)):
            return "\nHint: " + text
    return ""


def check_attention(got, q, k, v, causal=False, sm_scale=None, device="cpu", ieee_fp32=False,
                    rows=None):
    """Assert that the student's output is attention(q, k, v) within the error bound.

    With `rows` (query positions), only those rows are checked: got and q are then the output
    and the queries at these positions (for problems whose full oracle would be too big).
    """
    what = shape_text(q, k, causal, sm_scale)
    assert isinstance(got, torch.Tensor), \
        f"{what} must return a torch.Tensor, got {type(got).__name__}"
    assert tuple(got.shape) == tuple(q.shape), \
        f"{what} returned shape {tuple(got.shape)}, expected q's shape {tuple(q.shape)}"
    assert got.dtype == q.dtype, f"{what} returned dtype {got.dtype}, expected q's dtype {q.dtype}"
    want, tol = error_bound(q, k, v, causal, sm_scale, device=device, ieee_fp32=ieee_fp32,
                            rows=rows)
    got64 = got.detach().to(torch.float64).cpu()
    nan = torch.isnan(got64)
    if nan.any():
        pos = torch.arange(k.shape[2]) if rows is None else rows.cpu()
        b, h, i, d = (int(x) for x in nan.nonzero()[0])
        i = int(pos[i])
        nan_rows = sorted({int(pos[r]) for r in nan.nonzero()[:, 2].tolist()})
        s = exact_attention(q, k, v, causal, sm_scale, rows=rows)[2]
        top = float(s[torch.isfinite(s)].max()) if torch.isfinite(s).any() else 0.0
        causes = []
        if top > 88.0:
            causes.append(f"exp overflowing to inf (the scores here reach {top:.4g}; exp(s) is "
                          f"inf in fp32 above 88.7, and inf/inf is NaN): subtract the running "
                          f"max before exp/exp2")
        causes.append("a load without a mask reading past the end of q/k/v (the grader "
                      "surrounds q, k and v with NaN, so an unmasked load past the end reads NaN)")
        if causal:
            causes.append("a query row whose every key was masked out (0/0: does row 0 see key 0?)")
        raise AssertionError(
            f"{what}: NaN in the output: probably " + "; or ".join(causes) + ". First NaN at "
            f"out[{b}, {h}, {i}, {d}]; query rows with NaN: {_rows(nan_rows)} of "
            f"0..{k.shape[2] - 1}.")
    inf = torch.isinf(got64)
    if inf.any():
        pos = torch.arange(k.shape[2]) if rows is None else rows.cpu()
        b, h, i, d = (int(x) for x in inf.nonzero()[0])
        raise AssertionError(
            f"{what}: inf in the output at out[{b}, {h}, {int(pos[i])}, {d}] (expected "
            f"{want[b, h, i, d].item():.6g})."
            f" exp overflowed: subtract the running max of the scores before exp/exp2, and "
            f"rescale the accumulator when the max grows.")
    err = (got64 - want).abs()
    bad = err > tol
    if bad.any():
        ratio = err / tol
        idx = torch.argmax(ratio.flatten())
        b, h, i, d = (int(x) for x in torch.unravel_index(idx, ratio.shape))
        pos = torch.arange(k.shape[2]) if rows is None else rows.cpu()
        bad_rows = sorted({int(pos[r]) for r in bad.nonzero()[:, 2].tolist()})
        heads = sorted({int(r) for r in bad.nonzero()[:, 1].tolist()})
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.numel()} output values are outside the error "
            f"bound. Worst: out[{b}, {h}, {int(pos[i])}, {d}] = {got64[b, h, i, d].item():.9g}, expected "
            f"{want[b, h, i, d].item():.9g} ± {tol[b, h, i, d].item():.3g}. Wrong query rows: "
            f"{_rows(bad_rows)}; wrong query heads: {_rows(heads)}."
            + _hint(q, k, v, got64, causal, sm_scale, rows))


def _rows(rows, limit=12):
    if len(rows) <= limit:
        return ", ".join(map(str, rows))
    return ", ".join(map(str, rows[:limit])) + f", … ({len(rows)} in all)"


# ----------------------------------------------------------------------------- kernel checks

def kernel_trace(sub):
    """What the worker saw the student's Triton kernels do during the last call, or None.

    Under TRITON_INTERPRET=1 the engine records per call (meta["triton"]): launches, the active
    lanes loaded and stored, the flops of tl.dot and the largest tile shapes. None where the
    engine does not record it (compiled on a GPU, or an engine without the feature).
    """
    meta = getattr(sub, "last_meta", None)
    if not isinstance(meta, dict):
        return None
    trace = meta.get("triton")
    return trace if isinstance(trace, dict) else None


def check_kernel_trace(sub, q, k, causal=False):
    """The answer must come from a Triton kernel that read k and v and wrote the output."""
    trace = kernel_trace(sub)
    if trace is None:
        return
    what = shape_text(q, k, causal)
    launches = int(trace.get("launches", 0))
    assert launches >= 1, (
        f"{what} launched no Triton kernel: attention must be computed by your @triton.jit "
        f"kernel, not by torch or numpy on the host")
    loaded = int(trace.get("loaded_elems", 0))
    stored = int(trace.get("stored_elems", 0))
    assert loaded >= 2 * k.numel() and stored >= q.numel(), (
        f"{what}: your kernels loaded {loaded} elements and stored {stored}; computing attention "
        f"reads every element of k and v ({2 * k.numel()}) and writes every output element "
        f"({q.numel()}). attention must be computed by your @triton.jit kernel.")


def loop_with_dot(sub) -> tuple[list[str], bool] | None:
    """(kernel names, True when a loop in a kernel does a tl.dot, itself or in a jit helper);
    None when the module does not parse (its import fails and says why)."""
    found = triton_source(sub.source)
    if found is None:
        return None
    return sorted(found.kernels), any("dot" in found.calls(loop) for loop in found.loops())


def require_kernel(sub) -> None:
    """The module must define a @triton.jit kernel that loops over key blocks around a tl.dot.

    This is the static half of "attention is computed by your kernel" (the dynamic half is
    check_kernel_trace): host code that computes attention with torch, and no kernel, fails every
    test it takes part in.
    """
    found = loop_with_dot(sub)
    if found is None:
        return
    kernels, ok = found
    assert kernels, ("your module defines no @triton.jit kernel: attention must be computed by "
                     "your Triton kernel (the host code only checks shapes, allocates and launches)")
    assert ok, (f"none of your Triton kernels ({', '.join(kernels)}) has a loop around a tl.dot: "
                "walk the keys block by block (for start_n in range(0, hi, BLOCK_N)) instead of "
                "computing all the scores of a row at once")
