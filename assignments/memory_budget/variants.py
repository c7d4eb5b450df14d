"""Per-student values for memory_budget's hand part: a parameter count and an INT4 group size.

The student works out, on paper, the bytes of the weights in INT4 with groups (FP16 scale + FP16
zero per group) and in mixed-precision Adam training (16 bytes per parameter), and the two sizes
in GiB (2**30 bytes) and GB (10**9 bytes) rounded to 2 decimals. n_params is drawn so that both
rounded values are unambiguous: each exact value is at least 0.0002 away from a rounding boundary
(x.xx5) of the second decimal, and n_params is odd about half the time and never a multiple of the
group size, so the half byte and the partial last group both count.
"""

from fractions import Fraction

DEFAULTS = {"n_params": 13_000_000_000, "group_size": 128}

GROUP_SIZES = [32, 64, 128, 256]


def _clear_of_boundary(value):
    """value (a Fraction) is at least 0.0002 away from every k/100 + 1/200."""
    off = (value * 100 - Fraction(1, 2)) % 1                  # distance past a boundary, in 1/100
    return Fraction(2, 100) <= off <= Fraction(98, 100)


def answers(n_params, group_size):
    int4 = -(-n_params // 2) + 4 * -(-n_params // group_size)
    train = 16 * n_params
    return int4, Fraction(int4, 2**30), train, Fraction(train, 10**9)


def draw(rng):
    while True:
        n = rng.randrange(1_000_000_000, 80_000_000_000)
        g = rng.choice(GROUP_SIZES)
        if n % g == 0:
            continue
        _, gib, _, gb = answers(n, g)
        if _clear_of_boundary(gib) and _clear_of_boundary(gb):
            return {"n_params": n, "group_size": g}
