"""bf16_accumulation: BF16 dot products, and why the accumulator must be FP32.

BF16 is the top 16 bits of a float32 (sign, 8-bit exponent, 7 fraction bits). Every function
works on numpy float32 values and emulates BF16 exactly with float32 arithmetic and bit
manipulation (view a float32 array as np.uint32). See the statement for the full contract:
types, the exact order of every operation, the errors to raise.

Forbidden: ml_dtypes, torch, jax, tensorflow (any library bfloat16 type does the rounding for
you); numpy.dot/vdot/inner/matmul/einsum/tensordot/sum, numpy.add.reduce, numpy.linalg,
math.fsum, math.sumprod, any .dot or .sum attribute and the @ operator (they reduce in an
order and precision you do not control); eval/exec/__import__.

Check locally with:  ulp check bf16_accumulation bf16_accumulation.py
"""

import numpy as np

# Part 1, by hand (see the statement for your own S, t and t2). Python floats.
HAND_STEP = None    # the BF16 result of one accumulation step: bf16(S + t)
HAND_STALL = None   # the BF16 stall point of the constant term t2


def round_to_bf16(x):
    """Round float32 to BF16: round to nearest, ties to even, on the bit pattern.

    x: a numpy.ndarray of dtype float32 (any shape, 0-d and empty included) -> a new float32
       ndarray of the same shape; or a numpy.float32 scalar -> a numpy.float32 scalar.
    Every result is a BF16 value (low 16 bits of its pattern zero), kept in float32.
    Values past the largest BF16 round to +-inf; +-inf stay; a NaN gives a NaN; -0.0 stays -0.0.
    Anything else (a float64 array, a Python float, a list...) raises TypeError.

    round_to_bf16(np.float32(1 + 2**-8)) == 1.0          (a tie: 1.0 is even)
    round_to_bf16(np.float32(1 + 3 * 2**-8)) == 1 + 2**-6  (a tie: rounds up to even)
    """
    raise NotImplementedError("round_to_bf16: keep the top 16 bits, rounded to nearest even")


def dot_bf16(x, y) -> np.float32:
    """Dot product with BF16 products and a BF16 accumulator.

        acc = +0.0
        for i in 0 .. n-1:
            p = bf16(x[i] * y[i])      # float32 multiply, then round to BF16
            acc = bf16(acc + p)        # float32 add, then round to BF16
        return acc                     # a numpy.float32 holding a BF16 value

    x, y: 1-D float32 ndarrays of the same length, every element a BF16 value.
    TypeError if either is not a 1-D float32 ndarray; ValueError for different lengths or an
    element that is not a BF16 value.
    """
    raise NotImplementedError("dot_bf16: round every product and every partial sum to BF16")


def dot_fp32(x, y) -> np.float32:
    """Dot product with an FP32 accumulator: acc = +0.0; acc = acc + x[i] * y[i], in float32,
    i = 0 .. n-1 in order. Same inputs and errors as dot_bf16."""
    raise NotImplementedError("dot_fp32: float32 products, float32 accumulator, left to right")


def dot_blocked(x, y, block) -> np.float32:
    """Blocked FP32 dot product: the products are cut into chunks of `block` consecutive
    products (the last may be shorter); each chunk is summed in FP32 from +0.0, left to right;
    the chunk sums are added in FP32 from +0.0, in chunk order.

    block: a Python int >= 1 (TypeError if not an int, ValueError if < 1); x, y as dot_bf16.
    """
    raise NotImplementedError("dot_blocked: FP32 chunk sums, combined in FP32, in order")


def accumulate_bf16(w, updates) -> np.float32:
    """A BF16 running value: for t in updates: w = bf16(w + t)  (float32 add, then round).

    w: a numpy.float32 holding a BF16 value (ValueError if it is not one).
    updates: a 1-D float32 ndarray of any float32 values (TypeError otherwise).
    Returns the final w as a numpy.float32.
    """
    raise NotImplementedError("accumulate_bf16: add in float32, round to BF16, every update")


def stall_point(t, accumulator) -> np.float32:
    """Where the running sum S <- fl(S + t), S = +0.0, stops changing (fl: round to BF16 for
    accumulator == "bf16", float32 addition for "fp32"). Returns it as a numpy.float32.

    t: a numpy.float32, finite, |t| <= 2**100, and a BF16 value when accumulator == "bf16".
    ValueError otherwise, and for an accumulator other than "bf16" or "fp32".
    Simulating the FP32 case takes up to 2**24 steps: derive it (see the statement).
    """
    raise NotImplementedError("stall_point: the first S with fl(S + t) == S")
