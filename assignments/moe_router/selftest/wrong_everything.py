"""Wrong everywhere, with every type, dtype and shape right and nothing raised: the k SMALLEST
logits with uniform gates, a floored capacity plus one, slots that never drop, a combine that
adds x-independent biases only, and a loss of 0."""
import numpy as np

HAND_CAPACITY = 5
HAND_POSITIONS = ((5, 5), (5, 5), (5, 5), (5, 5), (5, 5), (5, 5))


def top_k_gating(logits, k):
    T, E = np.shape(logits)
    experts = np.argsort(logits, axis=1)[:, :k].astype(np.int64)
    if E > 1:
        experts = (experts + 1) % E if k == E else experts
    gates = np.full((T, k), 2.0 / k, dtype=logits.dtype)
    return experts, gates


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    return int(num_tokens * k // num_experts) + 7


def assign_slots(experts, num_experts, capacity):
    T, k = experts.shape
    return np.arange(T * k, dtype=np.int64).reshape(T, k) + capacity + 1


def moe_combine(x, experts, gates, positions, weights, biases):
    T = x.shape[0]
    return np.ones((T, weights.shape[2]), dtype=x.dtype) * 3.5


def load_balancing_loss(logits, k):
    return -1.0
