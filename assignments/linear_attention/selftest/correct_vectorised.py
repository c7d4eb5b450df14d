"""Correct, vectorised: einsum everywhere; the chunk-wise form pads T to a multiple of C and
handles all chunks at once (intra-chunk masked products, inter-chunk states by an exclusive
cumulative sum of the per-chunk K_cᵀ V_c); the delta rule in matrix form (I − β k kᵀ) S + β k vᵀ."""
import torch

HAND_S1 = ((1.75, 0.25), (3.375, -1.875))
HAND_O1 = (0.125, 2.375)


def _check(q, k, v, beta=None, state=None, has_beta=False):
    ts = [q, k, v] + ([beta] if has_beta else []) + ([state] if state is not None else [])
    for t in ts:
        if not isinstance(t, torch.Tensor):
            raise TypeError("tensors expected")
        if t.dtype not in (torch.float32, torch.float64) or t.dtype != q.dtype:
            raise TypeError("float32 or float64, all the same")
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError("4-D")
    if k.shape != q.shape or v.shape[:3] != q.shape[:3] or 0 in q.shape or 0 in v.shape:
        raise ValueError("shapes")
    if has_beta and beta.shape != q.shape[:3]:
        raise ValueError("beta shape")
    if state is not None and state.shape != (*q.shape[:2], q.shape[3], v.shape[3]):
        raise ValueError("state shape")


def _zeros(q, v):
    return q.new_zeros(q.shape[0], q.shape[1], q.shape[3], v.shape[3])


def linear_attention_parallel(q, k, v):
    _check(q, k, v)
    T = q.shape[2]
    scores = torch.einsum("bhti,bhsi->bhts", q, k)
    return torch.einsum("bhts,bhsj->bhtj", torch.tril(scores), v)


def linear_attention_recurrent(q, k, v, initial_state=None):
    _check(q, k, v, state=initial_state)
    S = _zeros(q, v) if initial_state is None else initial_state
    outs = []
    for t in range(q.shape[2]):
        S = S + torch.einsum("bhi,bhj->bhij", k[:, :, t], v[:, :, t])
        outs.append(torch.einsum("bhi,bhij->bhj", q[:, :, t], S))
    return torch.stack(outs, 2), S


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    _check(q, k, v, state=initial_state)
    if type(chunk_size) is not int:
        raise TypeError("chunk_size must be an int")
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    B, H, T, dk = q.shape
    dv = v.shape[3]
    C = min(chunk_size, T)
    n = -(-T // C)
    pad = n * C - T
    qp, kp, vp = (torch.nn.functional.pad(x, (0, 0, 0, pad)) for x in (q, k, v))
    qc, kc, vc = (x.reshape(B, H, n, C, x.shape[-1]) for x in (qp, kp, vp))
    mask = torch.ones(C, C, dtype=torch.bool).tril()
    intra = torch.einsum("bhncs,bhnsj->bhncj",
                         torch.einsum("bhnci,bhnsi->bhncs", qc, kc) * mask, vc)
    per_chunk = torch.einsum("bhnci,bhncj->bhnij", kc, vc)
    S0 = _zeros(q, v) if initial_state is None else initial_state
    after = S0[:, :, None] + per_chunk.cumsum(2)               # state after each chunk
    before = torch.cat([S0[:, :, None], after[:, :, :-1]], 2)   # state before each chunk
    inter = torch.einsum("bhnci,bhnij->bhncj", qc, before)
    o = (intra + inter).reshape(B, H, n * C, dv)[:, :, :T]
    return o, after[:, :, -1]


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    _check(q, k, v, beta=beta, state=initial_state, has_beta=True)
    dk = q.shape[3]
    S = _zeros(q, v) if initial_state is None else initial_state
    eye = torch.eye(dk, dtype=q.dtype)
    outs = []
    for t in range(q.shape[2]):
        kt, bt = k[:, :, t], beta[:, :, t, None, None]
        P = eye - bt * torch.einsum("bhi,bhl->bhil", kt, kt)
        S = P @ S + bt * torch.einsum("bhi,bhj->bhij", kt, v[:, :, t])
        outs.append(torch.einsum("bhi,bhij->bhj", q[:, :, t], S))
    return torch.stack(outs, 2), S
