"""Per-student values for bf16_accumulation's hand part.

S is a BF16 value with 8 significant bits between 2 and 256 (so its last fraction bit may be
odd, which decides a tie); t is a short positive dyadic value placed relative to half an ulp of
S: below it (the update is lost), exactly on it (a tie), above it, or a few ulps with a
fraction. S + t is exact in float32, so one BF16 step is one rounding of S + t.

t2 is a positive BF16 value m * 2**k (m = 1 or odd up to 127) between 2**-6 and 2**6; its BF16
stall point is the smallest power of two >= 256 * t2.

Every value is a dyadic rational with at most 13 binary places; its exact decimal expansion is
what the statement prints (the *_text fields), never a rounded repr.
"""

from decimal import Decimal

# S = 173 * 2**-4 (odd last bit), t = half an ulp of S: a tie that rounds up to 10.875.
# t2 = 3 * 2**-5: 256 * t2 = 24, so the stall point is 32.
DEFAULTS = {"S": 10.8125, "t": 0.03125, "t2": 0.09375}

# The statement's worked examples use these; a student never gets them as their own values.
_EXAMPLE_S = (1.0, 3.0, 3.015625)
_EXAMPLE_T2 = (1.0, 3.0)


def _text(v: float) -> str:
    """The exact decimal expansion of a dyadic float (Decimal(float) is exact)."""
    return format(Decimal(v), "f")


def with_text(values: dict) -> dict:
    out = dict(values)
    for key in ("S", "t", "t2"):
        out[key + "_text"] = _text(values[key])
    return out


DEFAULTS = with_text(DEFAULTS)


def draw(rng):
    while True:
        e = rng.randint(1, 7)                    # S in [2**e, 2**(e+1))
        m = rng.randint(128, 255)                # 8 significant bits
        S = m * 2.0 ** (e - 7)
        if S not in _EXAMPLE_S:
            break
    half = 2.0 ** (e - 8)                        # half an ulp of S
    kind = rng.choice(["lost", "tie", "up", "multi"])
    if kind == "lost":
        t = half * rng.randint(1, 7) / 8         # below half an ulp: S + t rounds back to S
    elif kind == "tie":
        t = half                                 # exactly half an ulp: the last bit of S decides
    elif kind == "up":
        t = half * (8 + rng.randint(1, 7)) / 8   # above half an ulp, below one ulp
    else:
        t = 2 * half * (rng.randint(1, 3) + rng.randint(0, 7) / 8)   # 1 to 4 ulps
    while True:
        k = rng.randint(-12, 5)
        m2 = 1 if rng.random() < 0.25 else 2 * rng.randint(1, 63) + 1
        t2 = m2 * 2.0 ** k
        if 2.0 ** -6 <= t2 <= 2.0 ** 6 and t2 not in _EXAMPLE_T2:
            break
    return with_text({"S": S, "t": t, "t2": t2})
