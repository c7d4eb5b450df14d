"""Malicious: naive_sum never returns; the other two return garbage (None)."""


def naive_sum(x):
    while True:
        pass


def kahan_sum(x):
    return None


def neumaier_sum(x):
    return None
