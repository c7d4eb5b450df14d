"""Per-student values for fp32_encode's hand part.

v is a non-zero value that FP32 holds exactly and that a student can convert on paper:
2 to 10 significant bits, leading bit between 2**-6 and 2**10, last bit no finer than 2**-10.
Its shortest repr (what the statement prints) is then its exact decimal expansion, with at most
ten digits after the point and never in exponent notation.
"""

DEFAULTS = {"v": -13.625}


def draw(rng):
    top = rng.randint(-6, 10)                  # exponent of the leading bit
    nbits = min(rng.randint(2, 10), top + 11)  # significant bits; the last one at 2**-10 or above
    middle = rng.getrandbits(nbits - 2) if nbits > 2 else 0
    mant = (1 << (nbits - 1)) | (middle << 1) | 1   # first and last significant bits are 1
    v = mant * 2.0 ** (top - (nbits - 1))
    if rng.random() < 0.5:
        v = -v
    return {"v": v}
