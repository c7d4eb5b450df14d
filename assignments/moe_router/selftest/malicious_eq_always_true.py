"""Malicious: returns objects that claim to equal everything and to be below every bound: int
and float subclasses and ndarray subclasses whose comparisons are always True."""
import numpy as np


class LiarInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class LiarFloat(float):
    def __eq__(self, other):
        return True

    def __le__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    __hash__ = float.__hash__


class LiarArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)


HAND_CAPACITY = LiarInt(0)
HAND_POSITIONS = tuple((LiarInt(0), LiarInt(0)) for _ in range(6))


def _liar(shape, dtype):
    return np.zeros(shape, dtype=dtype).view(LiarArray)


def top_k_gating(logits, k):
    return _liar((logits.shape[0], k), np.int64), _liar((logits.shape[0], k), logits.dtype)


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    return LiarInt(0)


def assign_slots(experts, num_experts, capacity):
    return _liar(experts.shape, np.int64)


def moe_combine(x, experts, gates, positions, weights, biases):
    return _liar((x.shape[0], weights.shape[2]), x.dtype)


def load_balancing_loss(logits, k):
    return LiarFloat(0.0)
