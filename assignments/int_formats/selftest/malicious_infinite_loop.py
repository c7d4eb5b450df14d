"""Malicious (or just broken): every function spins forever, and so does reading a hand
answer; the per-call timeout must stop it and grading must go on."""


def _spin():
    n = 0
    while True:
        n += 1


def __getattr__(name):          # module-level __getattr__: HAND_INT8 / HAND_Q34 spin too
    if name.startswith("HAND_"):
        _spin()
    raise AttributeError(name)


def encode_bits(value, bits):
    _spin()


def decode_bits(s, bits):
    _spin()


def to_unsigned(value, bits):
    _spin()


def from_unsigned(pattern, bits):
    _spin()


def wrap(value, bits):
    _spin()


def wrap_add(x, y, bits):
    _spin()


def wrap_mul(x, y, bits):
    _spin()


def saturate(value, bits, symmetric=False):
    _spin()


def q_range(m, n):
    _spin()


def q_encode(x, m, n, rounding="nearest_even"):
    _spin()


def q_decode(code, m, n):
    _spin()
