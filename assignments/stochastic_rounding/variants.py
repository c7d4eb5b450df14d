"""Per-student values for stochastic_rounding's hand part.

w is a BF16 value (8 significant bits) between 0.5 and 64, of either sign, whose fraction is
neither all zeros nor all ones (so w +- one BF16 ulp stays in w's binade); u is an update of
2 significant decimal digits, of either sign, whose magnitude is 5% to 95% of one BF16 ulp of w
and never within 4% of half an ulp (so the round-to-nearest decision is clear on paper).

The student computes s = float32(w + float32(u)) (one float32 addition) and gives
round-to-nearest-even of s in BF16 and the number of the 65536 random values r that make
stochastic rounding move s away from zero. Both are unambiguous by hand: s = w + n * 2**(e-23)
(e the exponent of w), with n = round(|u| / 2**(e-23)) never within 0.02 of a tie, whether u is
first rounded to float32 or not (the draw is rejected otherwise).

Every u is printed by repr() in plain decimal (|u| >= 0.05 * 2**-8 > 1e-4), and every w is
exact in a few decimal digits (its last bit is no finer than 2**-8).
"""

import math
from fractions import Fraction

import numpy as np

DEFAULTS = {"w": 2.5, "u": -0.0041}


def _ok(w, u):
    e = math.frexp(abs(w))[1] - 1                 # |w| in [2**e, 2**(e+1))
    ulp32 = Fraction(2) ** (e - 23)
    bf16_ulp = Fraction(2) ** (e - 7)
    t = abs(Fraction(u)) / bf16_ulp
    if not (Fraction(1, 20) <= t <= Fraction(19, 20)) or abs(t - Fraction(1, 2)) < Fraction(1, 25):
        return False
    for uu in (Fraction(u), Fraction(float(np.float32(u)))):   # the double and its float32
        q = abs(uu) / ulp32
        if abs(q - math.floor(q) - Fraction(1, 2)) < Fraction(1, 50):
            return False
    return True


def draw(rng):
    while True:
        m = rng.randint(129, 254)                 # 8 significant bits, fraction not 0 or 127
        k = rng.randint(-1, 5)                    # |w| in [2**k, 2**(k+1)): 0.5 to 64
        w = m * 2.0 ** (k - 7)
        if rng.random() < 0.3:
            w = -w
        bf16_ulp = 2.0 ** (k - 7)
        t = rng.uniform(0.05, 0.95)
        u = float(f"{t * bf16_ulp:.1e}")          # two significant digits
        if rng.random() < 0.5:
            u = -u
        if _ok(w, u) and "e" not in repr(u):
            return {"w": w, "u": u}
