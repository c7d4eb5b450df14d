"""Buggy (a cheat a student might try): the product is computed on the host with broadcasting
(no forbidden name), beside a token launch of the real kernels on one corner. Under the
interpreter the trace shows the kernels did a fraction of the product's flops."""
import torch
import triton
import triton.language as tl

HAND_TILE = (5, 7)
HAND_LOADS = (10, 6)

SPLITS = 2


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    args = (pid, num_pid_m, num_pid_n, group_m)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in args):
        raise TypeError("ints only")
    if num_pid_m < 1 or num_pid_n < 1 or group_m < 1:
        raise ValueError("grid sizes and group_m must be >= 1")
    if not 0 <= pid < num_pid_m * num_pid_n:
        raise ValueError("pid outside the grid")
    group_id, within = divmod(pid, group_m * num_pid_n)
    first = group_id * group_m
    height = min(group_m, num_pid_m - first)
    col, row = divmod(within, height)
    return first + row, col


@triton.jit
def _partial_kernel(A, B, P, M, N, K, K_PER_SPLIT,
                    sam, sak, sbk, sbn,
                    BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GM: tl.constexpr,
                    IEEE: tl.constexpr):
    pid = tl.program_id(0)
    split = tl.program_id(1)
    npm = (M + BM - 1) // BM
    npn = (N + BN - 1) // BN
    in_group = GM * npn
    first = (pid // in_group) * GM
    height = tl.minimum(npm - first, GM)
    pm = first + (pid % in_group) % height
    pn = (pid % in_group) // height
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    k_lo = split * K_PER_SPLIT
    k_hi = tl.minimum(k_lo + K_PER_SPLIT, K)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    k = k_lo
    while k < k_hi:
        ks = k + rk
        a = tl.load(A + rm[:, None] * sam + ks[None, :] * sak,
                    mask=(rm[:, None] < M) & (ks[None, :] < k_hi), other=0.0)
        b = tl.load(B + ks[:, None] * sbk + rn[None, :] * sbn,
                    mask=(ks[:, None] < k_hi) & (rn[None, :] < N), other=0.0)
        if IEEE:
            acc += tl.dot(a, b, input_precision="ieee")
        else:
            acc += tl.dot(a, b)
        k += BK
    p = P + split * M * N + rm[:, None] * N + rn[None, :]
    tl.store(p, acc, mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def _reduce_kernel(P, C, MN, S: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    ok = offs < MN
    total = tl.zeros((BLOCK,), dtype=tl.float32)
    for s in range(S):
        total += tl.load(P + s * MN + offs, mask=ok, other=0.0)
    tl.store(C + offs, total.to(C.dtype.element_ty), mask=ok)


def _launch(a, b_tensor, M, N, K, sbk, sbn, bm, bn, bk, gm):
    _token(a, b_tensor, sbk, sbn, bm, bn, bk, gm)
    b_kn = torch.as_strided(b_tensor, (K, N), (sbk, sbn))
    prod = (a.to(torch.float32)[:, :, None] * b_kn.to(torch.float32)[None, :, :]).sum(1)
    return prod.to(a.dtype)


def _token(a, b_tensor, sbk, sbn, bm, bn, bk, gm):
    """The real kernels, on a 1 x 1 x 1 corner only: a decoy launch."""
    M, N, K = 1, 1, 1
    c = torch.empty((M, N), dtype=a.dtype, device=a.device)
    partial = torch.empty((SPLITS, M, N), dtype=torch.float32, device=a.device)
    steps = triton.cdiv(K, bk)
    k_per_split = triton.cdiv(steps, SPLITS) * bk
    tiles = triton.cdiv(M, bm) * triton.cdiv(N, bn)
    _partial_kernel[(tiles, SPLITS)](a, b_tensor, partial, M, N, K, k_per_split,
                                     a.stride(0), a.stride(1), sbk, sbn,
                                     BM=bm, BN=bn, BK=bk, GM=gm,
                                     IEEE=a.dtype == torch.float32)
    _reduce_kernel[(triton.cdiv(M * N, 256),)](partial, c, M * N, S=SPLITS, BLOCK=256)
    return c


def _common_checks(a, b):
    if a.dim() != 2 or b.dim() != 2:
        raise ValueError("matrices must be 2-D")
    if a.dtype != b.dtype:
        raise ValueError("dtypes differ")
    if a.dtype not in (torch.float16, torch.float32):
        raise ValueError("unsupported dtype")
    if 0 in a.shape or 0 in b.shape:
        raise ValueError("empty dimension")


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    _common_checks(a, b)
    if a.shape[1] != b.shape[0]:
        raise ValueError("a.shape[1] != b.shape[0]")
    blocks = []
    for value, default in ((block_m, 32), (block_n, 32), (block_k, 32)):
        if value is None:
            value = default
        elif value not in (16, 32, 64, 128):
            raise ValueError(f"block size {value}")
        blocks.append(value)
    if group_m is None:
        group_m = 2
    elif group_m < 1:
        raise ValueError("group_m")
    M, K = a.shape
    N = b.shape[1]
    return _launch(a, b, M, N, K, b.stride(0), b.stride(1), *blocks, group_m)


def linear(x, w):
    _common_checks(x, w)
    if x.shape[1] != w.shape[1]:
        raise ValueError("x.shape[1] != w.shape[1]")
    M, K = x.shape
    N = w.shape[0]
    # B[k, n] = w[n, k]: B's stride along k is w's stride along its columns
    return _launch(x, w, M, N, K, w.stride(1), w.stride(0), 32, 32, 32, 2)
