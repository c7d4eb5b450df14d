"""Per-student values for linear_attention's hand part: one delta-rule step on a 2 x 2 state.

S0 and v hold small integers, k entries from {-1, -1/2, 0, 1/2, 1} (not both 0), beta one of
1/4, 1/2, 3/4, 1 and q small integers (not both 0): every number of the step is a short exact
binary fraction (a multiple of 1/32 at most), exact as a Python float.
"""

DEFAULTS = {"S0": [[1, 2], [3, -1]], "k": [1.0, 0.5], "v": [4, -2], "beta": 0.5, "q": [2, -1]}


def draw(rng):
    halves = [-1.0, -0.5, 0.0, 0.5, 1.0]
    while True:
        k = [rng.choice(halves), rng.choice(halves)]
        if k != [0.0, 0.0]:
            break
    while True:
        q = [rng.randint(-3, 3), rng.randint(-3, 3)]
        if q != [0, 0]:
            break
    return {"S0": [[rng.randint(-4, 4) for _ in range(2)] for _ in range(2)], "k": k,
            "v": [rng.randint(-6, 6), rng.randint(-6, 6)],
            "beta": rng.choice([0.25, 0.5, 0.75, 1.0]), "q": q}
