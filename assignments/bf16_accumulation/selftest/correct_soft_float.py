"""Correct: a soft-float. Values are exact rationals (fractions.Fraction) or the IEEE specials,
and every operation rounds the exact result once, by integer arithmetic, to p significant bits
(24 for float32, 8 for BF16) on the format's grid (subnormals at 2**-149 / 2**-133), with
overflow to inf. round_to_bf16 works on Python ints taken from the bit patterns. No float
arithmetic decides any result."""
from fractions import Fraction

import numpy as np

INF, NAN = float("inf"), float("nan")
EMIN = -126                                        # both formats: the smallest normal exponent


def _max_finite(p):
    return (2 - Fraction(1, 2 ** (p - 1))) * Fraction(2) ** 127


def _round(q, p):
    """Exact Fraction q rounded to nearest-even with p significant bits; overflow to inf."""
    if not isinstance(q, Fraction):                # inf or NaN pass through
        return q
    if q == 0:
        return Fraction(0)
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()   # 2**e <= a < 2**(e+1) ...
    if Fraction(2) ** e > a:
        e -= 1                                                  # ... after this fix-up
    quantum = Fraction(2) ** (max(e, EMIN) - (p - 1))
    n, rest = divmod(a, quantum)
    if rest * 2 > quantum or (rest * 2 == quantum and n % 2 == 1):
        n += 1
    r = n * quantum
    if r > _max_finite(p):
        return INF if q > 0 else -INF
    return r if q > 0 else -r


def _value(v: float):
    """A float as an exact Fraction, or the special itself."""
    if v != v or v in (INF, -INF):
        return v
    return Fraction(v)


def _is_special(a):
    return not isinstance(a, Fraction)


def _mul(a, b):
    if _is_special(a) or _is_special(b):
        with np.errstate(all="ignore"):
            return float(np.float32(float(a)) * np.float32(float(b))) if a == a and b == b else NAN
    return a * b


def _add(a, b):
    if _is_special(a) or _is_special(b):
        if a != a or b != b:
            return NAN
        fa, fb = float(a), float(b)
        if abs(fa) == INF and abs(fb) == INF and fa != fb:
            return NAN
        return fa if abs(fa) == INF else fb
    return a + b


def _out(a):
    return np.float32(float(a))


def round_to_bf16(x):
    scalar = isinstance(x, np.float32)
    if not scalar and (not isinstance(x, np.ndarray) or x.dtype != np.float32):
        raise TypeError("round_to_bf16 takes a float32 ndarray or a numpy.float32")
    arr = np.array([x], dtype=np.float32) if scalar else x   # (ascontiguousarray makes 0-d 1-d)
    out = []
    for bits in arr.reshape(-1).view(np.uint32).tolist():
        if bits & 0x7F800000 == 0x7F800000 and bits & 0x7FFFFF:   # NaN: quiet it
            out.append((bits & 0xFFFF0000) | 0x00400000)
            continue
        top, low = bits >> 16, bits & 0xFFFF
        if low > 0x8000 or (low == 0x8000 and top & 1):
            top += 1                                # carries into the exponent: overflow is inf
        out.append(top << 16)
    res = np.array(out, dtype=np.uint32).view(np.float32).reshape(arr.shape)
    return res[0] if scalar else res


def _inputs(x, y):
    for v in (x, y):
        if not isinstance(v, np.ndarray) or v.dtype != np.float32 or len(v.shape) != 1:
            raise TypeError("x and y must be 1-D float32 arrays")
    if x.shape != y.shape:
        raise ValueError("x and y must have the same length")
    for v in (x, y):
        if any(b & 0xFFFF for b in v.view(np.uint32).tolist()):
            raise ValueError("every element must be a BF16 value")
    return [_value(v) for v in x.tolist()], [_value(v) for v in y.tolist()]


def dot_bf16(x, y):
    xs, ys = _inputs(x, y)
    acc = Fraction(0)
    for a, b in zip(xs, ys):
        acc = _round(_add(acc, _round(_mul(a, b), 8)), 8)
    return _out(acc)


def dot_fp32(x, y):
    xs, ys = _inputs(x, y)
    acc = Fraction(0)
    for a, b in zip(xs, ys):
        acc = _round(_add(acc, _round(_mul(a, b), 24)), 24)
    return _out(acc)


def dot_blocked(x, y, block):
    xs, ys = _inputs(x, y)
    if type(block) is not int:
        raise TypeError("block must be an int")
    if block <= 0:
        raise ValueError("block must be positive")
    total = Fraction(0)
    for j in range(0, len(xs), block):
        s = Fraction(0)
        for a, b in zip(xs[j:j + block], ys[j:j + block]):
            s = _round(_add(s, _round(_mul(a, b), 24)), 24)
        total = _round(_add(total, s), 24)
    return _out(total)


def accumulate_bf16(w, updates):
    if not isinstance(updates, np.ndarray) or updates.dtype != np.float32 or updates.ndim != 1:
        raise TypeError("updates must be a 1-D float32 array")
    if int(np.array([w], dtype=np.float32).view(np.uint32)[0]) & 0xFFFF:
        raise ValueError("w must be a BF16 value")
    acc = _value(float(w))
    for t in updates.tolist():
        acc = _round(_round(_add(acc, _value(t)), 24), 8)     # float32 sum, then BF16
    return _out(acc)                      # a zero comes back as +0.0: zeros compare as values


def stall_point(t, accumulator):
    p = {"bf16": 8, "fp32": 24}.get(accumulator) if isinstance(accumulator, str) else None
    if p is None:
        raise ValueError("accumulator must be 'bf16' or 'fp32'")
    bits = int(np.array([t], dtype=np.float32).view(np.uint32)[0])
    if bits & 0x7F800000 == 0x7F800000 or abs(Fraction(float(t))) > Fraction(2) ** 100:
        raise ValueError("t must be finite, |t| <= 2**100")
    if p == 8 and bits & 0xFFFF:
        raise ValueError("t is not a BF16 value")
    q = abs(Fraction(float(t))) * 2 ** p
    if q == 0:
        return np.float32(0.0)
    power = Fraction(1)
    while power < q:
        power *= 2
    while power / 2 >= q:
        power /= 2
    return np.float32(float(power) if t > 0 else -float(power))


HAND_STEP = 10.875
HAND_STALL = 32.0
