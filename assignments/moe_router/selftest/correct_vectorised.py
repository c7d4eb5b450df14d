"""Correct, vectorised NumPy: a stable argsort of -logits, softmax in the logits' dtype, slots
from a cumulative count over the choice-major flattening, combine by gathering per choice."""
import math
from fractions import Fraction

import numpy as np

HAND_CAPACITY = 2
HAND_POSITIONS = ((0, 1), (1, 1), (0, -1), (-1, 1), (0, -1), (0, -1))


def _check(logits, k):
    if not isinstance(logits, np.ndarray) or logits.dtype not in (np.float32, np.float64):
        raise TypeError("logits must be a float32/float64 array")
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError("logits must be (T, E) with T, E >= 1")
    if not 1 <= k <= logits.shape[1]:
        raise ValueError("k must be in 1..E")


def _softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _select(logits, k):
    return np.argsort(-logits, axis=1, kind="stable")[:, :k].astype(np.int64)


def top_k_gating(logits, k):
    _check(logits, k)
    experts = _select(logits, k)
    p = np.take_along_axis(_softmax(logits), experts, axis=1)
    gates = p / p.sum(axis=1, keepdims=True)
    return experts, gates.astype(logits.dtype)


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    if isinstance(capacity_factor, bool) or not isinstance(capacity_factor, (int, float)):
        raise TypeError("capacity_factor must be an int or a float")
    if isinstance(capacity_factor, float) and not math.isfinite(capacity_factor):
        raise ValueError("capacity_factor must be finite")
    if num_tokens < 0 or num_experts < 1 or not 1 <= k <= num_experts or capacity_factor < 0:
        raise ValueError("bad arguments")
    cf = Fraction(repr(capacity_factor))
    return math.ceil(cf * num_tokens * k / num_experts)


def assign_slots(experts, num_experts, capacity):
    if experts.ndim != 2:
        raise ValueError("experts must be 2-D")
    if capacity < 0:
        raise ValueError("capacity must be >= 0")
    if experts.size and (experts.min() < 0 or experts.max() >= num_experts):
        raise ValueError("expert index out of range")
    T, k = experts.shape
    flat = experts.T.reshape(-1)                    # choice-major order
    onehot = np.zeros((flat.size, num_experts), dtype=np.int64)
    onehot[np.arange(flat.size), flat] = 1
    before = np.cumsum(onehot, axis=0) - onehot     # earlier assignments to the same expert
    slot = before[np.arange(flat.size), flat]
    slot = np.where(slot < capacity, slot, -1)
    return slot.reshape(k, T).T.astype(np.int64).copy()


def moe_combine(x, experts, gates, positions, weights, biases):
    if x.ndim != 2 or experts.ndim != 2:
        raise ValueError("x and experts must be 2-D")
    T, D = x.shape
    E, D_in, D_out = weights.shape
    if (experts.shape[0] != T or gates.shape != experts.shape or positions.shape != experts.shape
            or D_in != D or biases.shape != (E, D_out)):
        raise ValueError("shapes do not match")
    if experts.size and (experts.min() < 0 or experts.max() >= E):
        raise ValueError("expert index out of range")
    y = np.zeros((T, D_out), dtype=x.dtype)
    for j in range(experts.shape[1]):
        e = experts[:, j]
        h = np.einsum("td,tdo->to", x, weights[e]) + biases[e]
        g = np.where(positions[:, j] >= 0, gates[:, j], 0).astype(x.dtype)
        y += g[:, None] * h
    return y


def load_balancing_loss(logits, k):
    _check(logits, k)
    T, E = logits.shape
    counts = np.bincount(_select(logits, k).ravel(), minlength=E)
    f = counts / (T * k)
    P = _softmax(logits).mean(axis=0)
    return float(E * np.sum(f * P))
