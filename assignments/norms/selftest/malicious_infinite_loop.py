"""Malicious: the variances never return; the other functions return garbage (None)."""


def naive_variance(x):
    while True:
        pass


two_pass_variance = welford_variance = naive_variance


def welford_update(state, x):
    return None


welford_merge = layer_norm = rms_norm = welford_update
