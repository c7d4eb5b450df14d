"""FP32 by hand"""

import random
import struct

from autograder.course.quiz import Bits, Hex, Integer

TEXT = """\
Encode v = {{ v }} in IEEE 754 single precision (FP32, round to nearest even; v is exactly
representable). Give the sign bit (0 for +, 1 for −), the 8 exponent bits (biased, bias 127), the
23 fraction bits (the stored mantissa, without the hidden 1) and the whole 32-bit pattern in
hexadecimal. Bits are written most significant first."""

DEFAULTS = {"v": -13.625}


def draw(rng: random.Random) -> dict:
    """A normal value of 3 to 8 significant bits, magnitude 2^-6 to 2^10 (exactly representable,
    and its repr is its exact decimal value)."""
    k = rng.randint(5, 255) | 1  # odd: all of k's bits are significant, at least 3 of them
    e = rng.randint(-6, 9)  # 2^e <= |v| < 2^(e+1)
    return {"v": rng.choice([-1, 1]) * k * 2.0 ** (e - (k.bit_length() - 1))}


def answer(v):
    bits = struct.unpack(">I", struct.pack(">f", v))[0]
    return {"sign": Integer(bits >> 31), "exponent": Bits((bits >> 23) & 0xFF, width=8),
            "fraction": Bits(bits & 0x7FFFFF, width=23, points=2),
            "hex": Hex(bits, width=32, points=2)}
