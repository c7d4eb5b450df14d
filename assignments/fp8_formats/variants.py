"""Per-student values for fp8_formats' hand part.

v is a non-zero value that E4M3FN holds exactly: a normal one (1 to 4 significant bits, the
leading bit between 2**-6 and 2**7, so the exponent field is 1..14) three times in four, otherwise
a subnormal one (f * 2**-9 for f in 1..7). w needs exactly one rounding in E4M3FN: 5 to 7
significant bits with the first and last bit 1 (so it is never exact), the leading bit between
2**-5 and 2**7 (so it stays normal, and even rounding up lands at most on 256: no overflow).
With 5 bits w is always a tie, with 6 or 7 it may round either way. Both are float32 values
whose shortest repr is their exact decimal expansion (at most 11 digits after the point), and
both have a random sign.

The statement's worked examples use values outside these ranges (leading bit 2**8), or are
swapped for another one when they coincide with the student's own.
"""

DEFAULTS = {"v": -26.0, "w": 21.5}


def _bits(rng, nbits):
    """An nbits-bit integer whose first and last bits are 1 (just 1 when nbits is 1)."""
    if nbits == 1:
        return 1
    middle = rng.getrandbits(nbits - 2) if nbits > 2 else 0
    return (1 << (nbits - 1)) | (middle << 1) | 1


def draw(rng):
    if rng.random() < 0.25:
        v = rng.randint(1, 7) * 2.0 ** -9
    else:
        top = rng.randint(-6, 7)
        nbits = rng.randint(1, 4)
        v = _bits(rng, nbits) * 2.0 ** (top - nbits + 1)
    top = rng.randint(-5, 7)
    nbits = rng.randint(5, 7)
    w = _bits(rng, nbits) * 2.0 ** (top - nbits + 1)
    return {"v": -v if rng.random() < 0.5 else v, "w": -w if rng.random() < 0.5 else w}
