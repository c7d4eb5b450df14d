"""Every assignment's self-test: each sample in assignments/<id>/selftest/ scores what its
expected.toml says (correct ones full marks, each buggy one exactly its function's tests,
malicious ones zero), the reference full marks and the stub zero."""

from __future__ import annotations

import pytest

from autograder.course import selftest
from autograder.course.assignment import list_ids
from helpers import ROOT, assignment
from selftest import graded

CASES = [(aid, name) for aid in list_ids(ROOT)
         for name in selftest.expectations(assignment(aid, ROOT))]


@pytest.mark.parametrize("aid", list_ids(ROOT))
def test_every_sample_has_an_expected_outcome(aid):
    a = assignment(aid, ROOT)
    present = {s.student_id for s in selftest.samples(a)}
    listed = set(selftest.expectations(a))
    assert present == listed, f"unlisted: {sorted(present - listed)}, missing: {sorted(listed - present)}"


@pytest.mark.parametrize(("aid", "name"), CASES, ids=[f"{a}/{n}" for a, n in CASES])
def test_sample_scores_as_expected(aid, name):
    expected = selftest.expectations(assignment(aid, ROOT))[name]
    assert expected.problems(graded(aid)[name]) == []


def test_the_sample_class_is_built_from_the_self_tests():
    """examples/class holds no copies: each file links to a self-test sample (one source)."""
    files = sorted((ROOT / "examples" / "class").glob("*/*.py"))
    assert len(files) >= 25
    for f in files:
        assert f.is_symlink(), f"{f} is a copy; link it to a sample in assignments/<id>/selftest/"
        target = f.resolve()
        assert target.parent == ROOT / "assignments" / f.stem / "selftest" and target.is_file(), f
