"""One 16-bit pattern, two formats"""

import random
import struct

from autograder.course.quiz import Number

TEXT = """\
The same 16 bits mean different numbers in FP16 and in BF16. Read the pattern
**{{ hex }}** (in binary `{{ bits }}`, the sign bit first) once as an FP16 (IEEE 754 binary16)
value and once as a BF16 (bfloat16) value. Both readings are normal numbers (no zero, subnormal,
infinity or NaN). Give each value exactly, as a decimal (`-0.40625`) or as `m * 2^e` with a
decimal `m` (`"-1.625 * 2^-2"`), or to at least 5 significant figures."""



def _parameters(pattern: int) -> dict:
    bits = format(pattern, "016b")
    return {"hex": f"0x{pattern:04X}", "bits": " ".join(bits[i:i + 4] for i in range(0, 16, 4))}


DEFAULTS = _parameters(0xC150)  # FP16 -2.65625, BF16 -13.0


def draw(rng: random.Random) -> dict:
    """Sign either way; the FP16 exponent field 14..17 (values 0.5 to 8), so the BF16 exponent
    field (the same top bits and three more) is 112..143 (values 2^-15 to 2^17): both normal.
    The low 4 bits are 0, so FP16 needs at most 6 fraction bits and BF16 at most 3; BF16's 3
    are not all 0 (nor then FP16's), so neither reading is a bare power of two."""
    sign = rng.randint(0, 1)
    exponent = rng.randint(14, 17)
    fraction = rng.choice([k for k in range(64) if k % 8]) << 4
    return _parameters(sign << 15 | exponent << 10 | fraction)


def answer(hex, bits):
    pattern = int(hex, 16)
    fp16 = struct.unpack(">e", pattern.to_bytes(2, "big"))[0]
    bf16 = struct.unpack(">f", (pattern << 16).to_bytes(4, "big"))[0]  # BF16: FP32's top half
    if not (2.0**-14 <= abs(fp16) <= 65504 and 2.0**-126 <= abs(bf16) < 2.0**128):
        raise ValueError(f"{hex} is not normal in both formats (FP16 {fp16}, BF16 {bf16})")
    if abs(fp16) in (abs(bf16), 2 * abs(bf16), abs(bf16) / 2):
        raise ValueError(f"{hex} reads as {fp16} and {bf16}: too alike to tell mistakes apart")
    return {"fp16": Number(fp16, sig=5, points=2), "bf16": Number(bf16, sig=5, points=2)}
