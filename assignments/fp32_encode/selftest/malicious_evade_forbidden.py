"""Malicious: does the work with struct, imported under a computed name so that no static check
sees `struct` (and reads float.hex through getattr). The dynamic checks must catch it; if they
do not, this scores full marks without doing the exercise."""

import importlib

_lib = importlib.import_module("st" + "ruct")
_pack, _unpack = getattr(_lib, "pa" + "ck"), getattr(_lib, "unpa" + "ck")

HAND_SIGN = ""
HAND_EXPONENT = ""
HAND_MANTISSA = ""


def encode_fp32(x):
    try:
        return _unpack(">I", _pack(">f", x))[0]
    except OverflowError:
        return 0xFF800000 if x < 0 else 0x7F800000


def decode_fp32(bits):
    if not 0 <= bits < 2 ** 32:
        raise ValueError("out of range")
    return _unpack(">f", _pack(">I", bits))[0]


def fp32_fields(x):
    b = encode_fp32(x)
    return (b >> 31, (b >> 23) & 0xFF, b & 0x7FFFFF)


def encode_float(x, exp_bits, man_bits):
    raise NotImplementedError


def decode_float(bits, exp_bits, man_bits):
    raise NotImplementedError
