"""Reference solution: mixture-of-experts routing (the contract: assignments/moe_router/statement.md.j2).

Routing, for router logits of shape (T, E) (T tokens, E experts) and k choices per token:

* selection: the k experts with the largest logits, in descending order of logit, ties to the
  lower expert index (exact, on the logits: softmax is strictly increasing, so this is the
  top-k of the exact probabilities);
* gates: p = softmax(logits) over all E experts, then g_j = p_j / sum of the k selected p
  (the same as a softmax over the k selected logits);
* capacity = ceil(capacity_factor * T * k / E), exactly (a float factor read as its decimal
  repr, Fraction(repr(cf)));
* slots: choice-major priority (every token's 1st choice in token order, then every 2nd choice,
  ...); an assignment gets the next free slot of its expert, or -1 (dropped) when the expert
  already holds `capacity` assignments;
* combine: y_t = sum over kept j of g_tj * (x_t @ W[e_tj] + b[e_tj]); no renormalization of the
  kept gates, zeros for a token whose every assignment is dropped (no residual);
* loss = E * sum_e f_e * P_e, f_e = (assignments to e among all top-k choices, before any
  dropping) / (T * k), P_e = mean over tokens of p_te.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

__all__ = ["top_k_gating", "expert_capacity", "assign_slots", "moe_combine",
           "load_balancing_loss", "HAND_CAPACITY", "HAND_POSITIONS"]

_FLOATS = (np.float32, np.float64)

# ---------------------------------------------------------------------------- hand part (defaults)
# The default table (E = 4, k = 2, capacity_factor 0.5): capacity = ceil(0.5 * 6 * 2 / 4) = 2.
# experts = [[0, 1], [0, 2], [1, 0], [0, 3], [2, 0], [3, 1]]
# 1st choices in token order: 0 -> slot 0, 0 -> 1, 1 -> 0, 0 -> dropped, 2 -> 0, 3 -> 0
# 2nd choices in token order: 1 -> 1, 2 -> 1, 0 -> dropped, 3 -> 1, 0 -> dropped, 1 -> dropped
HAND_CAPACITY = 2
HAND_POSITIONS = ((0, 1), (1, 1), (0, -1), (-1, 1), (0, -1), (0, -1))


def _check_logits(logits, k):
    if not isinstance(logits, np.ndarray) or logits.dtype not in _FLOATS:
        raise TypeError("logits must be a float32 or float64 numpy array")
    if logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 1:
        raise ValueError(f"logits must have shape (T, E) with T, E >= 1, got {logits.shape}")
    if not 1 <= k <= logits.shape[1]:
        raise ValueError(f"k = {k} must be between 1 and the number of experts {logits.shape[1]}")


def _select(logits, k):
    """Indices (T, k) of the k largest logits per row, descending, ties to the lower index."""
    order = np.argsort(-logits, axis=1, kind="stable")
    return order[:, :k].astype(np.int64)


def _softmax64(logits):
    w = logits.astype(np.float64)
    e = np.exp(w - w.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def top_k_gating(logits, k):
    """(experts int64 (T, k), gates (T, k) in logits' dtype)."""
    _check_logits(logits, k)
    experts = _select(logits, k)
    p = _softmax64(logits)
    chosen = np.take_along_axis(p, experts, axis=1)
    gates = chosen / chosen.sum(axis=1, keepdims=True)
    return experts, gates.astype(logits.dtype)


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    """ceil(capacity_factor * num_tokens * k / num_experts), exactly, as a Python int."""
    if isinstance(capacity_factor, bool) or not isinstance(capacity_factor, (int, float)):
        raise TypeError("capacity_factor must be an int or a float")
    if isinstance(capacity_factor, float) and not math.isfinite(capacity_factor):
        raise ValueError("capacity_factor must be finite")
    if num_tokens < 0 or num_experts < 1 or not 1 <= k <= num_experts or capacity_factor < 0:
        raise ValueError("need num_tokens >= 0, num_experts >= 1, 1 <= k <= num_experts and "
                         "capacity_factor >= 0")
    cf = Fraction(repr(capacity_factor)) if isinstance(capacity_factor, float) \
        else Fraction(capacity_factor)
    return math.ceil(cf * num_tokens * k / num_experts)


def assign_slots(experts, num_experts, capacity):
    """positions int64 (T, k): the slot in its expert's buffer, or -1 where dropped."""
    experts = np.asarray(experts)
    if experts.ndim != 2:
        raise ValueError("experts must have shape (T, k)")
    if capacity < 0:
        raise ValueError("capacity must be >= 0")
    if experts.size and (experts.min() < 0 or experts.max() >= num_experts):
        raise ValueError("an expert index is outside 0 .. num_experts - 1")
    T, k = experts.shape
    used = [0] * num_experts
    positions = np.full((T, k), -1, dtype=np.int64)
    for j in range(k):                    # choice-major: all 1st choices, then all 2nd, ...
        for t in range(T):
            e = int(experts[t, j])
            if used[e] < capacity:
                positions[t, j] = used[e]
                used[e] += 1
    return positions


def moe_combine(x, experts, gates, positions, weights, biases):
    """y (T, D_out) in x's dtype: sum over kept assignments of gate * (x_t @ W_e + b_e)."""
    T, D = x.shape
    E, D_in, D_out = weights.shape
    if (experts.shape != gates.shape or experts.shape != positions.shape or experts.ndim != 2
            or experts.shape[0] != T or D_in != D or biases.shape != (E, D_out)):
        raise ValueError("shapes do not match: x (T, D), experts/gates/positions (T, k), "
                         "weights (E, D, D_out), biases (E, D_out)")
    if experts.size and (experts.min() < 0 or experts.max() >= E):
        raise ValueError("an expert index is outside 0 .. E - 1")
    w64, b64, x64 = weights.astype(np.float64), biases.astype(np.float64), x.astype(np.float64)
    y = np.zeros((T, D_out), dtype=np.float64)
    for j in range(experts.shape[1]):
        kept = positions[:, j] >= 0
        e = experts[kept, j]
        h = np.einsum("td,tdo->to", x64[kept], w64[e]) + b64[e]
        y[kept] += gates[kept, j].astype(np.float64)[:, None] * h
    return y.astype(x.dtype)


def load_balancing_loss(logits, k):
    """E * sum_e f_e * P_e as a Python float (f_e over all top-k choices, before dropping)."""
    _check_logits(logits, k)
    T, E = logits.shape
    counts = np.bincount(_select(logits, k).ravel(), minlength=E)
    P = _softmax64(logits).mean(axis=0)
    return float(E * np.sum(counts / (T * k) * P))
