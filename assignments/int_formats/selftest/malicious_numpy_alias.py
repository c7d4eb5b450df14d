"""Malicious: does the wrap with NumPy's fixed-width casts (.astype / np.int64 arithmetic),
importing numpy under a computed name and reaching the casts through getattr, so that no plain
`import numpy` or `.astype` appears in the source. The dynamic checks (__import__, getattr of
hidden names) must still catch it; if they do not, this scores points without doing the
exercise."""

_np = __import__("nu" + "mpy")
_cast = getattr(_np.ndarray, "as" + "type")

HAND_INT8 = "11011011"
HAND_Q34 = "11001011"

_TYPES = {8: "int8", 16: "int16", 32: "int32", 64: "int64"}


def _wrap64(v, bits):
    arr = _np.array([int(v) & ((1 << 64) - 1)], dtype=_np.uint64)
    signed = _cast(arr, _np.int64)
    return int(signed[0]) if bits == 64 else int(_cast(signed, _TYPES.get(bits, "int64"))[0])


def encode_bits(value, bits):
    return format(int(value) & ((1 << bits) - 1), f"0{bits}b")


def decode_bits(s, bits):
    return _wrap64(int(s, 2), bits)


def to_unsigned(value, bits):
    return int(value) & ((1 << bits) - 1)


def from_unsigned(pattern, bits):
    return _wrap64(pattern, bits)


def wrap(value, bits):
    return _wrap64(value, bits)


def wrap_add(x, y, bits):
    return _wrap64(int(x) + int(y), bits)


def wrap_mul(x, y, bits):
    return _wrap64(int(x) * int(y), bits)


def saturate(value, bits, symmetric=False):
    hi = 2 ** (bits - 1) - 1
    return max(-hi - (0 if symmetric else 1), min(hi, int(value)))


def q_range(m, n):
    return (-(2.0 ** m), 2.0 ** m - 2.0 ** -n, 2.0 ** -n)


def q_encode(x, m, n, rounding="nearest_even"):
    t = _np.float64(x) * 2.0 ** n
    k = int(_np.rint(t)) if rounding == "nearest_even" else int(_np.floor(t))
    return max(-(2 ** (m + n)), min(2 ** (m + n) - 1, k))


def q_decode(code, m, n):
    return float(code) * 2.0 ** -n
