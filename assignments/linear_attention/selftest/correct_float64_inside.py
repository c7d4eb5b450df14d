"""Correct, float64 inside: every function converts to float64, computes, and rounds the results
once to the input's dtype; the chunk-wise form loops over chunk starts with narrow and builds
the mask by comparing index vectors; the parallel form masks with torch.where."""
import torch

HAND_S1 = ((7 / 4, 1 / 4), (27 / 8, -15 / 8))
HAND_O1 = (1 / 8, 19 / 8)

OK = (torch.float32, torch.float64)


def _check(q, k, v, more=()):
    tensors = (q, k, v) + tuple(x for x in more if x is not None)
    if not all(isinstance(x, torch.Tensor) for x in tensors):
        raise TypeError("arguments must be tensors")
    if q.dtype not in OK or any(x.dtype != q.dtype for x in tensors):
        raise TypeError("dtype")
    if len(q.shape) != 4 or len(k.shape) != 4 or len(v.shape) != 4:
        raise ValueError("4-D")
    if q.shape != k.shape or q.shape[:3] != v.shape[:3] or q.numel() == 0 or v.numel() == 0:
        raise ValueError("shape")


def _state_ok(S0, q, v):
    if S0 is not None and tuple(S0.shape) != (q.shape[0], q.shape[1], q.shape[3], v.shape[3]):
        raise ValueError("initial_state shape")


def linear_attention_parallel(q, k, v):
    _check(q, k, v)
    Q, K, V = q.double(), k.double(), v.double()
    T = q.shape[2]
    idx = torch.arange(T)
    causal = idx[:, None] >= idx[None, :]
    A = torch.where(causal, Q @ K.mT, torch.zeros((), dtype=torch.float64))
    return (A @ V).to(q.dtype)


def linear_attention_recurrent(q, k, v, initial_state=None):
    _check(q, k, v, (initial_state,))
    _state_ok(initial_state, q, v)
    Q, K, V = q.double(), k.double(), v.double()
    B, H, T, dk = q.shape
    S = torch.zeros(B, H, dk, v.shape[3], dtype=torch.float64) if initial_state is None \
        else initial_state.double()
    o = []
    for t in range(T):
        S = S + K[:, :, t, :, None] * V[:, :, t, None, :]
        o.append((Q[:, :, t, :, None] * S).sum(2))
    return torch.stack(o, 2).to(q.dtype), S.to(q.dtype)


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    _check(q, k, v, (initial_state,))
    _state_ok(initial_state, q, v)
    if not isinstance(chunk_size, int):
        raise TypeError("chunk_size must be an int")
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    Q, K, V = q.double(), k.double(), v.double()
    B, H, T, dk = q.shape
    S = torch.zeros(B, H, dk, v.shape[3], dtype=torch.float64) if initial_state is None \
        else initial_state.double()
    out = torch.empty(B, H, T, v.shape[3], dtype=torch.float64)
    for s in range(0, T, chunk_size):
        C = min(chunk_size, T - s)
        qc, kc, vc = Q.narrow(2, s, C), K.narrow(2, s, C), V.narrow(2, s, C)
        i = torch.arange(C)
        mask = (i[:, None] >= i[None, :]).double()
        out[:, :, s:s + C] = torch.matmul(qc, S) + torch.matmul(torch.matmul(qc, kc.mT) * mask, vc)
        S = S + torch.matmul(kc.mT, vc)
    return out.to(q.dtype), S.to(q.dtype)


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    _check(q, k, v, (beta, initial_state))
    if tuple(beta.shape) != tuple(q.shape[:3]):
        raise ValueError("beta shape")
    _state_ok(initial_state, q, v)
    Q, K, V, Bt = q.double(), k.double(), v.double(), beta.double()
    B, H, T, dk = q.shape
    S = torch.zeros(B, H, dk, v.shape[3], dtype=torch.float64) if initial_state is None \
        else initial_state.double()
    o = []
    for t in range(T):
        bk = Bt[:, :, t, None] * K[:, :, t]                           # beta * k first
        old = torch.einsum("bhij,bhi->bhj", S, K[:, :, t])
        S = S + bk[..., :, None] * (V[:, :, t] - old)[..., None, :]
        o.append(torch.einsum("bhij,bhi->bhj", S, Q[:, :, t]))
    return torch.stack(o, 2).to(q.dtype), S.to(q.dtype)
