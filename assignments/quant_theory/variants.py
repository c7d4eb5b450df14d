"""Per-student values for quant_theory's hand part: the number of bits b of a uniform quantizer
whose theoretical SQNR for a full-scale sine the student works out on paper (to 2 decimals).

b is drawn from 3..16 without 8 (the statement's worked example). For every such b the exact
value 20*log10(2)*b + 10*log10(3/2) is at least 1e-4 dB away from a rounding boundary of the
second decimal (b = 7 is the closest: 43.90511...), so rounding it to 2 decimals is unambiguous;
the shortcut 6.02*b + 1.76 gives a different answer for most b (it drops 0.0006 dB per bit).
"""

SHOWN_BITS = 8

DEFAULTS = {"bits": 10}


def draw(rng):
    return {"bits": rng.choice([b for b in range(3, 17) if b != SHOWN_BITS])}
