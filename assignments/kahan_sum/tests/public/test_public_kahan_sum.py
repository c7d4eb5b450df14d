"""Public tests of kahan_sum: exact float32 results, the return type, the textbook error bounds
and the TypeError for bad inputs, for each of naive_sum, kahan_sum and neumaier_sum.

The return-type tests check the value too (type first, then value, in the same test): a
numpy.float32 holding a wrong sum earns nothing there.

Each test calls exactly one of the three functions, so a bug in one loses only its own points.
The oracle is the contract's loop, written with np.float32 scalars (kahan_strategies.py).
"""

import numpy as np
import pytest
from hypothesis import example, given, settings

from autograder.testing import points
from kahan_strategies import (ORACLES, as_real, check_error_bound, float32_arrays,
                              same_value, show_array, show_value)

_arr = (lambda v: np.array(v, dtype=np.float32))

# Cases where the float32 result differs from float64 accumulation, or where the three differ.
CANCEL = _arr([1e8, 1.0, -1e8])                       # naive 0, Kahan 0, Neumaier 1
CANCEL2 = _arr([1.5, 2.0 ** 25, -2.0 ** 25])          # naive 0, Kahan 2, Neumaier 1.5
TIE = _arr([2.0 ** 24, 1.0, 1.0])                     # naive 2**24 (float64 would give 2**24+2)
NEUMAIER32 = _arr([1.0, 1.0, 2.0 ** -24, 2.0 ** 25])  # Neumaier 2**25 (float64 gives 2**25+4)
MANY_SMALL = _arr([1.0] + [1.5 * 2.0 ** -24] * 50 + [-1.0])


def check_value(name, x, answer):
    """The answer equals the contract's loop done in float32 (compared as values)."""
    got = as_real(name, answer)
    want = float(ORACLES[name](x))
    if not same_value(got, want):
        raise AssertionError(
            f"{name}(x) for x = {show_array(x)} returned {show_value(got)}, expected "
            f"{show_value(np.float32(want))}: the result of the contract's loop done in float32 "
            f"arithmetic, in order (float64 or any other order rounds differently)")


def check_exact(sub, name, x):
    check_value(name, x, getattr(sub, name)(x))


def check_type(sub, name, x):
    """The answer is a numpy.float32 (checked first, with its own message) holding the right
    value: the type earns nothing on its own, so a wrong sum of the right type fails here too."""
    got = getattr(sub, name)(x)
    if type(got) is not np.float32:
        raise AssertionError(
            f"{name}(x) for x = {show_array(x)} returned a {type(got).__name__} ({got!r}); "
            f"it must return a numpy.float32 (also for an empty or one-element array)")
    check_value(name, x, got)


def check_rejects(sub, name):
    bad = [
        (np.array([1.0, 2.0], dtype=np.float64), "a float64 array"),
        (np.array([], dtype=np.float64), "an empty float64 array"),
        (np.array([1.0, 2.0], dtype=np.float16), "a float16 array"),
        (np.array([1, 2], dtype=np.int32), "an int32 array"),
        (np.ones((2, 2), dtype=np.float32), "a 2-D float32 array"),
        (np.ones((1, 3), dtype=np.float32), "a 2-D float32 array of one row"),
        ([1.0, 2.0], "a list"),
    ]
    for value, what in bad:
        try:
            got = getattr(sub, name)(value)
        except TypeError:
            continue
        except Exception as e:  # the student's function raised another exception class
            kind = next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")
            pytest.fail(f"{name}({value!r}) raised {kind}: {e}; for {what} it must "
                        f"raise TypeError (only a 1-D float32 ndarray is accepted)")
        pytest.fail(f"{name}({value!r}) returned {got!r}; for {what} it must raise TypeError "
                    f"(only a 1-D float32 ndarray is accepted)")


# ------------------------------------------------------------------------------- naive_sum

@points(3)
@given(x=float32_arrays(40))
@example(x=CANCEL)
@example(x=TIE)
@example(x=_arr([0.1] * 10))
@example(x=_arr([]))
def test_naive_sum_exact(sub, x):
    """naive_sum equals left-to-right float32 summation, bit for bit."""
    check_exact(sub, "naive_sum", x)


@points(1)
@settings(max_examples=20)
@given(x=float32_arrays(4))
@example(x=_arr([]))
@example(x=_arr([2.5]))
@example(x=CANCEL)
@example(x=CANCEL2)
@example(x=TIE)
def test_naive_sum_returns_float32(sub, x):
    """naive_sum returns a numpy.float32 holding the exact result, for every length including 0 and 1."""
    check_type(sub, "naive_sum", x)


@points(2)
@settings(max_examples=50)
@given(x=float32_arrays(120))
@example(x=MANY_SMALL)
def test_naive_sum_error_bound(sub, x):
    """|naive_sum(x) - S| <= (n-1)·u·Σ|x| with u = 2**-24 (S the exact sum)."""
    check_error_bound("naive_sum", as_real("naive_sum", sub.naive_sum(x)), x)


@points(1)
def test_naive_sum_rejects_bad_input(sub):
    """naive_sum raises TypeError for anything but a 1-D float32 ndarray."""
    check_rejects(sub, "naive_sum")


# ------------------------------------------------------------------------------- kahan_sum

@points(3)
@given(x=float32_arrays(40))
@example(x=CANCEL)
@example(x=CANCEL2)
@example(x=TIE)
@example(x=MANY_SMALL)
@example(x=_arr([]))
def test_kahan_sum_exact(sub, x):
    """kahan_sum equals Kahan's loop (y = v - c; t = s + y; c = (t - s) - y; s = t) in float32."""
    check_exact(sub, "kahan_sum", x)


@points(1)
@settings(max_examples=20)
@given(x=float32_arrays(4))
@example(x=_arr([]))
@example(x=_arr([2.5]))
@example(x=CANCEL)
@example(x=CANCEL2)
@example(x=TIE)
def test_kahan_sum_returns_float32(sub, x):
    """kahan_sum returns a numpy.float32 holding the exact result, for every length including 0 and 1."""
    check_type(sub, "kahan_sum", x)


@points(2)
@settings(max_examples=50)
@given(x=float32_arrays(120))
@example(x=_arr([1.0, 1.0]))
@example(x=MANY_SMALL)
def test_kahan_sum_error_bound(sub, x):
    """|kahan_sum(x) - S| <= (2u + 16·n·u²)·Σ|x| with u = 2**-24 (S the exact sum)."""
    check_error_bound("kahan_sum", as_real("kahan_sum", sub.kahan_sum(x)), x)


@points(1)
def test_kahan_sum_rejects_bad_input(sub):
    """kahan_sum raises TypeError for anything but a 1-D float32 ndarray."""
    check_rejects(sub, "kahan_sum")


# ---------------------------------------------------------------------------- neumaier_sum

@points(3)
@given(x=float32_arrays(40))
@example(x=CANCEL)
@example(x=CANCEL2)
@example(x=NEUMAIER32)
@example(x=_arr([1.0, 2.0 ** 30, -2.0 ** 30]))
@example(x=_arr([]))
def test_neumaier_sum_exact(sub, x):
    """neumaier_sum equals the Kahan-Babuska-Neumaier loop in float32, including the final s + c."""
    check_exact(sub, "neumaier_sum", x)


@points(1)
@settings(max_examples=20)
@given(x=float32_arrays(4))
@example(x=_arr([]))
@example(x=_arr([2.5]))
@example(x=CANCEL)
@example(x=CANCEL2)
@example(x=TIE)
def test_neumaier_sum_returns_float32(sub, x):
    """neumaier_sum returns a numpy.float32 holding the exact result, for every length including 0 and 1."""
    check_type(sub, "neumaier_sum", x)


@points(2)
@settings(max_examples=50)
@given(x=float32_arrays(120))
@example(x=CANCEL)
@example(x=_arr([1.0, 2.0 ** 30, -2.0 ** 30]))
def test_neumaier_sum_error_bound(sub, x):
    """|neumaier_sum(x) - S| <= u·|S| + γ(n-1)²·Σ|x|, γ(k) = k·u/(1-k·u), u = 2**-24."""
    check_error_bound("neumaier_sum", as_real("neumaier_sum", sub.neumaier_sum(x)), x)


@points(1)
def test_neumaier_sum_rejects_bad_input(sub):
    """neumaier_sum raises TypeError for anything but a 1-D float32 ndarray."""
    check_rejects(sub, "neumaier_sum")
