"""Malicious: a correct solution whose chunk-wise form loops over tokens in plain Python floats
(via .tolist()) and switches torch's dispatch-mode stack off through torch._C, so that the
operation counter sees nothing; the import of numpy under an alias at module level (a forbidden
module) taints every function and the hand part: it scores zero."""
import numpy as onp
import torch

HAND_S1 = ((1.75, 0.25), (3.375, -1.875))
HAND_O1 = (0.125, 2.375)


def _hide():
    return torch._C._DisableTorchDispatch()


def _py_attention(q, k, v, S0):
    with _hide():
        qs, ks, vs = q.tolist(), k.tolist(), v.tolist()
    B, H, T, dk = q.shape
    dv = v.shape[3]
    o, S = [], []
    for b in range(B):
        ob, Sb = [], []
        for h in range(H):
            St = [[float(S0[b][h][i][j]) if S0 is not None else 0.0 for j in range(dv)]
                  for i in range(dk)]
            oh = []
            for t in range(T):
                for i in range(dk):
                    for j in range(dv):
                        St[i][j] += ks[b][h][t][i] * vs[b][h][t][j]
                oh.append([sum(qs[b][h][t][i] * St[i][j] for i in range(dk)) for j in range(dv)])
            ob.append(oh)
            Sb.append(St)
        o.append(ob)
        S.append(Sb)
    return torch.tensor(onp.array(o), dtype=q.dtype), torch.tensor(onp.array(S), dtype=q.dtype)


def linear_attention_parallel(q, k, v):
    return _py_attention(q, k, v, None)[0]


def linear_attention_recurrent(q, k, v, initial_state=None):
    return _py_attention(q, k, v, None if initial_state is None else initial_state.tolist())


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    return linear_attention_recurrent(q, k, v, initial_state)


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    S = torch.zeros(*q.shape[:2], q.shape[3], v.shape[3], dtype=q.dtype) \
        if initial_state is None else initial_state
    o = []
    for t in range(q.shape[2]):
        kt = k[:, :, t]
        old = (kt[:, :, None, :] @ S)[:, :, 0]
        S = S + (beta[:, :, t, None] * kt)[..., None] * (v[:, :, t] - old)[:, :, None, :]
        o.append((q[:, :, t, None, :] @ S)[:, :, 0])
    return torch.stack(o, 2), S
