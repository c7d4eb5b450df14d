"""bench/mutation.py makes the one-change mutants it promises, each valid Python, and knows which
public functions reach a private helper (for its leak check)."""

from __future__ import annotations

import ast
import importlib.util
import sys

from helpers import ROOT

_spec = importlib.util.spec_from_file_location("mutation", ROOT / "bench" / "mutation.py")
mutation = sys.modules["mutation"] = importlib.util.module_from_spec(_spec)  # for dataclasses
_spec.loader.exec_module(mutation)

SOURCE = '''
import numpy as np


def _half(x):
    """Half of x."""
    return x / 2


def f(x, n: int = 3):
    if x < 0:
        raise ValueError("negative")
    total = 0
    total += np.float32(x)[:n]
    print(x, n)
    return _half(total) and not x


def g(y):
    return -y
'''


def test_every_kind_of_mutant_is_made_once_and_compiles():
    sites = mutation.sites(SOURCE)
    changes = sorted(s.key.split(" ", 1)[1] for s in sites)
    for expected in ("/ -> *", "< -> <=", "drop raise statement", "drop augassign statement",
                     "+ -> -", "drop expr statement", "2 -> 3", "0 -> 1", ".float32 -> .float64",
                     "slice end + 1", "swap first two arguments", "and -> or", "drop not",
                     "drop -"):
        assert expected in changes, (expected, changes)
    assert not any("negative" in c or "Half" in c or "int" == c for c in changes)  # messages, docs
    for s in sites:
        text = mutation.mutant(SOURCE, s)
        assert text != ast.unparse(ast.parse(SOURCE)), s
        compile(text, s.key, "exec")
    assert len({s.key for s in sites}) == len(sites)


def test_a_helper_is_reached_by_the_public_functions_that_call_it():
    reach = mutation.callers(SOURCE, ["f", "g"])
    assert reach["_half"] == {"f"} and reach["g"] == {"g"} and reach["<module>"] == {"f", "g"}
