"""nf4 — NormalFloat 4-bit (QLoRA): the code book, block-wise absmax and double quantization.

Fill in the three constants of the hand part and every function below (each raises
NotImplementedError until you do). The contract is in the statement; the essentials are repeated
in each docstring.

Use NumPy and the standard library (statistics.NormalDist().inv_cdf for the inverse normal CDF).
Do not use bitsandbytes or scipy: the point is to build NF4 yourself.

Check your work locally with:   ulp check nf4 nf4.py
"""

import numpy as np
from statistics import NormalDist

# Part 1 (by hand): the memory of the quantization constants for YOUR block sizes b1, b2 and
# YOUR rows x cols matrix (see the statement). Exact values.
HAND_BITS_PLAIN = 0.0     # float: bits per parameter of one float32 absmax per block of b1
HAND_BITS_DQ = 0.0        # float: bits per parameter with double quantization (8/b1 + 32/(b1 b2))
HAND_BYTES_SAVED = 0      # int: bytes double quantization saves on the rows x cols matrix


def nf_codebook(bits=4):
    """The NF code book: a float32 ndarray of 2**bits values, ascending, from -1.0 to 1.0.

    N = 2**bits, h = N // 2, offset = 1 - (1/(2(N-1)) + 1/(2N)) / 2 (929/960 for 4 bits).
    h positive values Phi^-1(p) for p = offset + (1/2 - offset) i / h, i = 0..h-1;
    h - 1 negative values -Phi^-1(p) for p = offset + (1/2 - offset) i / (h-1), i = 0..h-2;
    and 0.0. Divide all by Phi^-1(offset), sort ascending; float64, rounded once to float32.
    Raises ValueError unless bits is an int (not a bool) from 2 to 8.
    """
    raise NotImplementedError("nf_codebook is not written yet")


def nearest_code(y, codebook):
    """uint8 ndarray of len(y): the index of the code nearest to each y[j], exactly;
    the LOWER index when y[j] is exactly halfway between two codes.

    y: 1-D float32 ndarray; codebook: 1-D float32 ndarray, strictly increasing.
    Raises ValueError if the code book has fewer than 2 (or more than 256) values or is not
    strictly increasing.
    """
    raise NotImplementedError("nearest_code is not written yet")


def quantize_blockwise(x, codebook, block_size=64):
    """Block-wise absmax quantization: returns (codes, absmax).

    x: 1-D float32 ndarray of n >= 1 values, cut into blocks of block_size consecutive values
    (the last block is shorter when block_size does not divide n).
    absmax: float32 ndarray [ceil(n / block_size)], max|x| of each block.
    codes: uint8 ndarray [n], nearest_code(x / absmax) with the block's absmax; in an all-zero
    block (absmax 0) every code is the index nearest to 0.0.
    Raises ValueError for an empty or non-1-D x, or a block_size that is not a positive int.
    """
    raise NotImplementedError("quantize_blockwise is not written yet")


def dequantize_blockwise(codes, absmax, codebook, block_size=64):
    """float32 ndarray [n]: absmax[j // block_size] * codebook[codes[j]], one float32 product."""
    raise NotImplementedError("dequantize_blockwise is not written yet")


def pack_nibbles(codes):
    """uint8 ndarray [ceil(n / 2)]: byte j = codes[2j] << 4 | codes[2j + 1] (the FIRST code in
    the HIGH nibble); when n is odd the last byte's low nibble is 0.
    codes: 1-D uint8 ndarray. Raises ValueError if a code is above 15.
    """
    raise NotImplementedError("pack_nibbles is not written yet")


def unpack_nibbles(packed, n):
    """uint8 ndarray [n]: the codes of pack_nibbles, high nibble first.
    Raises ValueError unless len(packed) == ceil(n / 2).
    """
    raise NotImplementedError("unpack_nibbles is not written yet")


def double_quantize(absmax, block_size=256):
    """Double quantization of the absmax constants: returns (q, scale, mean).

    mean: numpy.float32, the mean of all the absmax values.
    c = absmax - mean, cut into blocks of block_size (the last may be shorter);
    scale: float32 ndarray [ceil(m / block_size)], max|c| / 127 per block (0.0 if all c are 0);
    q: int8 ndarray [m], round(c / scale) (0 where the scale is 0), in -127..127.
    Raises ValueError for an empty absmax or a block_size that is not a positive int.
    """
    raise NotImplementedError("double_quantize is not written yet")


def double_dequantize(q, scale, mean, block_size=256):
    """float32 ndarray [m]: q[j] * scale[j // block_size] + mean."""
    raise NotImplementedError("double_dequantize is not written yet")
