"""Every answer wrong, every type right: each function returns arrays of exactly the dtype and
shape of the contract with wrong values, and raises for no input (raising is the right answer
for bad input). It must score zero: no test may give points for types alone."""
import numpy as np

HAND_BITS_PLAIN = 0.5
HAND_BITS_DQ = 0.127
HAND_BYTES_SAVED = 782336


def nf_codebook(bits=4):
    n = 2 ** bits if isinstance(bits, int) and 0 < bits < 12 else 16
    return np.linspace(-1, 1, n).astype(np.float32)      # uniform, no exact 0


def nearest_code(y, codebook):
    # one index too high (wrapping at the end)
    cb = np.asarray(codebook, dtype=np.float64)
    k = np.argmin(np.abs(np.asarray(y, np.float64)[:, None] - cb[None, :]), axis=1)
    return ((k + 1) % max(len(cb), 1)).astype(np.uint8)


def quantize_blockwise(x, codebook, block_size=64):
    n = len(x)
    bs = block_size if isinstance(block_size, int) and block_size > 0 else 1
    nb = max(1, -(-n // bs))
    return np.zeros(n, dtype=np.uint8), np.full(nb, 3.0, dtype=np.float32)


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    return np.full(len(codes), 1.5, dtype=np.float32)


def pack_nibbles(codes):
    c = np.asarray(codes, dtype=np.uint8) & 15
    c = np.concatenate([c, np.zeros(len(c) % 2, np.uint8)])
    return (~((c[0::2] << 4) | c[1::2])).astype(np.uint8)


def unpack_nibbles(packed, n):
    p = np.asarray(packed, dtype=np.uint8)
    out = np.stack([(p >> 4) ^ 1, (p & 15) ^ 1], axis=1).reshape(-1)
    return np.resize(out, max(n, 0)).astype(np.uint8)


def double_quantize(absmax, block_size=256):
    m = max(len(absmax), 1)
    bs = block_size if isinstance(block_size, int) and block_size > 0 else 1
    return (np.full(m, 5, dtype=np.int8), np.full(-(-m // bs), 7.0, dtype=np.float32),
            np.float32(-1.0))


def double_dequantize(q, scale, mean, block_size=256):
    return np.full(len(q), -2.0, dtype=np.float32)
