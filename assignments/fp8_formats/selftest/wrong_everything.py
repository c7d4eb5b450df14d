"""Wrong everywhere: every function has the contract's signature and returns the right type
(encoders an int code in range, decoders a float, format_info a dict with the right keys and
types, which_formats_hold a list of str), the hand answers have the right form (8 characters
'0'/'1'), but every value is wrong; and nothing raises ValueError for a bad input (raising is
the right answer there). It must score zero: the type or the form alone earns nothing."""

# Wrong for every v and w the course draws: neither is ever +0 or -0.
HAND_V = "00000000"
HAND_W = "10000000"


def encode_e4m3fn(x, saturate=False):
    return 0x42              # 5.0: a valid code, but not the one asked for


def decode_e4m3fn(code):
    return 12345.678


def encode_e5m2(x, saturate=False):
    return 0x42


def decode_e5m2(code):
    return 12345.678


def encode_fp16(x):
    return 0x4242


def decode_fp16(code):
    return 12345.678


def encode_bf16(x):
    return 0x4242


def decode_bf16(code):
    return 12345.678


def format_info(exp_bits, man_bits, nan_style):
    return {"bias": 0, "max_finite": 1.0, "min_normal": 1.0, "min_subnormal": 1.0,
            "epsilon": 1.0, "unit_roundoff": 1.0, "decimal_digits": 0, "has_infinity": False,
            "nan_codes": 0}


def which_formats_hold(x):
    return ["fp16"]         # fp32 always holds a float32 value: never right
