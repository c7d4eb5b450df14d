"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_CAPACITY = 2
HAND_POSITIONS = ((0, 1), (1, 1), (0, -1), (-1, 1), (0, -1), (0, -1))


def top_k_gating(logits, k):
    return None


expert_capacity = assign_slots = moe_combine = load_balancing_loss = top_k_gating
