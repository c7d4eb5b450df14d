"""KV cache size"""

import random

from autograder.course.quiz import Integer, Number

TEXT = """\
A decoder-only transformer has L = {{ L }} layers, {{ hq }} query heads and H = {{ h }}
key/value heads (grouped-query attention), head dimension d = 128. It serves **one** sequence
(batch 1) at a context of T = {{ "{:,}".format(T) }} tokens and keeps its KV cache in **BF16**
(2 bytes per element). Count the keys and the values of every layer for all T tokens, and
nothing else (no weights, no padding, no paging overhead).

- `bytes`: the KV cache size in bytes, exactly.
- `gib`: the same in **GiB** (1 GiB = 2^30 = 1,073,741,824 bytes; not GB = 10^9 bytes), to at
  least 3 significant figures."""

DEFAULTS = {"L": 32, "hq": 32, "h": 8, "T": 8192}

D = 128
BF16 = 2  # bytes per element


def draw(rng: random.Random) -> dict:
    """L from 12 to 96; H from 1 to 16 KV heads (a power of two) and 1 to 8 times as many query
    heads; T a multiple of 1,024 or of 1,000 up to 131,072."""
    h = rng.choice([1, 2, 4, 8, 16])
    T = rng.choice([rng.randint(1, 128) * 1024, rng.randint(1, 131) * 1000])
    return {"L": rng.randint(12, 96), "hq": h * rng.choice([1, 2, 4, 8]), "h": h, "T": T}


def answer(L, hq, h, T):
    assert hq % h == 0
    size = 2 * L * h * D * T * BF16  # 2: one key and one value vector per head, layer and token
    return {"bytes": Integer(size, points=2),
            "gib": Number(size / 2**30, sig=3)}
