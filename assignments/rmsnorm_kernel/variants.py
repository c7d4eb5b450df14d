"""Per-student values for the hand part of rmsnorm_kernel: one row of two values.

x = (x1, x2) are small integers and eps is chosen so that mean(x²) + eps = c² with c a power of
two (2, 4 or 8): rstd = 1/c exactly, and every answer (y, dx, dw) is a short binary fraction,
exact as a Python float. eps is a positive multiple of 1/2, so putting it outside the square
root gives a visibly different (and not short) answer.
"""

DEFAULTS = {"x1": 3, "x2": -4, "c": 4, "w1": 2, "w2": -1, "dy1": 1, "dy2": 3}


def eps_of(v) -> float:
    return v["c"] ** 2 - (v["x1"] ** 2 + v["x2"] ** 2) / 2


def draw(rng):
    c = rng.choice([4, 8])
    while True:
        x1 = rng.choice([i for i in range(-7, 8) if i != 0])
        x2 = rng.choice([i for i in range(-7, 8) if i != 0])
        if (x1 * x1 + x2 * x2) / 2 < c * c - 0.5:
            break
    w1, w2 = rng.sample([-3, -2, -1, 1, 2, 3], 2)
    dy1 = rng.choice([-3, -2, -1, 1, 2, 3])
    dy2 = rng.choice([-3, -2, -1, 1, 2, 3])
    return {"x1": x1, "x2": x2, "c": c, "w1": w1, "w2": w2, "dy1": dy1, "dy2": dy2}
