"""Hidden tests of kahan_sum: long arrays (up to 4096 terms) and hand-picked hard cases
(cancellation, ties, subnormals, the Neumaier branch at |s| == |v|), bit for bit against the
reference. One function per test, so a bug loses only the points of its own function."""

import sys
from pathlib import Path

from hypothesis import given, settings

from autograder.testing import points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "public"))
from kahan_strategies import HARD_CASES, as_real, long_arrays, show_array, show_value  # noqa: E402


def check_against_ref(sub, ref, name, x):
    got = as_real(name, getattr(sub, name)(x))
    want = float(getattr(ref, name)(x))
    if got != want:
        raise AssertionError(f"{name}(x) for x = {show_array(x)} returned {show_value(got)}, "
                             f"expected {show_value(want)}")


def check_hard_cases(sub, ref, name):
    for x in HARD_CASES:
        check_against_ref(sub, ref, name, x)


@points(2)
@settings(max_examples=25)
@given(x=long_arrays())
def test_hidden_naive_sum_long_arrays(sub, ref, x):
    """naive_sum is exact on long arrays (500 to 4096 terms)."""
    check_against_ref(sub, ref, "naive_sum", x)


@points(1)
def test_hidden_naive_sum_hard_cases(sub, ref):
    """naive_sum is exact on hand-picked hard cases."""
    check_hard_cases(sub, ref, "naive_sum")


@points(2)
@settings(max_examples=25)
@given(x=long_arrays())
def test_hidden_kahan_sum_long_arrays(sub, ref, x):
    """kahan_sum is exact on long arrays (500 to 4096 terms)."""
    check_against_ref(sub, ref, "kahan_sum", x)


@points(1)
def test_hidden_kahan_sum_hard_cases(sub, ref):
    """kahan_sum is exact on hand-picked hard cases."""
    check_hard_cases(sub, ref, "kahan_sum")


@points(2)
@settings(max_examples=25)
@given(x=long_arrays())
def test_hidden_neumaier_sum_long_arrays(sub, ref, x):
    """neumaier_sum is exact on long arrays (500 to 4096 terms)."""
    check_against_ref(sub, ref, "neumaier_sum", x)


@points(1)
def test_hidden_neumaier_sum_hard_cases(sub, ref):
    """neumaier_sum is exact on hand-picked hard cases."""
    check_hard_cases(sub, ref, "neumaier_sum")
