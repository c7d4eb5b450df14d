"""tiled_matmul: C = A @ B by a tiled Triton kernel, in the grouped program order.

Write `tile_of` (plain Python), the kernel and its launcher `matmul`, and `linear`, and fill in
the hand part (HAND_TILE, HAND_LOADS) from the values in your statement.

Check your work locally with:   ulp check tiled_matmul tiled_matmul.py
(on a machine without a GPU the kernel runs in Triton's interpreter, TRITON_INTERPRET=1).

Forbidden (anywhere in this module): torch.matmul, torch.mm, torch.bmm, torch.einsum,
torch.addmm, torch.nn.functional.linear, the `@` operator outside a Triton kernel, NumPy's
dot/matmul/einsum, and every other library call that multiplies matrices for you (see the
statement). Allocating the output and reading shapes and strides with torch is of course fine.
"""
from __future__ import annotations

import torch  # noqa: F401
import triton
import triton.language as tl

# ----------------------------------------------------------------------------- hand part
# Replace None by your answers (see "Your part by hand" in your statement).
HAND_TILE = None    # (pid_m, pid_n): a tuple of two ints
HAND_LOADS = None   # (row_major, grouped): a tuple of two ints


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    """The tile (pid_m, pid_n) that program `pid` computes in the grouped order.

    pid in [0, num_pid_m * num_pid_n); num_pid_m, num_pid_n, group_m >= 1; all Python ints
    (TypeError otherwise, bool included; ValueError for a value out of range).
    Returns a tuple of two Python ints, by the statement's formula (the Triton tutorial's).
    """
    raise NotImplementedError("tile_of: write the grouped-order formula")


@triton.jit
def _matmul_kernel(A, B, C, M, N, K,
                   stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                   BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                   GROUP_M: tl.constexpr):
    """One program computes one BLOCK_M x BLOCK_N tile of C.

    A skeleton (delete the `pass` and fill in each step):
      1. pid = tl.program_id(0); num_pid_m = tl.cdiv(M, BLOCK_M); num_pid_n = tl.cdiv(N, BLOCK_N);
         (pid_m, pid_n) by the same grouped-order formula as tile_of (tl.minimum for min).
      2. offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M); offs_n likewise;
         offs_k = tl.arange(0, BLOCK_K); pointer blocks
         a_ptrs = A + offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak and
         b_ptrs = B + offs_k[:, None] * stride_bk + offs_n[None, :] * stride_bn.
      3. acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
      4. for k0 in range(0, K, BLOCK_K):
           - load the A tile masked on rows < M and on columns k0 + offs_k < K (other=0.0),
             the B tile masked on rows k0 + offs_k < K and on columns < N (other=0.0)
           - acc = tl.dot(a, b, acc)   (input_precision="ieee" for float32 inputs)
           - move a_ptrs by BLOCK_K * stride_ak and b_ptrs by BLOCK_K * stride_bk
      5. store acc.to(C.dtype.element_ty) at C's pointers, masked on rows < M and columns < N.
    """
    pass


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    """C = a @ b for 2-D float16/float32 torch tensors (M, K) x (K, N), by your Triton kernel.

    Accumulates in float32 and returns a new (M, N) tensor in the inputs' dtype on a's device.
    a and b may be any strided views: pass their strides to the kernel.
    block_m, block_n, block_k: None (your choice) or a power of two in [16, 128];
    group_m: None (your choice) or an int >= 1.
    Raises ValueError for inputs that are not 2-D, mismatched K, dtypes that differ or are not
    float16/float32, an empty dimension, or a bad block / group size.
    """
    raise NotImplementedError("matmul: write the kernel and launch it")


def linear(x, w):
    """y = x @ w.T for x (M, K) and w (N, K) (nn.Linear's layout), by the same kernel.

    Pass w.t() to your matmul: a (K, N) view of w with strides (1, K); do not copy w.
    Raises ValueError for inputs that are not 2-D, x.shape[1] != w.shape[1], dtypes that differ
    or are not float16/float32, or an empty dimension.
    """
    raise NotImplementedError("linear: call your matmul on w.t()")
