"""Malicious: top_k_gating never returns; every other function returns garbage (None), and the
hand constants are None."""
HAND_CAPACITY = HAND_POSITIONS = None


def top_k_gating(logits, k):
    while True:
        pass


expert_capacity = assign_slots = moe_combine = load_balancing_loss = \
    lambda *args, **kwargs: None
