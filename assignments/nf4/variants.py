"""Per-student values for the hand part of nf4: the memory cost of the quantization constants.

b1 is the block size of the first (4-bit) quantization, b2 that of the double quantization of
its absmax constants; rows x cols is the weight matrix. rows * cols is a multiple of b1 * b2, so
there are no partial blocks, and every answer is exact: 32 / b1 and 8 / b1 + 32 / (b1 * b2) are
short binary fractions, and the bytes saved are a whole number. QLoRA's own choice (64, 256) is
the statement's worked example, so no student draws it.
"""

DEFAULTS = {"b1": 128, "b2": 256, "rows": 4096, "cols": 11008}


def draw(rng):
    return {"b1": rng.choice([32, 128, 256]), "b2": rng.choice([64, 128, 512, 1024]),
            "rows": rng.choice([1024, 2048, 4096, 8192]),
            "cols": rng.choice([1024, 4096, 8192, 11008, 14336])}
