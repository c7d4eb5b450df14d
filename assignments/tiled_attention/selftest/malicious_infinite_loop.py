"""Malicious: never returns (the per-call timeout must stop it and grading must go on)."""


def attention(q, k, v, causal=False, sm_scale=None):
    while True:
        pass
