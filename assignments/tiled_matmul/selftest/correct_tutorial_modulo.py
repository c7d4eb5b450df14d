"""A correct tiled_matmul in the style of Triton's matmul tutorial: rows and columns of A and B
wrap around with % M and % N (always in bounds; the store is masked), the K tail is masked with
`offs_k < K - k * BLOCK_K`, the loop counts K steps with tl.cdiv, and acc += tl.dot(a, b).
tile_of keeps the tutorial's variable names; blocks default to 32 (64 on a GPU)."""
import torch
import triton
import triton.language as tl

HAND_TILE = (5, 7)
HAND_LOADS = (10, 6)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    if not all(isinstance(v, int) and not isinstance(v, bool)
               for v in (pid, num_pid_m, num_pid_n, group_m)):
        raise TypeError("tile_of takes ints")
    if num_pid_m <= 0 or num_pid_n <= 0 or group_m <= 0:
        raise ValueError("counts must be positive")
    if pid < 0 or pid >= num_pid_m * num_pid_n:
        raise ValueError("pid out of range")
    num_pid_in_group = group_m * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * group_m
    group_size_m = min(num_pid_m - first_pid_m, group_m)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m
    return (pid_m, pid_n)


@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K,
                  stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                  BLOCK_SIZE_M: tl.constexpr, BLOCK_SIZE_N: tl.constexpr,
                  BLOCK_SIZE_K: tl.constexpr, GROUP_SIZE_M: tl.constexpr,
                  F32: tl.constexpr):
    pid = tl.program_id(axis=0)
    num_pid_m = tl.cdiv(M, BLOCK_SIZE_M)
    num_pid_n = tl.cdiv(N, BLOCK_SIZE_N)
    num_pid_in_group = GROUP_SIZE_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_SIZE_M
    group_size_m = min(num_pid_m - first_pid_m, GROUP_SIZE_M)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m

    offs_am = (pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)) % M
    offs_bn = (pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)) % N
    offs_k = tl.arange(0, BLOCK_SIZE_K)
    a_ptrs = a_ptr + (offs_am[:, None] * stride_am + offs_k[None, :] * stride_ak)
    b_ptrs = b_ptr + (offs_k[:, None] * stride_bk + offs_bn[None, :] * stride_bn)

    accumulator = tl.zeros((BLOCK_SIZE_M, BLOCK_SIZE_N), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BLOCK_SIZE_K)):
        a = tl.load(a_ptrs, mask=offs_k[None, :] < K - k * BLOCK_SIZE_K, other=0.0)
        b = tl.load(b_ptrs, mask=offs_k[:, None] < K - k * BLOCK_SIZE_K, other=0.0)
        if F32:
            accumulator += tl.dot(a, b, input_precision="ieee")
        else:
            accumulator += tl.dot(a, b)
        a_ptrs += BLOCK_SIZE_K * stride_ak
        b_ptrs += BLOCK_SIZE_K * stride_bk
    c = accumulator.to(c_ptr.dtype.element_ty)

    offs_cm = pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)
    offs_cn = pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)
    c_ptrs = c_ptr + stride_cm * offs_cm[:, None] + stride_cn * offs_cn[None, :]
    c_mask = (offs_cm[:, None] < M) & (offs_cn[None, :] < N)
    tl.store(c_ptrs, c, mask=c_mask)


def _check(a, b):
    if a.dim() != 2 or b.dim() != 2:
        raise ValueError("2-D tensors only")
    if a.dtype != b.dtype or a.dtype not in (torch.float16, torch.float32):
        raise ValueError("float16 or float32, the same for both")
    if min(a.shape[0], a.shape[1], b.shape[0], b.shape[1]) == 0:
        raise ValueError("empty")


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    _check(a, b)
    if a.shape[1] != b.shape[0]:
        raise ValueError("incompatible dimensions")
    for blk in (block_m, block_n, block_k):
        if blk is not None and blk not in (16, 32, 64, 128):
            raise ValueError("block sizes are 16, 32, 64 or 128")
    if group_m is not None and group_m < 1:
        raise ValueError("group_m >= 1")
    M, K = a.shape
    K, N = b.shape
    default = 64 if a.is_cuda else 32
    bm, bn, bk = block_m or default, block_n or default, block_k or default
    gm = group_m or 8
    c = torch.empty((M, N), device=a.device, dtype=a.dtype)
    grid = (triton.cdiv(M, bm) * triton.cdiv(N, bn), )
    matmul_kernel[grid](a, b, c, M, N, K,
                        a.stride(0), a.stride(1), b.stride(0), b.stride(1),
                        c.stride(0), c.stride(1),
                        BLOCK_SIZE_M=bm, BLOCK_SIZE_N=bn, BLOCK_SIZE_K=bk, GROUP_SIZE_M=gm,
                        F32=a.dtype == torch.float32)
    return c


def linear(x, w):
    _check(x, w)
    if x.shape[1] != w.shape[1]:
        raise ValueError("x and w disagree on K")
    return matmul(x, w.t())
