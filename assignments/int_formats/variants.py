"""Per-student values for int_formats' hand part.

v_int8 is a negative integer in [-127, -2]: in INT8's range, with a two's complement encoding
that is neither all ones (-1) nor the lone sign bit (-128).
v_q34 is a negative multiple of 1/16 in [-127/16, -1/16] that is not a whole number, so its
Q3.4 code k = 16 * v_q34 uses the fraction bits. Its shortest repr (what the statement prints)
is its exact decimal expansion, with at most four digits after the point (1/16 = 0.0625).

The numbers the statement works out in full (-13, -100; -2.6875 = -43/16, -5.4375 = -87/16)
are never drawn, and the class's defaults are none of them.
"""

SHOWN_INT8 = {-13, -100}
SHOWN_Q34_CODES = {-43, -87}

DEFAULTS = {"v_int8": -37, "v_q34": -3.3125}


def draw(rng):
    v_int8 = rng.choice([v for v in range(-127, -1) if v not in SHOWN_INT8])
    k = rng.choice([k for k in range(-127, 0) if k % 16 != 0 and k not in SHOWN_Q34_CODES])
    return {"v_int8": v_int8, "v_q34": k / 16}
