"""Buggy (one bug): q_encode scales x by 2**n in x's own float type before saturating: 1e308 * 2**16 and a
NumPy float16 times 2**16 overflow to inf, and round(inf) raises OverflowError.

Otherwise the same as correct_strings.py."""

import math
import numbers

HAND_INT8 = "11011011"
HAND_Q34 = "11001011"

VALID_ROUNDINGS = ["nearest_even", "floor"]


def check_int(v):
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v)
    raise TypeError(f"not an int: {v!r}")


def check_bits(bits):
    bits = check_int(bits)
    if bits in range(2, 65):
        return bits
    raise ValueError("bits must be between 2 and 64")


def check_range(v, bits):
    v = check_int(v)
    if v in range(-(2 ** (bits - 1)), 2 ** (bits - 1)):
        return v
    raise ValueError("value outside the range")


def invert_add_one(s):
    flipped = "".join("1" if c == "0" else "0" for c in s)
    out, carry = [], 1
    for c in reversed(flipped):
        d = int(c) + carry
        out.append(str(d % 2))
        carry = d // 2
    return "".join(reversed(out))


def encode_bits(value, bits):
    bits = check_bits(bits)
    value = check_range(value, bits)
    magnitude = bin(abs(value))[2:].rjust(bits, "0")[-bits:]
    if value >= 0:
        return magnitude
    return invert_add_one(magnitude)


def decode_bits(s, bits):
    bits = check_bits(bits)
    if type(s) is not str and not isinstance(s, str):
        raise TypeError("s must be a str")
    if len(s) != bits or any(c not in "01" for c in s):
        raise ValueError("s must be bits characters 0/1")
    total = -int(s[0]) * 2 ** (bits - 1)
    for i, c in enumerate(s[1:]):
        total += int(c) * 2 ** (bits - 2 - i)
    return total


def to_unsigned(value, bits):
    return int(encode_bits(value, bits), 2)


def from_unsigned(pattern, bits):
    bits = check_bits(bits)
    pattern = check_int(pattern)
    if not 0 <= pattern <= 2 ** bits - 1:
        raise ValueError("pattern outside [0, 2**bits)")
    return decode_bits(format(pattern, "b").zfill(bits), bits)


def wrap(value, bits):
    bits = check_bits(bits)
    value = check_int(value)
    r = value % (2 ** bits)
    return decode_bits(format(r, "b").zfill(bits), bits)


def wrap_add(x, y, bits):
    bits = check_bits(bits)
    return wrap(check_range(x, bits) + check_range(y, bits), bits)


def wrap_mul(x, y, bits):
    bits = check_bits(bits)
    return wrap(check_range(x, bits) * check_range(y, bits), bits)


def saturate(value, bits, symmetric=False):
    bits = check_bits(bits)
    value = check_int(value)
    largest = 2 ** (bits - 1) - 1
    smallest = -largest if symmetric else -largest - 1
    return sorted([smallest, value, largest])[1]


def check_q(m, n):
    m, n = check_int(m), check_int(n)
    if m >= 0 and n >= 0 and 2 <= 1 + m + n <= 32:
        return m, n
    raise ValueError("Qm.n needs m, n >= 0 and 2 <= 1 + m + n <= 32")


def q_range(m, n):
    m, n = check_q(m, n)
    step = 2.0 ** -n
    return (-(2.0 ** m), 2.0 ** m - step, step)


def q_encode(x, m, n, rounding="nearest_even"):
    m, n = check_q(m, n)
    if not isinstance(rounding, str) or rounding not in VALID_ROUNDINGS:
        raise ValueError("rounding must be 'nearest_even' or 'floor'")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError("x must be a real number")
    lowest, highest = -(2 ** (m + n)), 2 ** (m + n) - 1
    if isinstance(x, numbers.Integral):
        x = int(x)                       # exact, any size
        t = x * 2 ** n
        return min(max(t, lowest), highest)
    if x != x:
        raise ValueError("NaN has no code")
    if x in (math.inf, -math.inf):
        return highest if x > 0 else lowest
    t = x * 2 ** n                       # scaled in x's own type, then rounded, then saturated
    k = round(t) if rounding == "nearest_even" else math.floor(t)   # round(): ties to even
    return min(max(k, lowest), highest)


def q_decode(code, m, n):
    m, n = check_q(m, n)
    code = check_int(code)
    if not -(2 ** (m + n)) <= code < 2 ** (m + n):
        raise ValueError("code outside the format")
    return code * 2.0 ** -n
