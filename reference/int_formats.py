"""Reference solution for int_formats: two's complement integers and signed Q-format fixed point.

Everything is exact Python integer arithmetic (and `fractions.Fraction` for the real inputs of
the Q-format), so nothing rounds except the one rounding the contract asks for.

Two's complement in b bits (2 <= b <= 64): the pattern p in [0, 2**b) stands for
    p            if p <  2**(b-1)
    p - 2**b     if p >= 2**(b-1)       (the top bit weighs -2**(b-1))
so the range is [-2**(b-1), 2**(b-1) - 1], and any integer v wraps to the unique value of that
range congruent to v modulo 2**b.

Q-format (ARM convention): Qm.n is 1 sign bit + m integer bits + n fraction bits, 1 + m + n bits
in all, holding the integer code k in [-2**(m+n), 2**(m+n) - 1]; its value is k * 2**-n.
"""

import math
import numbers
from fractions import Fraction

__all__ = [
    "HAND_INT8", "HAND_Q34", "decode_bits", "encode_bits", "from_unsigned", "q_decode",
    "q_encode", "q_range", "saturate", "to_unsigned", "wrap", "wrap_add", "wrap_mul",
]

# The hand part, for the class's default values:
#   -37 in INT8: 37 = 00100101b, invert 11011010b, add one: 11011011b (= 219 = 256 - 37).
#   -3.3125 in Q3.4: code -3.3125 * 16 = -53; 53 = 00110101b, invert 11001010b, add one:
#   11001011b (= 203 = 256 - 53).
HAND_INT8 = "11011011"
HAND_Q34 = "11001011"

MIN_BITS = 2
MAX_BITS = 64
Q_MAX_BITS = 32
ROUNDINGS = ("nearest_even", "floor")


def _as_int(v, name):
    """v as a Python int: a Python int or a NumPy integer. bool and numpy.bool_ are rejected."""
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{name} must be an int, not {type(v).__name__}")
    return int(v)


def _width(bits):
    bits = _as_int(bits, "bits")
    if not MIN_BITS <= bits <= MAX_BITS:
        raise ValueError(f"bits must be in [2, 64], got {bits}")
    return bits


def _in_range(value, bits, name="value"):
    value = _as_int(value, name)
    half = 1 << (bits - 1)
    if not -half <= value < half:
        raise ValueError(f"{name} = {value} is outside the {bits}-bit range "
                         f"[{-half}, {half - 1}]")
    return value


def _signed(pattern, bits):
    """The two's complement value of a pattern in [0, 2**bits)."""
    if pattern >> (bits - 1):
        return pattern - (1 << bits)
    return pattern


def encode_bits(value, bits):
    """value (in range) as its two's complement bit string: exactly `bits` characters, MSB first."""
    bits = _width(bits)
    value = _in_range(value, bits)
    return format(value % (1 << bits), "b").zfill(bits)


def decode_bits(s, bits):
    """The value of a two's complement bit string of exactly `bits` characters '0'/'1'."""
    bits = _width(bits)
    if not isinstance(s, str):
        raise TypeError(f"s must be a str, not {type(s).__name__}")
    if len(s) != bits:
        raise ValueError(f"s has {len(s)} characters, expected {bits}")
    if not set(s) <= {"0", "1"}:
        raise ValueError(f"s may contain only '0' and '1', got {s!r}")
    return _signed(int(s, 2), bits)


def to_unsigned(value, bits):
    """The unsigned pattern in [0, 2**bits) of a value in the bits-bit range."""
    bits = _width(bits)
    value = _in_range(value, bits)
    return value % (1 << bits)


def from_unsigned(pattern, bits):
    """The two's complement value of a pattern in [0, 2**bits)."""
    bits = _width(bits)
    pattern = _as_int(pattern, "pattern")
    if not 0 <= pattern < 1 << bits:
        raise ValueError(f"pattern = {pattern} is outside [0, 2**{bits})")
    return _signed(pattern, bits)


def wrap(value, bits):
    """Any int, reduced modulo 2**bits into the bits-bit range (what a b-bit register keeps)."""
    bits = _width(bits)
    value = _as_int(value, "value")
    return _signed(value % (1 << bits), bits)


def wrap_add(x, y, bits):
    """x + y in bits-bit two's complement arithmetic (wraps around on overflow)."""
    bits = _width(bits)
    x = _in_range(x, bits, "x")
    y = _in_range(y, bits, "y")
    return _signed((x + y) % (1 << bits), bits)


def wrap_mul(x, y, bits):
    """x * y in bits-bit two's complement arithmetic (the low bits of the product)."""
    bits = _width(bits)
    x = _in_range(x, bits, "x")
    y = _in_range(y, bits, "y")
    return _signed((x * y) % (1 << bits), bits)


def saturate(value, bits, symmetric=False):
    """Any int, clamped to [-2**(bits-1), 2**(bits-1) - 1]; with symmetric=True the low end is
    -(2**(bits-1) - 1) (for 8 bits: [-127, 127], the symmetric INT8 of quantization)."""
    bits = _width(bits)
    value = _as_int(value, "value")
    hi = (1 << (bits - 1)) - 1
    lo = -hi if symmetric else -hi - 1
    return min(max(value, lo), hi)


def _q_format(m, n):
    m = _as_int(m, "m")
    n = _as_int(n, "n")
    if m < 0 or n < 0:
        raise ValueError(f"m and n must be >= 0, got Q{m}.{n}")
    if not MIN_BITS <= 1 + m + n <= Q_MAX_BITS:
        raise ValueError(f"Q{m}.{n} has {1 + m + n} bits; 1 + m + n must be in [2, 32]")
    return m, n


def q_range(m, n):
    """(smallest value, largest value, resolution) of Qm.n, as exact floats."""
    m, n = _q_format(m, n)
    return (-math.ldexp(1, m), math.ldexp((1 << (m + n)) - 1, -n), math.ldexp(1, -n))


def _exact_real(x):
    """x as an exact Fraction, or +-inf as a float. bool/numpy.bool_ and non-numbers: TypeError."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"x must be an int or a float, not {type(x).__name__}")
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    x = float(x)
    if math.isnan(x):
        raise ValueError("x is NaN: it has no fixed-point code")
    if math.isinf(x):
        return x
    return Fraction(x)


def q_encode(x, m, n, rounding="nearest_even"):
    """The Qm.n code of the real x: x * 2**n rounded (ties to even, or toward minus infinity),
    then saturated to [-2**(m+n), 2**(m+n) - 1]."""
    m, n = _q_format(m, n)
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be 'nearest_even' or 'floor', got {rounding!r}")
    v = _exact_real(x)
    top = 1 << (m + n)
    if isinstance(v, float):                  # +-inf saturates
        return top - 1 if v > 0 else -top
    t = v * (1 << n)
    code = round(t) if rounding == "nearest_even" else math.floor(t)  # Fraction: ties to even
    return min(max(code, -top), top - 1)


def q_decode(code, m, n):
    """The real value code * 2**-n of a Qm.n code, as an exact float."""
    m, n = _q_format(m, n)
    code = _as_int(code, "code")
    top = 1 << (m + n)
    if not -top <= code < top:
        raise ValueError(f"code = {code} is outside Q{m}.{n}'s [{-top}, {top - 1}]")
    return math.ldexp(code, -n)
