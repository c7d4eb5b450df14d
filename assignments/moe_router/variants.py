"""Per-student values for moe_router's hand part: a routing table of 6 tokens x 2 choices over
4 experts and a capacity factor. The student computes the capacity and every assignment's slot
(or -1) on paper.

Each row holds two different experts. The capacity factor is one of a few short decimals whose
capacity ceil(cf * 6 * 2 / 4) = ceil(3 cf) is 1, 2 or 3 (0.34 tests the ceiling: 3 * 0.34 =
1.02 -> 2). The table is skewed toward one favourite expert so that at least two assignments
are dropped, and at least one of the dropped is a 1st choice or a 2nd choice that a
token-by-token order would have kept (so the priority rule matters).
"""

DEFAULTS = {
    "table": [[0, 1], [0, 2], [1, 0], [0, 3], [2, 0], [3, 1]],
    "cf": "0.5",
}

_CFS = ["0.3", "0.34", "0.5", "0.6", "0.75", "0.9", "1.0"]


def _positions(table, cap, token_major=False):
    used = [0] * 4
    pos = [[-1, -1] for _ in table]
    order = ([(t, j) for t in range(len(table)) for j in range(2)] if token_major
             else [(t, j) for j in range(2) for t in range(len(table))])
    for t, j in order:
        e = table[t][j]
        if used[e] < cap:
            pos[t][j] = used[e]
            used[e] += 1
    return pos


def _capacity(cf):
    from fractions import Fraction
    import math
    return math.ceil(Fraction(cf) * 12 / 4)


def draw(rng):
    while True:
        fav = rng.randrange(4)
        table = []
        for _ in range(6):
            first = fav if rng.random() < 0.6 else rng.randrange(4)
            second = rng.choice([e for e in range(4) if e != first])
            table.append([first, second])
        cf = rng.choice(_CFS)
        cap = _capacity(cf)
        pos = _positions(table, cap)
        dropped = sum(p == -1 for row in pos for p in row)
        if 2 <= dropped <= 8 and pos != _positions(table, cap, token_major=True):
            return {"table": table, "cf": cf}
