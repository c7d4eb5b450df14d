"""Malicious: answers with objects that claim to equal anything (__eq__ always True, a dict and
a list that equal everything, strings that fake their length). Only their plain value may reach
the grader, and it is wrong."""


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
        return 8

    __hash__ = str.__hash__


class LiarDict(dict):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


class LiarList(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


HAND_V = LiarStr("")
HAND_W = LiarStr("")


def encode_e4m3fn(x, saturate=False):
    return Liar(300)


def decode_e4m3fn(code):
    return LiarFloat(12345.0)


def encode_e5m2(x, saturate=False):
    return Liar(300)


def decode_e5m2(code):
    return LiarFloat(12345.0)


def encode_fp16(x):
    return Liar(70000)


def decode_fp16(code):
    return LiarFloat(12345.0)


def encode_bf16(x):
    return Liar(70000)


def decode_bf16(code):
    return LiarFloat(12345.0)


def format_info(exp_bits, man_bits, nan_style):
    return LiarDict()


def which_formats_hold(x):
    return LiarList()
