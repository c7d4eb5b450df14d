"""Correct, plain Python loops: sorted() with a (-logit, index) key, math.exp in double
precision, integer ceiling from the decimal digits, a slot counter per expert."""
import math
from decimal import Decimal

import numpy as np

HAND_CAPACITY = 2
HAND_POSITIONS = ((0, 1), (1, 1), (0, -1), (-1, 1), (0, -1), (0, -1))


def _check(logits, k):
    if not isinstance(logits, np.ndarray) or logits.dtype not in (np.float32, np.float64):
        raise TypeError("logits must be a float32/float64 array")
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError("logits must be (T, E) with T, E >= 1")
    if k < 1 or k > logits.shape[1]:
        raise ValueError("k must be in 1..E")


def _row(logits, t, k):
    row = [float(v) for v in logits[t]]
    order = sorted(range(len(row)), key=lambda i: (-row[i], i))[:k]
    m = max(row)
    ex = [math.exp(v - m) for v in row]
    total = sum(ex)
    return order, [v / total for v in ex]


def top_k_gating(logits, k):
    _check(logits, k)
    T = logits.shape[0]
    experts = np.zeros((T, k), dtype=np.int64)
    gates = np.zeros((T, k), dtype=logits.dtype)
    for t in range(T):
        order, p = _row(logits, t, k)
        s = sum(p[i] for i in order)
        for j, i in enumerate(order):
            experts[t, j] = i
            gates[t, j] = p[i] / s
    return experts, gates


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    if type(capacity_factor) not in (int, float):
        raise TypeError("capacity_factor must be an int or a float")
    if capacity_factor != capacity_factor or capacity_factor in (float("inf"), float("-inf")):
        raise ValueError("capacity_factor must be finite")
    if num_tokens < 0 or num_experts < 1 or k < 1 or k > num_experts or capacity_factor < 0:
        raise ValueError("bad arguments")
    num, den = Decimal(repr(capacity_factor)).as_integer_ratio()
    top = num * num_tokens * k
    bottom = den * num_experts
    return (top + bottom - 1) // bottom


def assign_slots(experts, num_experts, capacity):
    if len(experts.shape) != 2:
        raise ValueError("experts must be 2-D")
    if capacity < 0:
        raise ValueError("capacity must be >= 0")
    T, k = experts.shape
    for t in range(T):
        for j in range(k):
            if not 0 <= int(experts[t, j]) < num_experts:
                raise ValueError("expert index out of range")
    used = [0] * num_experts
    out = np.full((T, k), -1, dtype=np.int64)
    for j in range(k):
        for t in range(T):
            e = int(experts[t, j])
            if used[e] < capacity:
                out[t, j] = used[e]
                used[e] += 1
    return out


def moe_combine(x, experts, gates, positions, weights, biases):
    if len(x.shape) != 2 or len(experts.shape) != 2 or len(weights.shape) != 3:
        raise ValueError("bad shapes")
    T, D = x.shape
    E, D_in, D_out = weights.shape
    k = experts.shape[1]
    if experts.shape[0] != T or gates.shape != (T, k) or positions.shape != (T, k):
        raise ValueError("routing shapes do not match")
    if D_in != D or biases.shape != (E, D_out):
        raise ValueError("weight shapes do not match")
    for t in range(T):
        for j in range(k):
            if not 0 <= int(experts[t, j]) < E:
                raise ValueError("expert index out of range")
    y = np.zeros((T, D_out), dtype=x.dtype)
    for t in range(T):
        acc = [0.0] * D_out
        for j in range(k):
            if positions[t, j] < 0:
                continue
            e = int(experts[t, j])
            g = float(gates[t, j])
            for o in range(D_out):
                h = float(biases[e, o])
                for d in range(D):
                    h += float(x[t, d]) * float(weights[e, d, o])
                acc[o] += g * h
        y[t] = acc
    return y


def load_balancing_loss(logits, k):
    _check(logits, k)
    T, E = logits.shape
    counts = [0] * E
    P = [0.0] * E
    for t in range(T):
        order, p = _row(logits, t, k)
        for i in order:
            counts[i] += 1
        for e in range(E):
            P[e] += p[e]
    return E * sum(counts[e] / (T * k) * (P[e] / T) for e in range(E))
