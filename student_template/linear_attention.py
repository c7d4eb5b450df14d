"""linear_attention: causal linear attention (parallel, recurrent and chunk-wise forms) and the
delta rule. Replace every `raise NotImplementedError` with your code (see the statement)."""

import torch

# Part 1, by hand: one delta-rule step with YOUR values (see the statement).
HAND_S1 = None   # ((S1[0][0], S1[0][1]), (S1[1][0], S1[1][1])): the state after the step
HAND_O1 = None   # (o1[0], o1[1]) = S1ᵀ q


def linear_attention_parallel(q, k, v):
    """Causal linear attention in parallel form: o = (Q Kᵀ ⊙ M) V, M the causal mask with its
    diagonal. q, k: (B, H, T, d_k), v: (B, H, T, d_v), float32 or float64. Returns o, a tensor
    of shape (B, H, T, d_v) in the input's dtype. No loop over tokens."""
    raise NotImplementedError


def linear_attention_recurrent(q, k, v, initial_state=None):
    """Recurrent form: S_t = S_{t-1} + k_tᵀ v_t, o_t = q_t S_t, with S_0 = initial_state (zeros
    when None), of shape (B, H, d_k, d_v). Returns the tuple (o, S_T)."""
    raise NotImplementedError


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    """Chunk-wise form with chunks of chunk_size tokens (the last may be shorter):
    O_c = Q_c S + (Q_c K_cᵀ ⊙ M) V_c, then S = S + K_cᵀ V_c. Returns the tuple (o, S_T). Its
    number of torch operations may depend on the number of chunks, not on their length."""
    raise NotImplementedError


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    """The delta rule: S_t = S_{t-1} + beta_t k_t ⊗ (v_t − S_{t-1}ᵀ k_t), o_t = S_tᵀ q_t.
    beta: (B, H, T) in the input's dtype. Returns the tuple (o, S_T)."""
    raise NotImplementedError
