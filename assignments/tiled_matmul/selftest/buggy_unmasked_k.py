"""Bug: the loads are masked on the rows of A and the columns of B but not along K: the last K
step reads past column K-1 of A and row K-1 of B (the next row's data, or the NaN guard)."""
from __future__ import annotations

import os

import torch
import triton
import triton.language as tl

MIN_BLOCK = 16
MAX_BLOCK = 128
SUPPORTED_DTYPES = (torch.float16, torch.float32)

# Hand part (per-student values in the statement): the defaults' answers.
HAND_TILE = (5, 7)
HAND_LOADS = (10, 6)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    """The tile (pid_m, pid_n) that program `pid` computes, in the grouped order."""
    for name, value in (("pid", pid), ("num_pid_m", num_pid_m), ("num_pid_n", num_pid_n),
                        ("group_m", group_m)):
        if type(value) is not int:
            raise TypeError(f"tile_of: {name} must be an int, got {type(value).__name__}")
    if num_pid_m < 1 or num_pid_n < 1:
        raise ValueError("tile_of: num_pid_m and num_pid_n must be >= 1")
    if group_m < 1:
        raise ValueError("tile_of: group_m must be >= 1")
    if not 0 <= pid < num_pid_m * num_pid_n:
        raise ValueError(f"tile_of: pid {pid} is not in [0, {num_pid_m * num_pid_n})")
    num_pid_in_group = group_m * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * group_m
    group_size_m = min(num_pid_m - first_pid_m, group_m)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m
    return pid_m, pid_n


@triton.jit
def _matmul_kernel(A, B, C, M, N, K,
                   stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                   BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                   GROUP_M: tl.constexpr, IEEE: tl.constexpr):
    pid = tl.program_id(0)
    num_pid_m = tl.cdiv(M, BLOCK_M)
    num_pid_n = tl.cdiv(N, BLOCK_N)
    # grouped order: the same formula as tile_of
    num_pid_in_group = GROUP_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_M
    group_size_m = tl.minimum(num_pid_m - first_pid_m, GROUP_M)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m

    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    a_ptrs = A + offs_m[:, None].to(tl.int64) * stride_am + offs_k[None, :] * stride_ak
    b_ptrs = B + offs_k[:, None].to(tl.int64) * stride_bk + offs_n[None, :] * stride_bn
    row_ok = offs_m[:, None] < M
    col_ok = offs_n[None, :] < N

    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k_left = K - k0
        a = tl.load(a_ptrs, mask=row_ok, other=0.0)
        b = tl.load(b_ptrs, mask=col_ok, other=0.0)
        if IEEE:
            acc = tl.dot(a, b, acc, input_precision="ieee")
        else:
            acc = tl.dot(a, b, acc)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk

    c_ptrs = C + offs_m[:, None].to(tl.int64) * stride_cm + offs_n[None, :] * stride_cn
    tl.store(c_ptrs, acc.to(C.dtype.element_ty), mask=row_ok & col_ok)


def _interpreting() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


def _check_block(name, value):
    if value is None:
        return
    if type(value) is not int or value < MIN_BLOCK or value > MAX_BLOCK or value & (value - 1):
        raise ValueError(f"matmul: {name} must be a power of two in [{MIN_BLOCK}, {MAX_BLOCK}], "
                         f"got {value!r}")


def _check_operands(what, a, b, a_name, b_name):
    for name, t in ((a_name, a), (b_name, b)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{what}: {name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dim() != 2:
            raise ValueError(f"{what}: {name} must be 2-D, got shape {tuple(t.shape)}")
        if t.dtype not in SUPPORTED_DTYPES:
            raise ValueError(f"{what}: dtype {t.dtype} is not supported (float16 or float32)")
    if a.dtype != b.dtype:
        raise ValueError(f"{what}: {a_name} and {b_name} must share a dtype, got {a.dtype} and "
                         f"{b.dtype}")


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    """C = a @ b for 2-D float16/float32 tensors, by the tiled Triton kernel (fp32 accumulator)."""
    _check_operands("matmul", a, b, "a", "b")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: inner dimensions differ: a is {tuple(a.shape)}, b is "
                         f"{tuple(b.shape)}")
    M, K = a.shape
    N = b.shape[1]
    if M == 0 or N == 0 or K == 0:
        raise ValueError(f"matmul: empty dimension (M, K, N) = ({M}, {K}, {N})")
    for name, value in (("block_m", block_m), ("block_n", block_n), ("block_k", block_k)):
        _check_block(name, value)
    if group_m is not None and (type(group_m) is not int or group_m < 1):
        raise ValueError(f"matmul: group_m must be an int >= 1, got {group_m!r}")

    gpu = a.is_cuda and not _interpreting()
    if gpu:
        big = a.dtype == torch.float16
        bm = block_m or 128
        bn = block_n or (128 if big else 64)
        bk = block_k or (64 if big else 32)
        gm = group_m or 8
    else:
        bm, bn, bk, gm = block_m or 32, block_n or 32, block_k or 32, group_m or 4
    c = torch.empty((M, N), dtype=a.dtype, device=a.device)
    grid = (triton.cdiv(M, bm) * triton.cdiv(N, bn),)
    extra = {"num_warps": 8 if bm * bn >= 128 * 128 else 4, "num_stages": 3} if gpu else {}
    _matmul_kernel[grid](a, b, c, M, N, K,
                         a.stride(0), a.stride(1), b.stride(0), b.stride(1),
                         c.stride(0), c.stride(1),
                         BLOCK_M=bm, BLOCK_N=bn, BLOCK_K=bk, GROUP_M=gm,
                         IEEE=a.dtype == torch.float32, **extra)
    return c


def linear(x, w):
    """y = x @ w.T with w of shape (N, K), as nn.Linear stores it: w.t() is passed as a view."""
    _check_operands("linear", x, w, "x", "w")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"linear: x is {tuple(x.shape)} and w is {tuple(w.shape)}: their last "
                         f"dimensions differ")
    return matmul(x, w.t())
