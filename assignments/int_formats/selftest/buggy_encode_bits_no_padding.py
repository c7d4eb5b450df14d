"""Buggy (one bug): encode_bits writes the pattern with format(p, 'b') and forgets to pad it with leading zeros
to the full width, so small non-negative values come out too short.

Otherwise the same as correct_bitops.py."""

import math
import operator

HAND_INT8 = "11011011"
HAND_Q34 = "11001011"


def _idx(v):
    if type(v) is bool:
        raise TypeError("bool is not accepted")
    return operator.index(v)          # ints and NumPy integers; TypeError for the rest


def _width(bits):
    b = _idx(bits)
    if not 2 <= b <= 64:
        raise ValueError("width")
    return b


def _sign_extend(p, b):
    s = 1 << (b - 1)
    return (p ^ s) - s


def _check(v, b):
    v = _idx(v)
    if v >> (b - 1) not in (0, -1):   # in range iff the bits above b-1 are all sign copies
        raise ValueError("out of range")
    return v


def encode_bits(value, bits):
    b = _width(bits)
    p = _check(value, b) & ((1 << b) - 1)
    return format(p, "b")


def decode_bits(s, bits):
    b = _width(bits)
    if not isinstance(s, str):
        raise TypeError("str expected")
    if len(s) != b or s.strip("01") != "":
        raise ValueError("bad bit string")
    p = 0
    for ch in s:
        p = (p << 1) | (ch == "1")
    return _sign_extend(p, b)


def to_unsigned(value, bits):
    b = _width(bits)
    return _check(value, b) & ((1 << b) - 1)


def from_unsigned(pattern, bits):
    b = _width(bits)
    p = _idx(pattern)
    if p < 0 or p >> b:
        raise ValueError("pattern out of range")
    return _sign_extend(p, b)


def wrap(value, bits):
    b = _width(bits)
    return _sign_extend(_idx(value) & ((1 << b) - 1), b)


def wrap_add(x, y, bits):
    b = _width(bits)
    return _sign_extend((_check(x, b) + _check(y, b)) & ((1 << b) - 1), b)


def wrap_mul(x, y, bits):
    b = _width(bits)
    return _sign_extend((_check(x, b) * _check(y, b)) & ((1 << b) - 1), b)


def saturate(value, bits, symmetric=False):
    b = _width(bits)
    v = _idx(value)
    hi = (1 << (b - 1)) - 1
    lo = ~hi + (1 if symmetric else 0)
    return lo if v < lo else hi if v > hi else v


def _q(m, n):
    m, n = _idx(m), _idx(n)
    if min(m, n) < 0 or m + n + 1 < 2 or m + n + 1 > 32:
        raise ValueError("format")
    return m, n


def q_range(m, n):
    m, n = _q(m, n)
    return (math.ldexp(-1.0, m), math.ldexp((1 << (m + n)) - 1, -n), math.ldexp(1.0, -n))


def _floor_and_half(num, den_shift, n):
    """For x = num / 2**den_shift: (floor(x * 2**n), the remainder compared with one half:
    -1 below, 0 equal, 1 above)."""
    shift = den_shift - n
    if shift <= 0:
        return num << -shift, -1
    k = num >> shift                              # floor, also for negative num
    rem = num - (k << shift)                      # in [0, 2**shift)
    half = 1 << (shift - 1)
    return k, (rem > half) - (rem < half)


def q_encode(x, m, n, rounding="nearest_even"):
    m, n = _q(m, n)
    if rounding not in ("nearest_even", "floor"):
        raise ValueError("rounding")
    if type(x) is bool:
        raise TypeError("bool")
    hi = (1 << (m + n)) - 1
    try:
        num, shift = _idx(x), 0           # Python and NumPy integers
    except TypeError:
        if not hasattr(x, "as_integer_ratio"):   # floats (NumPy's too); not str, None, np.bool_
            raise TypeError("x must be a number") from None
        f = float(x)
        if f != f:
            raise ValueError("NaN")
        if f in (math.inf, -math.inf):
            return hi if f > 0 else ~hi
        p, q = f.as_integer_ratio()
        num, shift = p, q.bit_length() - 1
    k, half = _floor_and_half(num, shift, n)
    if rounding == "nearest_even" and (half > 0 or (half == 0 and k & 1)):
        k += 1
    return ~hi if k < ~hi else hi if k > hi else k


def q_decode(code, m, n):
    m, n = _q(m, n)
    c = _idx(code)
    if c >> (m + n) not in (0, -1):
        raise ValueError("code out of range")
    return math.ldexp(float(c), -n)
