"""group_int4 — group-wise INT4 weight quantization.

Fill in every function below (each one raises NotImplementedError until you do). The contract
is in the statement; the essentials are repeated in each docstring.

Inputs and outputs are torch.Tensors. Do not use optimum.quanto, bitsandbytes, torchao,
torch.ao or torch.quantization: the point is to do the quantization by hand.

Check your work locally with:   ulp check group_int4 group_int4.py
"""

import torch


def pack_int4(codes):
    """Pack 4-bit codes two to a byte.

    codes: uint8 tensor [..., n] with every value in 0..15 and n even.
    Returns uint8 [..., n // 2] where byte j holds code 2j in its LOW nibble (bits 0-3) and
    code 2j+1 in its HIGH nibble (bits 4-7):  byte = codes[2j] | (codes[2j+1] << 4).
    Raises ValueError if n is odd or a code is outside 0..15.
    """
    raise NotImplementedError("pack_int4 is not written yet")


def unpack_int4(packed):
    """Inverse of pack_int4: uint8 [..., m] -> uint8 [..., 2m] of codes 0..15."""
    raise NotImplementedError("unpack_int4 is not written yet")


def quantize_int4(w, group_size: int = 128, symmetric: bool = False):
    """Quantize a 2-D weight [rows, cols] (float32, float16 or bfloat16) group-wise to INT4.

    Groups are group_size consecutive elements along the last dim. Work in float32.
    Asymmetric (default), per group g:
        lo = min(0, min(g)), hi = max(0, max(g)), scale = (hi - lo) / 15,
        zero = clamp(round(-lo / scale), 0, 15), code = clamp(round(w / scale) + zero, 0, 15)
    Symmetric:
        scale = max(|g|) / 7, q = clamp(round(w / scale), -8, 7), code = q & 0xF, zero is None
    round is round-half-to-even (torch.round); an all-zero group gets scale 1.0.

    Returns (packed, scale, zero): packed uint8 [rows, cols // 2] (see pack_int4), scale
    float32 [rows, cols // group_size], zero uint8 [rows, cols // group_size] or None.
    Raises ValueError if w is not 2-D, if group_size is not a positive even number, or if
    cols % group_size != 0.
    """
    raise NotImplementedError("quantize_int4 is not written yet")


def dequantize_int4(packed, scale, zero, group_size: int = 128):
    """float32 [rows, cols] weights: (code - zero) * scale per group, or q * scale with q the
    signed (two's-complement) nibble when zero is None."""
    raise NotImplementedError("dequantize_int4 is not written yet")


def int4_linear(x, packed, scale, zero, group_size: int = 128):
    """x @ W.T with W = dequantize_int4(packed, scale, zero, group_size).

    x is [..., cols]; returns [..., rows] in x's dtype.
    """
    raise NotImplementedError("int4_linear is not written yet")
