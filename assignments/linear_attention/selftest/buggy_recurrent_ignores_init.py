"""Buggy: the recurrent form always starts from zeros, ignoring initial_state.

Based on a correct solution.

Causal linear attention without feature map or normalizer, in three forms (parallel, recurrent,
chunk-wise), and the delta rule in recurrent form. Shapes: q, k (B, H, T, d_k), v (B, H, T, d_v),
beta (B, H, T), states (B, H, d_k, d_v); dtype float32 or float64, kept throughout.
"""

import torch

# Part 1, by hand: one delta-rule step with the default values of the statement
# (S0 = [[1, 2], [3, -1]], k = (1, 0.5), v = (4, -2), beta = 0.5, q = (2, -1)).
HAND_S1 = ((1.75, 0.25), (3.375, -1.875))
HAND_O1 = (0.125, 2.375)

_DTYPES = (torch.float32, torch.float64)


def _check_qkv(q, k, v):
    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dtype not in _DTYPES:
            raise TypeError(f"{name} must be float32 or float64, got {t.dtype}")
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError("q, k and v must have the same dtype")
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t.dim() != 4:
            raise ValueError(f"{name} must be 4-D (B, H, T, d), got shape {tuple(t.shape)}")
    if q.shape != k.shape or v.shape[:3] != q.shape[:3]:
        raise ValueError("q and k must have the same shape, and v the same (B, H, T)")
    if q.numel() == 0 or v.numel() == 0:
        raise ValueError("every dimension must be at least 1")


def _check_state(state, q, v):
    if state is None:
        return
    if not isinstance(state, torch.Tensor):
        raise TypeError(f"initial_state must be None or a torch.Tensor, got {type(state).__name__}")
    if state.dtype != q.dtype:
        raise TypeError("initial_state must have q's dtype")
    want = (q.shape[0], q.shape[1], q.shape[3], v.shape[3])
    if tuple(state.shape) != want:
        raise ValueError(f"initial_state must have shape {want}, got {tuple(state.shape)}")


def _start(q, v, initial_state):
    B, H, _, dk = q.shape
    if initial_state is None:
        return torch.zeros(B, H, dk, v.shape[3], dtype=q.dtype)
    return initial_state.clone()


def linear_attention_parallel(q, k, v):
    """o = (Q Kᵀ ⊙ M) V with M the causal mask including the diagonal; no loop over tokens."""
    _check_qkv(q, k, v)
    T = q.shape[2]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    scores = (q @ k.transpose(-1, -2)).masked_fill(~mask, 0)
    return scores @ v


def linear_attention_recurrent(q, k, v, initial_state=None):
    """S_t = S_{t-1} + k_tᵀ v_t, o_t = q_t S_t, one token at a time; returns (o, S_T)."""
    _check_qkv(q, k, v)
    _check_state(initial_state, q, v)
    S = _start(q, v, None)
    outs = []
    for t in range(q.shape[2]):
        S = S + k[:, :, t, :, None] * v[:, :, t, None, :]
        outs.append((q[:, :, t, None, :] @ S)[:, :, 0, :])
    return torch.stack(outs, dim=2), S


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    """Chunk-wise form: O_c = Q_c S + (Q_c K_cᵀ ⊙ M) V_c, then S += K_cᵀ V_c; returns (o, S_T)."""
    _check_qkv(q, k, v)
    _check_state(initial_state, q, v)
    if not isinstance(chunk_size, int):
        raise TypeError(f"chunk_size must be an int, got {type(chunk_size).__name__}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    S = _start(q, v, initial_state)
    T = q.shape[2]
    outs = []
    for start in range(0, T, chunk_size):
        qc, kc, vc = (x[:, :, start:start + chunk_size] for x in (q, k, v))
        C = qc.shape[2]
        mask = torch.ones(C, C, dtype=torch.bool).tril()
        scores = (qc @ kc.transpose(-1, -2)).masked_fill(~mask, 0)
        outs.append(qc @ S + scores @ vc)
        S = S + kc.transpose(-1, -2) @ vc
    return torch.cat(outs, dim=2), S


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    """S_t = S_{t-1} + β_t k_t ⊗ (v_t − S_{t-1}ᵀ k_t), o_t = S_tᵀ q_t; returns (o, S_T)."""
    _check_qkv(q, k, v)
    if not isinstance(beta, torch.Tensor):
        raise TypeError(f"beta must be a torch.Tensor, got {type(beta).__name__}")
    if beta.dtype != q.dtype:
        raise TypeError("beta must have q's dtype")
    if tuple(beta.shape) != tuple(q.shape[:3]):
        raise ValueError(f"beta must have shape {tuple(q.shape[:3])}, got {tuple(beta.shape)}")
    _check_state(initial_state, q, v)
    S = _start(q, v, initial_state)
    outs = []
    for t in range(q.shape[2]):
        kt = k[:, :, t, :]                                        # (B, H, d_k)
        old = (kt[:, :, None, :] @ S)[:, :, 0, :]                 # S_{t-1}ᵀ k_t: (B, H, d_v)
        r = v[:, :, t, :] - old
        S = S + (beta[:, :, t, None] * kt)[..., None] * r[:, :, None, :]
        outs.append((q[:, :, t, None, :] @ S)[:, :, 0, :])
    return torch.stack(outs, dim=2), S
