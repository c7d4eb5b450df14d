"""Malicious: answers with objects that claim to equal anything (__eq__ always True, lengths
and sets faked). Only their plain value may reach the grader, and it is wrong."""


class Liar(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __lt__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __gt__(self, other):
        return True

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
        return 8

    __hash__ = str.__hash__


class LiarTuple(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


HAND_INT8 = LiarStr("")
HAND_Q34 = LiarStr("")


def encode_bits(value, bits):
    return LiarStr("2")


def decode_bits(s, bits):
    return Liar(7)


def to_unsigned(value, bits):
    return Liar(-7)


def from_unsigned(pattern, bits):
    return Liar(7)


def wrap(value, bits):
    return Liar(2 ** 70)


def wrap_add(x, y, bits):
    return Liar(2 ** 70)


def wrap_mul(x, y, bits):
    return Liar(2 ** 70)


def saturate(value, bits, symmetric=False):
    return Liar(2 ** 70)


def q_range(m, n):
    return LiarTuple((LiarFloat(0.3),))


def q_encode(x, m, n, rounding="nearest_even"):
    return Liar(2 ** 70)


def q_decode(code, m, n):
    return LiarFloat(0.3)
