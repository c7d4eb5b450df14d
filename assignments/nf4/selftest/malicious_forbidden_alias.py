"""Malicious: reaches scipy's inverse normal CDF through a computed import (no static name), and
bitsandbytes-style helpers through importlib; the answers would be right for the code book, but
the import machinery itself is forbidden. Everything else goes through the same helper."""
import importlib

_mod = importlib.import_module("sc" + "ipy.special")

HAND_BITS_PLAIN = 0.0
HAND_BITS_DQ = 0.0
HAND_BYTES_SAVED = 0


def _ppf(p):
    return getattr(_mod, "nd" + "tri")(p)


def nf_codebook(bits=4):
    import numpy as np
    N = 2 ** bits
    h = N // 2
    off = 1 - (1 / (2 * (N - 1)) + 1 / (2 * N)) / 2
    top = _ppf(off)
    v = [_ppf(off + (0.5 - off) * i / h) / top for i in range(h)] + [0.0]
    v += [-_ppf(off + (0.5 - off) * i / (h - 1)) / top for i in range(h - 1)]
    return np.array(sorted(v), dtype=np.float32)


def nearest_code(y, codebook):
    _ppf(0.5)
    raise NotImplementedError


quantize_blockwise = dequantize_blockwise = pack_nibbles = unpack_nibbles = nearest_code
double_quantize = double_dequantize = nearest_code
