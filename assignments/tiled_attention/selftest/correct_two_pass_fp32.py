"""A correct tiled_attention with another evaluation order: two passes over the key blocks.

Pass 1 finds each row's max and sum of exponentials (online, no values); pass 2 accumulates
(exp2(s - m) / l) @ v, already normalised, so the accumulator is never rescaled. Everything in
float32 inside the kernel (q pre-scaled in fp32, k and v widened), contiguous copies on the host,
BLOCK_M = 64, BLOCK_N = 32.
"""
import math

import torch
import triton
import triton.language as tl

LOG2E = 1.4426950408889634


@triton.jit
def _two_pass(Q, K, V, O, qk_scale, N, HQ, GROUP,
              D: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, CAUSAL: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_bh = tl.program_id(1)
    b = pid_bh // HQ
    h = pid_bh % HQ
    hkv = h // GROUP
    HKV = HQ // GROUP
    q_base = Q + (b * HQ + h) * N * D
    k_base = K + (b * HKV + hkv) * N * D
    v_base = V + (b * HKV + hkv) * N * D
    o_base = O + (b * HQ + h) * N * D
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, D)
    rows_ok = offs_m < N
    q = tl.load(q_base + offs_m[:, None] * D + offs_d[None, :], mask=rows_ok[:, None], other=0.0)
    q = q.to(tl.float32) * qk_scale
    hi = N
    if CAUSAL:
        hi = tl.minimum(N, (pid_m + 1) * BLOCK_M)
    m_i = tl.full([BLOCK_M], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK_M], tl.float32)
    for start in range(0, hi, BLOCK_N):
        cols = start + offs_n
        k = tl.load(k_base + cols[:, None] * D + offs_d[None, :], mask=(cols < N)[:, None], other=0.0)
        s = tl.dot(q, tl.trans(k.to(tl.float32)))
        keep = (cols < N)[None, :]
        if CAUSAL:
            keep = keep & (cols[None, :] <= offs_m[:, None])
        s = tl.where(keep, s, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(s, 1))
        l_i = l_i * tl.math.exp2(m_i - m_new) + tl.sum(tl.math.exp2(s - m_new[:, None]), 1)
        m_i = m_new
    inv_l = 1.0 / l_i
    acc = tl.zeros([BLOCK_M, D], tl.float32)
    for start in range(0, hi, BLOCK_N):
        cols = start + offs_n
        k = tl.load(k_base + cols[:, None] * D + offs_d[None, :], mask=(cols < N)[:, None], other=0.0)
        v = tl.load(v_base + cols[:, None] * D + offs_d[None, :], mask=(cols < N)[:, None], other=0.0)
        s = tl.dot(q, tl.trans(k.to(tl.float32)))
        keep = (cols < N)[None, :]
        if CAUSAL:
            keep = keep & (cols[None, :] <= offs_m[:, None])
        s = tl.where(keep, s, float("-inf"))
        p = tl.math.exp2(s - m_i[:, None]) * inv_l[:, None]
        acc += tl.dot(p, v.to(tl.float32))
    tl.store(o_base + offs_m[:, None] * D + offs_d[None, :], acc.to(O.dtype.element_ty),
             mask=rows_ok[:, None])


def attention(q, k, v, causal: bool = False, sm_scale=None):
    for t in (q, k, v):
        if t.ndim != 4:
            raise ValueError("expected [B, H, N, D] tensors")
    B, HQ, N, D = q.shape
    B2, HKV, N2, D2 = k.shape
    if tuple(v.shape) != tuple(k.shape) or (B2, N2, D2) != (B, N, D):
        raise ValueError(f"shapes do not match: q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}")
    if HQ % HKV != 0:
        raise ValueError("Hq % Hkv != 0")
    if D not in (16, 32, 64, 128):
        raise ValueError(f"head dim {D} not supported")
    scale = (1.0 / math.sqrt(D)) if sm_scale is None else float(sm_scale)
    q, k, v = q.contiguous(), k.contiguous(), v.contiguous()
    out = torch.empty(q.shape, dtype=q.dtype, device=q.device)
    BLOCK_M, BLOCK_N = 64, 32
    grid = (triton.cdiv(N, BLOCK_M), B * HQ)
    _two_pass[grid](q, k, v, out, scale * LOG2E, N, HQ, HQ // HKV, D=D, BLOCK_M=BLOCK_M,
                    BLOCK_N=BLOCK_N, CAUSAL=causal)
    return out
