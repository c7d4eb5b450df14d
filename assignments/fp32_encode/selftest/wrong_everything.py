"""Wrong everywhere: every function has the contract's signature and returns the right type
(encode_* an int, decode_* a float, fp32_fields a tuple of three ints), the hand answers have
the right form (strings of '0' and '1' of lengths 1, 8 and 23), but every value is wrong; and
nothing raises ValueError for a bad input (raising is the right answer there). It must score
zero: the type or the form alone earns nothing."""

# Wrong for every v the course draws: v is never 0, so its biased exponent is never 0 and its
# fraction never all zeros (its first and last significant bits are 1, with at least 2 bits).
HAND_SIGN = "0"
HAND_EXPONENT = "00000000"
HAND_MANTISSA = "00000000000000000000000"

WRONG_BITS = 0x12345678    # an int of 32 bits, but not the pattern of the x asked about
WRONG_VALUE = 12345.678    # a float, but not a value that FP32 or FP16 holds


def encode_fp32(x):
    return WRONG_BITS


def decode_fp32(bits):
    return WRONG_VALUE


def fp32_fields(x):
    return (0, 0, 0)       # exponent field 0: never right for the normal x the tests send


def encode_float(x, exp_bits, man_bits):
    return WRONG_BITS


def decode_float(bits, exp_bits, man_bits):
    return WRONG_VALUE
