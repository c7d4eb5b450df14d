"""A correct tiled_attention: one masked loop (no fast path), natural exp, BLOCK_N > BLOCK_M,
batch*head on grid axis 0, kv head computed as h * Hkv // Hq."""
import math

import torch
import triton
import triton.language as tl


@triton.jit
def _fwd(Q, K, V, O, sm_scale, sqb, sqh, sqn, sqd, skb, skh, skn, skd, svb, svh, svn, svd,
         sob, soh, son, sod, HQ, HKV, N, D: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr,
         CAUSAL: tl.constexpr):
    bh = tl.program_id(0)
    mb = tl.program_id(1)
    b = bh // HQ
    h = bh % HQ
    hk = h * HKV // HQ
    rm = mb * BM + tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rd = tl.arange(0, D)
    q = tl.load(Q + b * sqb + h * sqh + rm[:, None] * sqn + rd[None, :] * sqd,
                mask=rm[:, None] < N, other=0.0)
    m = tl.zeros([BM], dtype=tl.float32) - float("inf")
    l = tl.zeros([BM], dtype=tl.float32)
    acc = tl.zeros([BM, D], dtype=tl.float32)
    end = N
    if CAUSAL:
        end = tl.minimum(N, (mb + 1) * BM)
    for n0 in range(0, end, BN):
        cn = n0 + rn
        kmask = cn[:, None] < N
        k = tl.load(K + b * skb + hk * skh + cn[:, None] * skn + rd[None, :] * skd, mask=kmask, other=0.0)
        v = tl.load(V + b * svb + hk * svh + cn[:, None] * svn + rd[None, :] * svd, mask=kmask, other=0.0)
        s = tl.dot(q, tl.trans(k)) * sm_scale
        ok = cn[None, :] < N
        if CAUSAL:
            ok = ok & (cn[None, :] <= rm[:, None])
        s = tl.where(ok, s, float("-inf"))
        m_new = tl.maximum(m, tl.max(s, axis=1))
        alpha = tl.exp(m - m_new)
        p = tl.exp(s - m_new[:, None])
        l = l * alpha + tl.sum(p, axis=1)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v)
        m = m_new
    o = acc / l[:, None]
    tl.store(O + b * sob + h * soh + rm[:, None] * son + rd[None, :] * sod, o.to(O.dtype.element_ty),
             mask=rm[:, None] < N)


def attention(q, k, v, causal=False, sm_scale=None):
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4:
        raise ValueError("q, k, v must be 4-D")
    B, HQ, N, D = q.shape
    if k.shape != v.shape or k.shape[0] != B or k.shape[2] != N or k.shape[3] != D:
        raise ValueError("shape mismatch")
    HKV = k.shape[1]
    if HQ % HKV:
        raise ValueError("Hq must be a multiple of Hkv")
    if D not in (16, 32, 64, 128):
        raise ValueError("unsupported head dim")
    if sm_scale is None:
        sm_scale = 1.0 / math.sqrt(D)
    o = torch.empty_like(q)
    BM, BN = 16, 32
    grid = (B * HQ, triton.cdiv(N, BM))
    _fwd[grid](q, k, v, o, float(sm_scale), *q.stride(), *k.stride(), *v.stride(), *o.stride(),
               HQ, HKV, N, D=D, BM=BM, BN=BN, CAUSAL=bool(causal))
    return o
