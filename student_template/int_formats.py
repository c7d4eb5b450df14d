"""int_formats: two's complement integers and signed Q-format fixed point, by hand.

Write every function below with Python int arithmetic (and `math`, `fractions`, `numbers`,
`operator` where you like). Forbidden (they do the wrap for you): numpy, torch, ml_dtypes,
struct, ctypes, array, memoryview, and any `.to_bytes`, `.from_bytes`, `.astype` or `.view`.

Two's complement in b bits (2 <= b <= 64): the bit string s[0] s[1] ... s[b-1] (MSB first)
stands for  -s[0] * 2**(b-1) + s[1] * 2**(b-2) + ... + s[b-1] * 2**0,
so the range is [-2**(b-1), 2**(b-1) - 1].

Qm.n (ARM convention): 1 sign bit + m integer bits + n fraction bits = 1 + m + n bits
(2 <= 1 + m + n <= 32, m >= 0, n >= 0). The code k is an int in [-2**(m+n), 2**(m+n) - 1]
and stands for k * 2**-n. Q3.4 is 8 bits: range [-8, 7.9375], resolution 1/16.

Arguments: every int argument may be a Python int or a NumPy integer scalar (np.int8(-5),
np.uint64(...)); bool and numpy.bool_ raise TypeError; results are plain Python values.

Check your work locally with:  ulp check int_formats int_formats.py
"""

# The hand part: work these out ON PAPER for the numbers your statement names, then write the
# answers here as strings of 8 characters '0'/'1'. Empty strings score nothing.
HAND_INT8 = ""   # v_int8 in INT8 two's complement, e.g. "1......."
HAND_Q34 = ""    # v_q34 in Q3.4 (the code 16 * v_q34 in 8-bit two's complement)


def encode_bits(value: int, bits: int) -> str:
    """value's two's complement bit string: exactly `bits` characters '0'/'1', MSB first.

    encode_bits(-13, 8) == "11110011"; encode_bits(1, 2) == "01".
    ValueError: bits outside 2..64, or value outside [-2**(bits-1), 2**(bits-1) - 1].
    TypeError: value or bits not an int (bool included).
    """
    raise NotImplementedError("encode_bits is not written yet")


def decode_bits(s: str, bits: int) -> int:
    """The value (a Python int) of a two's complement bit string of exactly `bits` characters.

    decode_bits("11110011", 8) == -13; decode_bits("10", 2) == -2.
    ValueError: bits outside 2..64, len(s) != bits, or a character other than '0'/'1'.
    TypeError: s not a str, or bits not an int.
    """
    raise NotImplementedError("decode_bits is not written yet")


def to_unsigned(value: int, bits: int) -> int:
    """The unsigned pattern in [0, 2**bits) holding value's two's complement bits.

    to_unsigned(-13, 8) == 243. Errors as encode_bits.
    """
    raise NotImplementedError("to_unsigned is not written yet")


def from_unsigned(pattern: int, bits: int) -> int:
    """The two's complement value of an unsigned pattern in [0, 2**bits).

    from_unsigned(243, 8) == -13. ValueError: pattern outside [0, 2**bits), or bad bits.
    """
    raise NotImplementedError("from_unsigned is not written yet")


def wrap(value: int, bits: int) -> int:
    """Any int reduced modulo 2**bits into [-2**(bits-1), 2**(bits-1) - 1].

    wrap(128, 8) == -128; wrap(-129, 8) == 127; wrap(10**30, 64) works too.
    """
    raise NotImplementedError("wrap is not written yet")


def wrap_add(x: int, y: int, bits: int) -> int:
    """x + y in bits-bit two's complement (wraps around): wrap_add(127, 1, 8) == -128.

    ValueError: x or y outside the bits-bit range, or bad bits.
    """
    raise NotImplementedError("wrap_add is not written yet")


def wrap_mul(x: int, y: int, bits: int) -> int:
    """x * y in bits-bit two's complement (wraps around): wrap_mul(-128, -1, 8) == -128.

    ValueError: x or y outside the bits-bit range, or bad bits.
    """
    raise NotImplementedError("wrap_mul is not written yet")


def saturate(value: int, bits: int, symmetric: bool = False) -> int:
    """Any int clamped to [-2**(bits-1), 2**(bits-1) - 1], or with symmetric=True to
    [-(2**(bits-1) - 1), 2**(bits-1) - 1] (for 8 bits: [-127, 127]).

    saturate(300, 8) == 127; saturate(-128, 8, symmetric=True) == -127.
    """
    raise NotImplementedError("saturate is not written yet")


def q_range(m: int, n: int) -> tuple:
    """(smallest value, largest value, resolution) of Qm.n as three floats.

    q_range(3, 4) == (-8.0, 7.9375, 0.0625).
    ValueError: m < 0, n < 0, or 1 + m + n outside 2..32. TypeError: m or n not an int.
    """
    raise NotImplementedError("q_range is not written yet")


def q_encode(x, m: int, n: int, rounding: str = "nearest_even") -> int:
    """The Qm.n code (a Python int) of the real x: x * 2**n rounded, then saturated.

    rounding="nearest_even": to the nearest int, ties to the even one (-0.5 -> 0, -1.5 -> -2).
    rounding="floor": toward minus infinity (-0.5 -> -1).
    Then clamped to [-2**(m+n), 2**(m+n) - 1]; +-inf saturate too.
    q_encode(-2.6875, 3, 4) == -43; q_encode(100.0, 3, 4) == 127.
    ValueError: x is NaN, rounding is neither name, or a bad format.
    TypeError: x not an int/float (bool, str, None...), m or n not an int.
    """
    raise NotImplementedError("q_encode is not written yet")


def q_decode(code: int, m: int, n: int) -> float:
    """The value code * 2**-n of a Qm.n code, as an exact Python float.

    q_decode(-43, 3, 4) == -2.6875.
    ValueError: code outside [-2**(m+n), 2**(m+n) - 1], or a bad format. TypeError: not ints.
    """
    raise NotImplementedError("q_decode is not written yet")
