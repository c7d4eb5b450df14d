"""Per-student values for the hand part of norms: two small Welford states to merge on paper.

Each state is (count, mean, M2) with integer mean and M2 (M2 = 0 for a count of 1). The counts
add up to 4 or 8, so every answer (mean, M2, variance = M2 / n) is a short exact binary
fraction: exact as a Python float and short in decimal (at most 6 digits after the point).
"""

DEFAULTS = {"na": 3, "mean_a": 2, "m2_a": 8, "nb": 5, "mean_b": 5, "m2_b": 12}


def draw(rng):
    n = rng.choice([4, 8])
    na = rng.randint(1, n - 1)
    nb = n - na
    mean_a = rng.randint(-20, 20)
    delta = rng.choice([d for d in range(-9, 10) if d != 0])
    return {"na": na, "mean_a": mean_a, "m2_a": 0 if na == 1 else rng.randint(1, 40),
            "nb": nb, "mean_b": mean_a + delta, "m2_b": 0 if nb == 1 else rng.randint(1, 40)}

