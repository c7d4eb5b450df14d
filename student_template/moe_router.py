"""moe_router — mixture-of-experts routing: top-k gating, expert capacity, slot assignment with
dropping, the combine step and the load-balancing loss.

Fill in every function below (each one raises NotImplementedError until you do) and the two
HAND_ constants. The contract is in the statement; the essentials are repeated in each
docstring.

Inputs and outputs are NumPy arrays (index arrays int64). Sorting (np.argsort with
kind="stable", np.argpartition, np.lexsort) is allowed. Do not import torch, scipy, tutel,
megablocks, deepspeed, fairscale, fmoe, transformers or vllm: the point is to write the routing
rules yourself.

Check your work locally with:   ulp check moe_router moe_router.py
"""

import numpy as np  # noqa: F401

# ---- Part 1, by hand: your own routing table and capacity factor are in your statement ---------
HAND_CAPACITY = None    # an int: ceil(capacity_factor * 6 * 2 / 4) for your factor
HAND_POSITIONS = None   # a tuple of 6 pairs of ints: the slot of each (token, choice), or -1


def top_k_gating(logits, k):
    """Top-k expert selection and gate weights.

    logits: numpy float32 or float64 array of shape (T, E), T >= 1 tokens, E >= 1 experts,
    finite values. k: an int, 1 <= k <= E.
    experts[t]: the k experts with the largest logits of token t, in descending order of logit,
    equal logits ordered by the lower expert index (decide by the logits, exactly).
    gates[t, j] = p[t, experts[t, j]] / sum_i p[t, experts[t, i]] with p = softmax(logits[t])
    over all E experts.
    Returns (experts, gates): experts int64 (T, k), gates (T, k) in the logits' dtype.
    TypeError if logits is not a float32/float64 numpy array; ValueError if it is not 2-D with
    T, E >= 1, or if k is not in 1..E.
    """
    raise NotImplementedError("top_k_gating is not written yet")


def expert_capacity(num_tokens, num_experts, k, capacity_factor):
    """ceil(capacity_factor * num_tokens * k / num_experts), exactly, as a Python int.

    capacity_factor: an int, or a float read as its decimal repr
    (fractions.Fraction(repr(cf)): 1.1 means 11/10). No minimum, no clamping.
    ValueError if num_tokens < 0, num_experts < 1, k not in 1..num_experts, or the factor is
    negative, NaN or infinite; TypeError if the factor is not an int or a float.
    """
    raise NotImplementedError("expert_capacity is not written yet")


def assign_slots(experts, num_experts, capacity):
    """Slots in the experts' buffers, with dropping beyond capacity.

    experts: int64 array (T, k), distinct experts per row. Priority is choice-major: every
    token's 1st choice in token order, then every 2nd choice in token order, ... Each
    assignment gets its expert's next free slot (0, 1, ...), or -1 (dropped) once the expert
    holds `capacity` assignments.
    Returns positions: int64 (T, k).
    ValueError if experts is not 2-D, capacity < 0, or an index is outside 0..num_experts-1.
    """
    raise NotImplementedError("assign_slots is not written yet")


def moe_combine(x, experts, gates, positions, weights, biases):
    """The MoE layer's output from a routing.

    x (T, D), gates (T, k), weights (E, D, D_out), biases (E, D_out): all float32 or all
    float64; experts, positions int64 (T, k). An assignment is kept where positions >= 0.
    y[t] = sum over kept j of gates[t, j] * (x[t] @ weights[e] + biases[e]), e = experts[t, j].
    No renormalization of the kept gates; a token with no kept assignment gets zeros.
    Returns y: (T, D_out) in x's dtype.
    ValueError if the shapes do not match or an expert index is outside 0..E-1.
    """
    raise NotImplementedError("moe_combine is not written yet")


def load_balancing_loss(logits, k):
    """The auxiliary load-balancing loss E * sum_e f_e * P_e, as a Python float.

    f_e = (number of (token, choice) pairs among all top-k choices that pick e) / (T * k),
    with the selection of top_k_gating, before any capacity dropping; P_e = the mean over the
    T tokens of softmax(logits[t])[e] (all E experts). Errors as in top_k_gating.
    """
    raise NotImplementedError("load_balancing_loss is not written yet")
