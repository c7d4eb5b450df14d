"""Wrong everywhere, with every type, dtype and shape right and no error raised: the parallel
form has no causal mask, the recurrent form reads o_t from the old state and ignores
initial_state, the chunk-wise form carries no state across chunks, the delta rule ignores beta
and reads o_t from the old state, and the hand values are S0 and S0ᵀq."""
import torch

HAND_S1 = ((1.0, 2.0), (3.0, -1.0))
HAND_O1 = (-1.0, 5.0)


def _zeros(q, v):
    return torch.zeros(q.shape[0], q.shape[1], q.shape[3], v.shape[3], dtype=q.dtype)


def linear_attention_parallel(q, k, v):
    return (q @ k.mT) @ v


def linear_attention_recurrent(q, k, v, initial_state=None):
    S = _zeros(q, v)
    o = []
    for t in range(q.shape[2]):
        o.append((q[:, :, t, None, :] @ S)[:, :, 0])
        S = S + k[:, :, t, :, None] * v[:, :, t, None, :]
    return torch.stack(o, 2), S


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    S = _zeros(q, v) if initial_state is None else initial_state
    outs = []
    for qc, kc, vc in zip(q.split(chunk_size, 2), k.split(chunk_size, 2), v.split(chunk_size, 2)):
        outs.append(torch.tril(qc @ kc.mT) @ vc)
        S = S + kc.mT @ vc
    return torch.cat(outs, 2), S


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    S = _zeros(q, v) if initial_state is None else initial_state
    o = []
    for t in range(q.shape[2]):
        kt = k[:, :, t]
        o.append((q[:, :, t, None, :] @ S)[:, :, 0])
        old = (kt[:, :, None, :] @ S)[:, :, 0]
        S = S + kt[..., None] * (v[:, :, t] - old)[:, :, None, :]
    return torch.stack(o, 2), S
