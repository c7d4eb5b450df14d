"""The harness for an assignment's self-tests: grade its sample submissions and check outcomes.

Each ``tests/test_assignment_<id>.py`` states what every file in ``tests/submissions/<id>/``
must score (docs/authoring.md). All of one assignment's submissions are graded in one parallel
batch with the real engine (sandboxed workers, the real plugin, results.json), once per session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import grading, results

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
FULL = "full"
ZERO = "zero"
_LISTED = "every submission has an expected outcome"


@dataclass(frozen=True)
class fails:  # noqa: N801 - reads as a sentence: fails("test_a", says="tie")
    """Exactly these tests fail; a failed visible one's feedback contains ``says``."""

    names: tuple[str, ...]
    says: str | None = None

    def __init__(self, *names: str, says: str | None = None):
        object.__setattr__(self, "names", tuple(names))
        object.__setattr__(self, "says", says)


_cache: dict[str, dict[str, dict]] = {}


def graded(assignment_id: str) -> dict[str, dict]:
    """results.json of every submission of the assignment, keyed by file name."""
    if assignment_id not in _cache:
        # Fixed files cannot hold every student's hand-worked values: grade with the defaults.
        os.environ.pop("ULP_COURSE_SECRET", None)
        folder = SUBMISSIONS / assignment_id
        with tempfile.TemporaryDirectory(prefix=f"ulp-selftest-{assignment_id}-") as tmp:
            klass = Path(tmp, "class")
            for file in sorted(folder.glob("*.py")):
                student = klass / file.stem
                student.mkdir(parents=True)
                shutil.copy(file, student / f"{assignment_id}.py")
            rows = grading.grade_class(assignment_id, klass, Path(tmp, "out"), workers=2)
            _cache[assignment_id] = {f"{sid}.py": res for (sid, _), res in
                                     zip(grading.discover(klass, assignment_id), rows)}
    return _cache[assignment_id]


def _failed(res: dict) -> dict[str, dict]:
    return {t["name"]: t for t in res["tests"] if t["status"] == "failed"}


def check(res: dict, expected, name: str) -> None:
    results.validate(res)
    ulp = res["extra_data"]["ulp"]
    assert "grader failure" not in ulp.get("flags", []), f"{name}: the grader failed: {ulp.get('grader_error')}"
    failed = _failed(res)
    summary = {n: t["output"][:600] for n, t in failed.items()}
    if expected == FULL:
        assert ulp["max_score"] > 0 and res["score"] == ulp["max_score"], \
            f"{name} must score full marks, got {res['score']}/{ulp['max_score']}: {summary}"
    elif expected == ZERO:
        assert res["score"] == 0, f"{name} must score zero, got {res['score']}; passed: " \
            f"{[t['name'] for t in res['tests'] if t['status'] == 'passed']}"
    else:
        assert set(failed) == set(expected.names), (
            f"{name} must fail exactly {sorted(expected.names)}, failed {sorted(failed)}: {summary}")
        if expected.says:
            visible = [t for t in failed.values() if "hidden" not in t["tags"]]
            assert visible, f"{name}: says= needs a failing visible test"
            assert any(expected.says.lower() in t["output"].lower() for t in visible), (
                f"{name}: no failing visible test says {expected.says!r}: {summary}")


def outcome_tests(assignment_id: str, expected: dict):
    """A parametrized test: one case per submission, plus one that all are listed."""

    @pytest.mark.parametrize("submission", [_LISTED, *sorted(expected)])
    def test_outcome(submission):
        if submission == _LISTED:
            present = {p.name for p in (SUBMISSIONS / assignment_id).glob("*.py")}
            assert present == set(expected), (
                f"unlisted: {sorted(present - set(expected))}, missing: {sorted(set(expected) - present)}")
            return
        check(graded(assignment_id)[submission], expected[submission], submission)

    test_outcome.expected = expected  # for bench/catch_rate.py
    return test_outcome
