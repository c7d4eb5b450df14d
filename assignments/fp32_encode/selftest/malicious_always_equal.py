"""Malicious: answers with objects that claim to equal anything (__eq__ always True, NaN
checks fooled, lengths faked). Only their plain value may reach the grader, and it is wrong."""


class Liar(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class LiarFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


class LiarStr(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __len__(self):
        return 23

    __hash__ = str.__hash__


class LiarTuple(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


HAND_SIGN = LiarStr("")
HAND_EXPONENT = LiarStr("")
HAND_MANTISSA = LiarStr("")


def encode_fp32(x):
    return Liar(12345)


def decode_fp32(bits):
    return LiarFloat(12345.0)


def fp32_fields(x):
    return LiarTuple((Liar(7), Liar(7), Liar(7)))


def encode_float(x, exp_bits, man_bits):
    return Liar(12345)


def decode_float(bits, exp_bits, man_bits):
    return LiarFloat(12345.0)
