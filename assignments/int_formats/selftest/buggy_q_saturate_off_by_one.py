"""Buggy (one bug): q_encode saturates at 2**(m+n) instead of 2**(m+n) - 1 at the top (one code past the
largest one, which wraps to the most negative pattern in m+n+1 bits).

Otherwise the same as correct_arith.py."""

import math
import numbers
from fractions import Fraction

HAND_INT8 = "11011011"
HAND_Q34 = "11001011"


def _int(v):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError("expected an int")
    return int(v)


def _bits(bits):
    bits = _int(bits)
    if bits < 2 or bits > 64:
        raise ValueError("bits must be 2..64")
    return bits


def _ranged(v, bits):
    v = _int(v)
    if v < -(2 ** (bits - 1)) or v > 2 ** (bits - 1) - 1:
        raise ValueError("out of range")
    return v


def _value_of_pattern(p, bits):
    return p - 2 ** bits if p >= 2 ** (bits - 1) else p


def encode_bits(value, bits):
    bits = _bits(bits)
    p = _ranged(value, bits) % 2 ** bits
    digits = []
    for _ in range(bits):
        digits.append(str(p % 2))
        p //= 2
    return "".join(reversed(digits))


def decode_bits(s, bits):
    bits = _bits(bits)
    if not isinstance(s, str):
        raise TypeError("s must be a str")
    if len(s) != bits:
        raise ValueError("wrong length")
    p = 0
    for ch in s:
        if ch not in ("0", "1"):
            raise ValueError("only 0 and 1")
        p = 2 * p + (1 if ch == "1" else 0)
    return _value_of_pattern(p, bits)


def to_unsigned(value, bits):
    bits = _bits(bits)
    return _ranged(value, bits) % 2 ** bits


def from_unsigned(pattern, bits):
    bits = _bits(bits)
    pattern = _int(pattern)
    if not 0 <= pattern < 2 ** bits:
        raise ValueError("pattern out of range")
    return _value_of_pattern(pattern, bits)


def wrap(value, bits):
    bits = _bits(bits)
    return _value_of_pattern(_int(value) % 2 ** bits, bits)


def wrap_add(x, y, bits):
    bits = _bits(bits)
    return _value_of_pattern((_ranged(x, bits) + _ranged(y, bits)) % 2 ** bits, bits)


def wrap_mul(x, y, bits):
    bits = _bits(bits)
    return _value_of_pattern((_ranged(x, bits) * _ranged(y, bits)) % 2 ** bits, bits)


def saturate(value, bits, symmetric=False):
    bits = _bits(bits)
    value = _int(value)
    top = 2 ** (bits - 1) - 1
    bottom = -top if symmetric else -top - 1
    if value > top:
        return top
    if value < bottom:
        return bottom
    return value


def _fmt(m, n):
    m, n = _int(m), _int(n)
    if m < 0 or n < 0 or not 2 <= 1 + m + n <= 32:
        raise ValueError("bad Q format")
    return m, n


def q_range(m, n):
    m, n = _fmt(m, n)
    return (float(-Fraction(2) ** m), float(Fraction(2 ** (m + n) - 1, 2 ** n)),
            float(Fraction(1, 2 ** n)))


def q_encode(x, m, n, rounding="nearest_even"):
    m, n = _fmt(m, n)
    if rounding != "nearest_even" and rounding != "floor":
        raise ValueError("unknown rounding")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError("x must be a number")
    top = 2 ** (m + n)
    if isinstance(x, numbers.Integral):
        t = Fraction(int(x)) * 2 ** n
    else:
        f = float(x)
        if math.isnan(f):
            raise ValueError("NaN")
        if math.isinf(f):
            return top - 1 if f > 0 else -top
        t = Fraction(f) * 2 ** n
    k = math.floor(t)
    if rounding == "nearest_even":
        rest = t - k
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and k % 2 == 1):
            k += 1
    return max(-top, min(top, k))


def q_decode(code, m, n):
    m, n = _fmt(m, n)
    code = _int(code)
    if not -(2 ** (m + n)) <= code <= 2 ** (m + n) - 1:
        raise ValueError("code out of range")
    return float(Fraction(code, 2 ** n))
