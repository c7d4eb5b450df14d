"""Wrong everywhere: every function has the contract's signature and returns the right type
(encode_bits a str of the right length, q_range a tuple of three floats, q_decode a float, the
rest ints), the hand answers have the right form (8 characters '0'/'1'), but every value is
wrong on some input each test sends, and nothing ever raises (raising is the right answer for
the bad inputs). It must score zero: the type or the form alone earns nothing."""

# Positive patterns: never the encoding of the negative numbers the course draws.
HAND_INT8 = "00000000"
HAND_Q34 = "00000000"


def encode_bits(value, bits):
    return "1" * int(bits)          # the pattern of -1, whatever the value


def decode_bits(s, bits):
    return 1


def to_unsigned(value, bits):
    return 1


def from_unsigned(pattern, bits):
    return 1


def wrap(value, bits):
    return 1


def wrap_add(x, y, bits):
    return 1


def wrap_mul(x, y, bits):
    return 1


def saturate(value, bits, symmetric=False):
    return 1


def q_range(m, n):
    return (-1.0, 1.0, 1.0)         # not the range of any valid Qm.n


def q_encode(x, m, n, rounding="nearest_even"):
    return 3


def q_decode(code, m, n):
    return 0.25 + 2.0 ** -40        # no Qm.n of at most 32 bits holds this value
