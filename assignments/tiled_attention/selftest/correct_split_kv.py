"""A correct tiled_attention in the split-KV ("flash-decoding") style: two kernels.

Kernel 1 splits the keys into at most SPLITS contiguous ranges and computes, per split, the
partial running max m_s, sum l_s and un-normalised accumulator acc_s (fp32 scratch of size
SPLITS * N * D per head: O(N * D), never N x N). Kernel 2 merges the splits:
out = sum_s exp2(m_s - M) acc_s / sum_s exp2(m_s - M) l_s with M = max_s m_s.
A row that sees no key of a split (causal) leaves m_s = -inf, l_s = 0 there.
"""
import math

import torch
import triton
import triton.language as tl

SPLITS = 3


@triton.jit
def _partial(Q, K, V, M_out, L_out, A_out, qk_scale, N, HQ, GROUP, KEYS_PER_SPLIT,
             sq0, sq1, sq2, sk0, sk1, sk2, sv0, sv1, sv2,
             D: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr, S: tl.constexpr,
             CAUSAL: tl.constexpr):
    pm = tl.program_id(0)
    bh = tl.program_id(1)
    sp = tl.program_id(2)
    b = bh // HQ
    h = bh % HQ
    hk = h // GROUP
    rows = pm * BM + tl.arange(0, BM)
    dd = tl.arange(0, D)
    nn = tl.arange(0, BN)
    q = tl.load(Q + b * sq0 + h * sq1 + rows[:, None] * sq2 + dd[None, :], mask=rows[:, None] < N, other=0.0)
    lo = sp * KEYS_PER_SPLIT
    hi = tl.minimum(N, lo + KEYS_PER_SPLIT)
    if CAUSAL:
        hi = tl.minimum(hi, (pm + 1) * BM)
    m = tl.full([BM], float("-inf"), tl.float32)
    l = tl.zeros([BM], tl.float32)
    acc = tl.zeros([BM, D], tl.float32)
    for start in range(lo, hi, BN):
        cols = start + nn
        inside = cols < hi
        k = tl.load(K + b * sk0 + hk * sk1 + cols[:, None] * sk2 + dd[None, :], mask=inside[:, None], other=0.0)
        v = tl.load(V + b * sv0 + hk * sv1 + cols[:, None] * sv2 + dd[None, :], mask=inside[:, None], other=0.0)
        s = tl.dot(q, tl.trans(k)) * qk_scale
        ok = inside[None, :]
        if CAUSAL:
            ok = ok & (cols[None, :] <= rows[:, None])
        s = tl.where(ok, s, float("-inf"))
        m_new = tl.maximum(m, tl.max(s, 1))
        m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)
        p = tl.math.exp2(s - m_safe[:, None])
        alpha = tl.math.exp2(m - m_safe)
        l = l * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v)
        m = m_new
    base = (bh * S + sp) * N
    ok_rows = rows < N
    tl.store(M_out + base + rows, m, mask=ok_rows)
    tl.store(L_out + base + rows, l, mask=ok_rows)
    tl.store(A_out + (base + rows[:, None]) * D + dd[None, :], acc, mask=ok_rows[:, None])


@triton.jit
def _merge(M_in, L_in, A_in, O, N, so0, so1, so2, HQ,
           D: tl.constexpr, BM: tl.constexpr, S: tl.constexpr):
    pm = tl.program_id(0)
    bh = tl.program_id(1)
    rows = pm * BM + tl.arange(0, BM)
    dd = tl.arange(0, D)
    ok = rows < N
    big = tl.full([BM], float("-inf"), tl.float32)
    for sp in range(S):
        big = tl.maximum(big, tl.load(M_in + (bh * S + sp) * N + rows, mask=ok, other=float("-inf")))
    num = tl.zeros([BM, D], tl.float32)
    den = tl.zeros([BM], tl.float32)
    for sp in range(S):
        base = (bh * S + sp) * N
        m = tl.load(M_in + base + rows, mask=ok, other=float("-inf"))
        w = tl.where(m == float("-inf"), 0.0, tl.math.exp2(m - big))
        den += w * tl.load(L_in + base + rows, mask=ok, other=0.0)
        num += w[:, None] * tl.load(A_in + (base + rows[:, None]) * D + dd[None, :], mask=ok[:, None], other=0.0)
    out = num / tl.where(ok, den, 1.0)[:, None]
    b = bh // HQ
    h = bh % HQ
    tl.store(O + b * so0 + h * so1 + rows[:, None] * so2 + dd[None, :], out.to(O.dtype.element_ty),
             mask=ok[:, None])


def attention(q, k, v, causal=False, sm_scale=None):
    if not (q.ndim == k.ndim == v.ndim == 4):
        raise ValueError("need 4-D q, k, v")
    B, HQ, N, D = q.shape
    if k.shape != v.shape or k.shape[0] != B or k.shape[2] != N or k.shape[3] != D:
        raise ValueError("k/v shapes do not match q")
    HKV = k.shape[1]
    if HQ % HKV != 0:
        raise ValueError("Hq must be a multiple of Hkv")
    if D not in (16, 32, 64, 128):
        raise ValueError("D must be 16, 32, 64 or 128")
    scale = 1.0 / math.sqrt(D) if sm_scale is None else sm_scale
    q, k, v = q.contiguous(), k.contiguous(), v.contiguous()
    BM, BN = 16, 16
    n_blocks = triton.cdiv(N, BN)
    splits = min(SPLITS, n_blocks)
    keys_per_split = triton.cdiv(n_blocks, splits) * BN
    dev = q.device
    m_part = torch.empty(B * HQ * splits * N, dtype=torch.float32, device=dev)
    l_part = torch.empty(B * HQ * splits * N, dtype=torch.float32, device=dev)
    a_part = torch.empty(B * HQ * splits * N * D, dtype=torch.float32, device=dev)
    grid = (triton.cdiv(N, BM), B * HQ, splits)
    _partial[grid](q, k, v, m_part, l_part, a_part, scale * 1.4426950408889634, N, HQ, HQ // HKV,
                   keys_per_split, q.stride(0), q.stride(1), q.stride(2), k.stride(0), k.stride(1),
                   k.stride(2), v.stride(0), v.stride(1), v.stride(2),
                   D=D, BM=BM, BN=BN, S=splits, CAUSAL=bool(causal))
    out = torch.empty_like(q)
    _merge[(triton.cdiv(N, BM), B * HQ)](m_part, l_part, a_part, out, N, out.stride(0),
                                         out.stride(1), out.stride(2), HQ, D=D, BM=BM, S=splits)
    return out
