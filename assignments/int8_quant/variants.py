"""Per-student values for int8_quant's hand part.

v is a 4-element vector a student quantizes on paper. With s = 2**-e (e in 3..7):
* one element is +-127 s, the absmax, so the symmetric scale is exactly s (absmax / 127);
* one element is (k + 1/2) s with k even: an exact tie, which round-half-to-even sends to k
  (round-half-away would give k + 1);
* one element is an integer multiple of s, of the opposite sign to the absmax (so the
  asymmetric range has lo < 0 < hi and a zero point strictly between 0 and 255);
* one element is a multiple of s/4, not a tie.
The asymmetric part is drawn so that it has no near-tie: -lo/scale and every v/scale are at
least 0.02 from a half-integer, so exact real arithmetic (what a student does by hand) and the
contract's float32 arithmetic give the same zero point and codes.
"""

from fractions import Fraction

DEFAULTS = {"v": [-0.59375, 3.96875, 1.265625, -2.0]}


def _far_from_tie(x: Fraction) -> bool:
    frac = x - (x.numerator // x.denominator)
    return abs(frac - Fraction(1, 2)) >= Fraction(1, 50)


def _ok(v) -> bool:
    vf = [Fraction(x) for x in v]
    lo, hi = min(min(vf), 0), max(max(vf), 0)
    scale = (hi - lo) / 255
    return _far_from_tie(-lo / scale) and all(_far_from_tie(x / scale) for x in vf)


def draw(rng):
    while True:
        e = rng.randint(3, 7)
        s = 2.0 ** -e
        sign = rng.choice([-1.0, 1.0])
        big = sign * 127 * s
        tie = rng.choice([-1.0, 1.0]) * (2 * rng.randint(1, 50) + 0.5) * s
        other = -sign * rng.randint(5, 100) * s
        quarter = rng.choice([-1.0, 1.0]) * (4 * rng.randint(1, 100) + rng.choice([1, 3])) * s / 4
        v = [big, tie, other, quarter]
        rng.shuffle(v)
        if _ok(v):
            return {"v": v}
