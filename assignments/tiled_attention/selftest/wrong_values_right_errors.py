"""Every value wrong, every error right: the kernel of wrong_everything (a wrong scale and p @ k
instead of p @ v, from a kernel that does the work in form), with the contract's ValueErrors.

Its only right answers are the errors, and test_bad_arguments_raise_value_error first checks the
value of one valid call ("rejecting bad shapes is worth nothing without the attention"), so it
must score zero: the right type, dtype and shape of a wrong answer earn nothing.
"""
from __future__ import annotations

import math
import os

import torch
import triton
import triton.language as tl

SUPPORTED_HEAD_DIMS = (16, 32, 64, 128)
LOG2E = 1.4426950408889634  # log2(e): exp(x) == exp2(x * LOG2E) (forgotten below)


@triton.jit
def _attn_fwd_inner(acc, l_i, m_i, q, k_ptrs, v_ptrs, stride_kn, stride_vn,
                    offs_m, offs_n, qk_scale, lo, hi, N_CTX,
                    MASKED: tl.constexpr, CAUSAL: tl.constexpr, BLOCK_N: tl.constexpr):
    """Fold the key blocks [lo, hi) into the running (acc, l_i, m_i) of one query block."""
    for start_n in range(lo, hi, BLOCK_N):
        start_n = tl.multiple_of(start_n, BLOCK_N)
        cols = start_n + offs_n
        # -- scores of this key block: s = (q . k) * sm_scale * log2(e), shape [BLOCK_M, BLOCK_N]
        if MASKED:
            k = tl.load(k_ptrs + start_n * stride_kn, mask=(cols < N_CTX)[:, None], other=0.0)
        else:
            k = tl.load(k_ptrs + start_n * stride_kn)
        qk = tl.dot(q, tl.trans(k)) * qk_scale
        if MASKED:
            visible = (cols < N_CTX)[None, :]
            if CAUSAL:
                visible = visible & (offs_m[:, None] >= cols[None, :])
            qk = tl.where(visible, qk, -float("inf"))
        # -- online softmax: new running max, rescale what was accumulated under the old one
        m_ij = tl.maximum(m_i, tl.max(qk, 1))
        p = tl.math.exp2(qk - m_ij[:, None])
        alpha = tl.math.exp2(m_i - m_ij)
        l_i = l_i * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None]
        # -- acc += p @ k: the wrong tile (v is loaded, then not used)
        if MASKED:
            v = tl.load(v_ptrs + start_n * stride_vn, mask=(cols < N_CTX)[:, None], other=0.0)
        else:
            v = tl.load(v_ptrs + start_n * stride_vn)
        acc = tl.dot(p.to(v.dtype), k, acc)  # wrong: the keys, not the values
        m_i = m_ij
    return acc, l_i, m_i


@triton.jit
def _attn_fwd(Q, K, V, Out, qk_scale,
              stride_qz, stride_qh, stride_qm, stride_qd,
              stride_kz, stride_kh, stride_kn, stride_kd,
              stride_vz, stride_vh, stride_vn, stride_vd,
              stride_oz, stride_oh, stride_om, stride_od,
              H_Q, GROUP, N_CTX, N_BUCKET,
              HEAD_DIM: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
              CAUSAL: tl.constexpr):
    """One program: BLOCK_M query rows of one (batch, query head). N_BUCKET only keys autotune."""
    start_m = tl.program_id(0)
    off_bh = tl.program_id(1)
    off_b = off_bh // H_Q
    off_h = off_bh % H_Q
    off_hkv = off_h // GROUP  # GQA: GROUP consecutive query heads share one kv head

    offs_m = start_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, HEAD_DIM)

    q_ptrs = (Q + off_b.to(tl.int64) * stride_qz + off_h.to(tl.int64) * stride_qh
              + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd)
    k_ptrs = (K + off_b.to(tl.int64) * stride_kz + off_hkv.to(tl.int64) * stride_kh
              + offs_n[:, None] * stride_kn + offs_d[None, :] * stride_kd)
    v_ptrs = (V + off_b.to(tl.int64) * stride_vz + off_hkv.to(tl.int64) * stride_vh
              + offs_n[:, None] * stride_vn + offs_d[None, :] * stride_vd)
    o_ptrs = (Out + off_b.to(tl.int64) * stride_oz + off_h.to(tl.int64) * stride_oh
              + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od)

    row_ok = (offs_m < N_CTX)[:, None]
    q = tl.load(q_ptrs, mask=row_ok, other=0.0)

    m_i = tl.full([BLOCK_M], -float("inf"), dtype=tl.float32)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)

    # Keys [0, hi) are the ones any row of this block may see; [0, full) are the whole key
    # blocks that every row sees and that lie inside the sequence: they need no mask.
    if CAUSAL:
        hi = tl.minimum((start_m + 1) * BLOCK_M, N_CTX)
        full = tl.minimum(start_m * BLOCK_M, N_CTX)
    else:
        hi = N_CTX
        full = N_CTX
    full = (full // BLOCK_N) * BLOCK_N
    acc, l_i, m_i = _attn_fwd_inner(acc, l_i, m_i, q, k_ptrs, v_ptrs, stride_kn, stride_vn,
                                    offs_m, offs_n, qk_scale, 0, full, N_CTX,
                                    False, CAUSAL, BLOCK_N)
    acc, l_i, m_i = _attn_fwd_inner(acc, l_i, m_i, q, k_ptrs, v_ptrs, stride_kn, stride_vn,
                                    offs_m, offs_n, qk_scale, full, hi, N_CTX,
                                    True, CAUSAL, BLOCK_N)
    # Every row sees at least key 0, so l_i >= 1 (the max term contributes exp2(0) = 1).
    out = acc / l_i[:, None]
    tl.store(o_ptrs, out.to(Out.dtype.element_ty), mask=row_ok)


def _gpu_configs():
    configs = []
    for bm in (64, 128):
        for bn in (32, 64, 128):
            if bn > bm:
                continue
            for warps in (4, 8):
                for stages in (2, 3, 4):
                    configs.append(triton.Config({"BLOCK_M": bm, "BLOCK_N": bn},
                                                 num_warps=warps, num_stages=stages))
    return configs


def _prune(configs, named_args, **kwargs):
    """Drop configs too big for the sequence or for shared memory at D = 128."""
    n = named_args["N_CTX"]
    d = kwargs.get("HEAD_DIM", named_args.get("HEAD_DIM"))
    kept = []
    for c in configs:
        bm, bn = c.kwargs["BLOCK_M"], c.kwargs["BLOCK_N"]
        if bm > 64 and n <= 64:
            continue
        if d == 128 and bn == 128 and c.num_stages > 2:
            continue
        kept.append(c)
    return kept or configs[:1]


_attn_fwd_tuned = triton.autotune(configs=_gpu_configs(), key=["N_BUCKET", "HEAD_DIM", "CAUSAL"],
                                  prune_configs_by={"early_config_prune": _prune})(_attn_fwd)

# Under the interpreter: small blocks (fast numpy, and several blocks even at N = 40).
INTERPRET_BLOCK_M = 32
INTERPRET_BLOCK_N = 16


def _interpreting() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


def _shapes_ok(q, k, v) -> bool:
    if not all(isinstance(t, torch.Tensor) and t.dim() == 4 for t in (q, k, v)):
        return False
    B, Hq, N, D = q.shape
    Bk, Hkv, Nk, Dk = k.shape
    return (k.shape == v.shape and (Bk, Nk, Dk) == (B, N, D) and Hkv >= 1 and Hq % Hkv == 0
            and D in SUPPORTED_HEAD_DIMS)


def attention(q, k, v, causal: bool = False, sm_scale: float | None = None) -> torch.Tensor:
    """Wrong values everywhere (see the module docstring); ValueError for bad shapes."""
    if not _shapes_ok(q, k, v):
        raise ValueError("attention: mismatched shapes, Hq % Hkv != 0, or an unsupported head dim")
    B, Hq, N, D = q.shape
    Hkv = k.shape[1]
    if sm_scale is None:
        sm_scale = 1.0 / math.sqrt(D)
    qk_scale = float(sm_scale)  # wrong: exp2 needs sm_scale * log2(e)
    out = torch.empty(q.shape, dtype=q.dtype, device=q.device)
    if N == 0 or B == 0 or Hq == 0:
        return out
    args = (q, k, v, out, qk_scale,
            *q.stride(), *k.stride(), *v.stride(), *out.stride(),
            Hq, Hq // Hkv, N, triton.next_power_of_2(N))
    if _interpreting() or not q.is_cuda:
        grid = (triton.cdiv(N, INTERPRET_BLOCK_M), B * Hq)
        _attn_fwd[grid](*args, HEAD_DIM=D, BLOCK_M=INTERPRET_BLOCK_M, BLOCK_N=INTERPRET_BLOCK_N,
                        CAUSAL=bool(causal))
    else:
        def grid(meta):
            return (triton.cdiv(N, meta["BLOCK_M"]), B * Hq)
        _attn_fwd_tuned[grid](*args, HEAD_DIM=D, CAUSAL=bool(causal))
    return out
