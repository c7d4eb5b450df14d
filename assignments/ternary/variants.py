"""Per-student values for ternary's hand part: a 2 x 3 weight matrix to ternarize on paper and
five trits to pack into a byte.

The six weights are multiples of 0.25 whose absolute values add up to 6 * gamma with gamma a
multiple of 0.25 between 0.5 and 2.5, so gamma = mean(|W|) is short and exact, and every ratio
w / gamma is a multiple of 1/(4 gamma): a ratio of exactly 1/2 or 3/2 can occur (eps then
decides: it falls just below). The codes always contain at least two different values.
"""

DEFAULTS = {"hand_w": [0.5, -2.0, 0.25, 1.5, -0.75, 1.0], "trits": [1, -1, 0, 0, 1]}


def _codes(ws, gamma4):
    # w / (gamma + eps) with eps > 0: a ratio of exactly 1/2 rounds to 0, 3/2 to 1
    out = []
    for w in ws:
        r = abs(w) * 4 / gamma4              # |w| / gamma
        c = 0 if r <= 0.5 else 1
        out.append(c if w >= 0 else -c)
    return out


def draw(rng):
    while True:
        gamma4 = rng.choice([2, 3, 4, 5, 6, 8, 10])      # gamma in quarters: 0.5 .. 2.5
        total = 6 * gamma4
        mags = [rng.randint(0, 3 * gamma4) for _ in range(5)]
        last = total - sum(mags)
        if not 0 <= last <= 3 * gamma4:
            continue
        mags.append(last)
        rng.shuffle(mags)
        ws = [(m / 4) * rng.choice([-1, 1]) for m in mags]
        ws = [0.0 if w == 0 else w for w in ws]
        if len(set(_codes(ws, gamma4))) >= 2:
            break
    trits = [rng.choice([-1, 0, 1]) for _ in range(5)]
    return {"hand_w": ws, "trits": trits}
