"""Correct, loop style: the chunk-wise form loops over chunks with torch.split; the recurrent
forms loop over tokens and also over batch and head (2-D matrices only, @ and torch.outer); the
delta rule computes old = S_{t-1}ᵀ k_t first and scales r by beta."""
import torch

HAND_S1 = [[1.75, 0.25], [3.375, -1.875]]
HAND_O1 = [0.125, 2.375]


def _validate(q, k, v, extra=(), state=None, beta=None):
    for x in (q, k, v, *extra):
        if not isinstance(x, torch.Tensor):
            raise TypeError("not a tensor")
    if q.dtype not in (torch.float32, torch.float64):
        raise TypeError("dtype")
    for x in (k, v, *extra):
        if x.dtype != q.dtype:
            raise TypeError("dtypes differ")
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4:
        raise ValueError("not 4-D")
    B, H, T, dk = q.shape
    if tuple(k.shape) != (B, H, T, dk) or tuple(v.shape[:3]) != (B, H, T):
        raise ValueError("shapes")
    if min(B, H, T, dk, v.shape[3]) == 0:
        raise ValueError("empty")
    if beta is not None and tuple(beta.shape) != (B, H, T):
        raise ValueError("beta")
    if state is not None and tuple(state.shape) != (B, H, dk, v.shape[3]):
        raise ValueError("state")


def linear_attention_parallel(q, k, v):
    _validate(q, k, v)
    T = q.shape[2]
    M = torch.tril(torch.ones(T, T, dtype=q.dtype))
    return ((q @ k.transpose(2, 3)) * M) @ v


def linear_attention_recurrent(q, k, v, initial_state=None):
    _validate(q, k, v, () if initial_state is None else (initial_state,), initial_state)
    B, H, T, dk = q.shape
    dv = v.shape[3]
    o = torch.empty(B, H, T, dv, dtype=q.dtype)
    S_out = torch.empty(B, H, dk, dv, dtype=q.dtype)
    for b in range(B):
        for h in range(H):
            S = torch.zeros(dk, dv, dtype=q.dtype) if initial_state is None \
                else initial_state[b, h].clone()
            for t in range(T):
                S += torch.outer(k[b, h, t], v[b, h, t])
                o[b, h, t] = q[b, h, t] @ S
            S_out[b, h] = S
    return o, S_out


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    _validate(q, k, v, () if initial_state is None else (initial_state,), initial_state)
    if not isinstance(chunk_size, int):
        raise TypeError("chunk_size")
    if chunk_size < 1:
        raise ValueError("chunk_size")
    B, H, T, dk = q.shape
    S = torch.zeros(B, H, dk, v.shape[3], dtype=q.dtype) if initial_state is None \
        else initial_state
    outs = []
    for qc, kc, vc in zip(q.split(chunk_size, 2), k.split(chunk_size, 2),
                          v.split(chunk_size, 2)):
        C = qc.shape[2]
        scores = torch.tril(qc @ kc.transpose(2, 3))
        outs.append(qc @ S + scores @ vc)
        S = S + kc.transpose(2, 3) @ vc
    return torch.cat(outs, 2), S


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    _validate(q, k, v, (beta,) + (() if initial_state is None else (initial_state,)),
              initial_state, beta)
    B, H, T, dk = q.shape
    dv = v.shape[3]
    o = torch.empty(B, H, T, dv, dtype=q.dtype)
    S_out = torch.empty(B, H, dk, dv, dtype=q.dtype)
    for b in range(B):
        for h in range(H):
            S = torch.zeros(dk, dv, dtype=q.dtype) if initial_state is None \
                else initial_state[b, h].clone()
            for t in range(T):
                kt = k[b, h, t]
                old = S.T @ kt
                S = S + torch.outer(kt, beta[b, h, t] * (v[b, h, t] - old))
                o[b, h, t] = S.T @ q[b, h, t]
            S_out[b, h] = S
    return o, S_out
