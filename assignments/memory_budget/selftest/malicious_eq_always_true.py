"""Malicious: returns int and tuple subclasses that claim to equal everything, and a str subclass
for the roofline's verdict."""


class LiarInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class LiarFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class LiarTuple(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


class LiarStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


HAND_INT4_BYTES = LiarInt(1)
HAND_INT4_GIB = LiarFloat(1.0)
HAND_TRAIN_BYTES = LiarInt(1)
HAND_TRAIN_GB = LiarFloat(1.0)


def _pair(*args, **kwargs):
    return LiarTuple((LiarInt(1), LiarInt(1)))


def weight_bytes(*args, **kwargs):
    return LiarInt(1)


training_bytes = weight_bytes
matmul_intensity = attention_intensity = elementwise_intensity = _pair
decode_tokens_per_s = energy_pj = _pair


def roofline(intensity, device):
    return LiarTuple((_pair(), _pair(), LiarStr("compute")))
