"""tiled_attention: flash attention (forward) in Triton.

Write `attention` so that it launches YOUR `@triton.jit` kernel, which walks the keys block by
block with the online-softmax recurrence and never builds the N x N score matrix.

Check your work locally with:   ulp check tiled_attention tiled_attention.py
(on a machine without a GPU the kernel runs in Triton's interpreter, TRITON_INTERPRET=1).

Forbidden (anywhere in this module): torch.nn.functional.scaled_dot_product_attention,
torch.softmax / torch.nn.functional.softmax / Tensor.softmax, torch.matmul, torch.bmm,
torch.einsum, the `@` operator outside a Triton kernel, and any other attention or softmax
library. Allocating the output and reading shapes/strides with torch is of course fine.
"""
from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

SUPPORTED_HEAD_DIMS = (16, 32, 64, 128)
LOG2E = 1.4426950408889634  # exp(x) == exp2(x * LOG2E): fold it into the scale, use tl.math.exp2


@triton.jit
def _attn_fwd(Q, K, V, Out, qk_scale,
              stride_qz, stride_qh, stride_qm, stride_qd,
              stride_kz, stride_kh, stride_kn, stride_kd,
              stride_vz, stride_vh, stride_vn, stride_vd,
              stride_oz, stride_oh, stride_om, stride_od,
              H_Q, GROUP, N_CTX,
              HEAD_DIM: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
              CAUSAL: tl.constexpr):
    """One program computes BLOCK_M query rows of one (batch, query head).

    A skeleton (delete the `pass` and fill in each step):
      1. start_m = tl.program_id(0); off_bh = tl.program_id(1); batch = off_bh // H_Q,
         query head = off_bh % H_Q, kv head = query head // GROUP.
      2. offs_m = start_m * BLOCK_M + tl.arange(0, BLOCK_M); offs_n = tl.arange(0, BLOCK_N);
         offs_d = tl.arange(0, HEAD_DIM); pointers into Q, K, V, Out from the strides.
      3. Load the q tile [BLOCK_M, HEAD_DIM] with a mask on the rows (offs_m < N_CTX).
      4. m_i = -inf, l_i = 0 (both [BLOCK_M], float32), acc = 0 ([BLOCK_M, HEAD_DIM], float32).
      5. for start_n in range(0, hi, BLOCK_N):   (hi = N_CTX, or the end of this query block
         when CAUSAL: the blocks above the diagonal need not be visited at all)
           - load k and v tiles [BLOCK_N, HEAD_DIM], masked on the keys (start_n + offs_n < N_CTX)
           - s = tl.dot(q, tl.trans(k)) * qk_scale      (log2 units when qk_scale has LOG2E)
           - s = -inf where the key is past the end, or (CAUSAL) where key > query
           - m_new = max(m_i, row max of s); p = exp2(s - m_new[:, None]);
             alpha = exp2(m_i - m_new)
           - l_i = l_i * alpha + row sum of p; acc = acc * alpha[:, None] + tl.dot(p, v)
             (p.to(v.dtype) for the tensor cores); m_i = m_new
      6. Store acc / l_i[:, None] (converted to Out's dtype) with a mask on the rows.
    """
    pass


def attention(q, k, v, causal: bool = False, sm_scale: float | None = None) -> torch.Tensor:
    """softmax(sm_scale * q k^T [causal mask]) v, computed by your Triton kernel.

    q: [B, Hq, N, D]; k and v: [B, Hkv, N, D] with Hq % Hkv == 0 (query head h reads kv head
    h // (Hq // Hkv): MHA when Hq == Hkv, GQA/MQA when not). D in {16, 32, 64, 128}; N >= 1 and
    not necessarily a multiple of your block size. sm_scale defaults to 1 / sqrt(D).
    causal=True: query i attends to keys 0..i.
    Returns a new tensor [B, Hq, N, D] in q's dtype, on q's device.
    Raises ValueError for mismatched shapes, Hq % Hkv != 0, or an unsupported D.

    Typical body: validate the shapes; out = torch.empty_like(q); choose BLOCK_M, BLOCK_N;
    grid = (triton.cdiv(N, BLOCK_M), B * Hq); _attn_fwd[grid](q, k, v, out, sm_scale * LOG2E,
    *q.stride(), *k.stride(), *v.stride(), *out.stride(), Hq, Hq // Hkv, N,
    HEAD_DIM=D, BLOCK_M=..., BLOCK_N=..., CAUSAL=causal); return out.
    """
    raise NotImplementedError("attention: write the Triton kernel and launch it")
