"""Per-student values for quanto_inference's hand part: one packed byte of a qint4 weight.

The student gets a layer of TinyNet (its weight shape and quanto's group size), the position
(i, j) of one byte in the packed data, the byte, and the scale and shift of the two groups whose
codes it holds. Scales are k / 1024 and shifts m / 256 with small k and m, so both decoded
values, scale * q - shift, are multiples of 2**-10: exact in float32 and short in decimal.
"""

# (layer, out_features, in_features, group size or None) for the layers of TinyNet
LAYOUTS = [("block.down", 128, 256, 128), ("head", 32, 192, 96),
           ("proj", 192, 128, None), ("embed", 128, 64, None)]

DEFAULTS = {"layer": "block.down", "out": 128, "inf": 256, "group": 128, "i": 22, "j": 32,
            "byte": 0xB3, "scale_lo": 21 / 1024, "shift_lo": 56 / 256,
            "scale_hi": 37 / 1024, "shift_hi": 35 / 256}


def draw(rng):
    layer, out_f, in_f, group = rng.choice(LAYOUTS)
    cols = in_f if group is None else group
    half = (out_f * in_f // cols + 1) // 2
    return {"layer": layer, "out": out_f, "inf": in_f, "group": group,
            "i": rng.randrange(half), "j": rng.randrange(cols), "byte": rng.randrange(256),
            "scale_lo": rng.randint(8, 64) / 1024, "shift_lo": rng.randint(1, 160) / 256,
            "scale_hi": rng.randint(8, 64) / 1024, "shift_hi": rng.randint(1, 160) / 256}

