"""Correct, Mixtral order and GShard-style buffers: top-k of the logits by lexsort, softmax over
the k selected logits only (in the logits' own dtype), slots from a running count per expert
over the choice-major assignments, combine by dispatching each expert's kept tokens into its
buffer, one matrix product per expert, and a scatter-add back."""
import math
from fractions import Fraction

import numpy as np

HAND_CAPACITY = 2
HAND_POSITIONS = ((0, 1), (1, 1), (0, -1), (-1, 1), (0, -1), (0, -1))


def _validate(logits, k):
    if not isinstance(logits, np.ndarray):
        raise TypeError("logits must be a numpy array")
    if logits.dtype != np.float32 and logits.dtype != np.float64:
        raise TypeError("logits must be float32 or float64")
    if logits.ndim != 2 or min(logits.shape) < 1:
        raise ValueError("logits must be (T, E)")
    if k < 1 or k > logits.shape[1]:
        raise ValueError("k out of range")


def _topk(logits, k):
    T, E = logits.shape
    idx = np.broadcast_to(np.arange(E), (T, E))
    order = np.lexsort((idx, -logits), axis=1)      # by -logit, then by index
    return order[:, :k].astype(np.int64)


def top_k_gating(logits, k):
    _validate(logits, k)
    experts = _topk(logits, k)
    sel = np.take_along_axis(logits, experts, axis=1)
    z = np.exp(sel - sel[:, :1])                     # the first selected is the max
    return experts, (z / z.sum(axis=1, keepdims=True)).astype(logits.dtype)


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    if isinstance(capacity_factor, bool) or not isinstance(capacity_factor, (int, float)):
        raise TypeError("capacity_factor must be an int or a float")
    if math.isnan(capacity_factor) or math.isinf(capacity_factor) or capacity_factor < 0:
        raise ValueError("capacity_factor must be finite and >= 0")
    if num_tokens < 0 or num_experts < 1 or k < 1 or k > num_experts:
        raise ValueError("bad counts")
    q = Fraction(str(capacity_factor)) * num_tokens * k / num_experts
    return -(-q.numerator // q.denominator)


def assign_slots(experts, num_experts, capacity):
    if experts.ndim != 2:
        raise ValueError("experts must be 2-D")
    if capacity < 0:
        raise ValueError("negative capacity")
    if ((experts < 0) | (experts >= num_experts)).any():
        raise ValueError("expert index out of range")
    T, k = experts.shape
    count = np.zeros(num_experts, dtype=np.int64)
    out = np.empty((T, k), dtype=np.int64)
    for j in range(k):                                # choice j for all tokens at once
        e = experts[:, j]
        onehot = (e[:, None] == np.arange(num_experts)).astype(np.int64)
        rank = (np.cumsum(onehot, axis=0) - onehot)[np.arange(T), e] + count[e]
        out[:, j] = np.where(rank < capacity, rank, -1)
        count += onehot.sum(axis=0)
    return out


def moe_combine(x, experts, gates, positions, weights, biases):
    if x.ndim != 2 or experts.ndim != 2 or weights.ndim != 3 or biases.ndim != 2:
        raise ValueError("bad ranks")
    T, D = x.shape
    E = weights.shape[0]
    if (experts.shape[0] != T or gates.shape != experts.shape
            or positions.shape != experts.shape or weights.shape[1] != D
            or biases.shape != (E, weights.shape[2])):
        raise ValueError("shapes do not match")
    if ((experts < 0) | (experts >= E)).any():
        raise ValueError("expert index out of range")
    y = np.zeros((T, weights.shape[2]), dtype=x.dtype)
    tok, choice = np.nonzero(positions >= 0)
    for e in range(E):
        mine = experts[tok, choice] == e
        t_e, j_e = tok[mine], choice[mine]
        if t_e.size == 0:
            continue
        buf = x[t_e]                                   # dispatch into expert e's buffer
        out = buf @ weights[e] + biases[e]
        np.add.at(y, t_e, gates[t_e, j_e][:, None] * out)   # combine back
    return y


def load_balancing_loss(logits, k):
    _validate(logits, k)
    T, E = logits.shape
    f = np.bincount(_topk(logits, k).reshape(-1), minlength=E) / (T * k)
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    P = (z / z.sum(axis=1, keepdims=True)).mean(axis=0)
    return float(E * (f * P).sum())
