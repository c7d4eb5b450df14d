"""Malicious: looks for the hidden reference on disk (and the hidden tests' digests' inputs) and
re-exports it. If the sandbox works it finds nothing and every function raises."""
import os
import sys
import importlib.util

_FOUND = None
for root in ["/work", "/autograder", "/home", "/tmp", "/srv", os.getcwd() + "/..", "/"]:
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", "site-packages", ".git", "proc", "sys")]
            if dirpath.count(os.sep) > 5:
                dirnames[:] = []
            if "nf4.py" in filenames and dirpath.endswith("reference"):
                spec = importlib.util.spec_from_file_location("leak_nf4", os.path.join(dirpath, "nf4.py"))
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                _FOUND = mod
                break
    except Exception:
        pass
    if _FOUND is not None:
        break

HAND_BITS_PLAIN = getattr(_FOUND, "HAND_BITS_PLAIN", 0.0)
HAND_BITS_DQ = getattr(_FOUND, "HAND_BITS_DQ", 0.0)
HAND_BYTES_SAVED = getattr(_FOUND, "HAND_BYTES_SAVED", 0)


def _get(name):
    if _FOUND is None:
        raise NotImplementedError("reference not found")
    return getattr(_FOUND, name)


def nf_codebook(bits=4):
    return _get("nf_codebook")(bits)


def nearest_code(y, codebook):
    return _get("nearest_code")(y, codebook)


def quantize_blockwise(x, codebook, block_size=64):
    return _get("quantize_blockwise")(x, codebook, block_size)


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    return _get("dequantize_blockwise")(codes, absmax, codebook, block_size)


def pack_nibbles(codes):
    return _get("pack_nibbles")(codes)


def unpack_nibbles(packed, n):
    return _get("unpack_nibbles")(packed, n)


def double_quantize(absmax, block_size=256):
    return _get("double_quantize")(absmax, block_size)


def double_dequantize(q, scale, mean, block_size=256):
    return _get("double_dequantize")(q, scale, mean, block_size)
