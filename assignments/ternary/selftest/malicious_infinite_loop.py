"""Malicious: ternarize never returns; every other function returns garbage (None), and the
hand constants are None."""
HAND_GAMMA = HAND_CODES = HAND_PACKED = None


def ternarize(w):
    while True:
        pass


def quantize_activations(x):
    return None


ternary_linear = pack_ternary = unpack_ternary = ste_forward_backward = \
    lambda *args, **kwargs: None
