"""An assignment's grader tests as pytest collects them: names, points, visibility.

One code path decides what a test is worth: :func:`declare`, applied to pytest's own collected
items, both by :func:`collect` (``ulp list``, statements, ``ulp new``'s check) and by the grading
plugin. So ``@pytest.mark.parametrize`` gives each case the test's points, ``@points(PTS)`` with
a constant works, and the statement's table always matches the grade.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from autograder.course.assignment import Assignment
from autograder.course.quiz import Quiz
from autograder.errors import CourseError
from autograder.testing import GPU_ONLY_MARK, HIDDEN_MARK, POINTS_MARK

MARKERS = {POINTS_MARK: "points of a grader test", HIDDEN_MARK: "feedback hidden from students",
           GPU_ONLY_MARK: "graded only on CUDA"}


class DeclaredTest(NamedTuple):
    """One collected grader test (a parametrized test is one per case)."""

    name: str
    points: float
    hidden: bool


def register_markers(config) -> None:
    for name, words in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {words}")


def declare(item, a: Assignment) -> DeclaredTest:
    """What a collected item is worth; a test without ``@points(n)`` is the author's mistake."""
    mark = item.get_closest_marker(POINTS_MARK)
    if mark is None or not mark.args:
        raise CourseError(f"{item.nodeid} (in {a.folder}) has no @points(n): every grader test "
                          "says what it is worth")
    hidden = (item.get_closest_marker(HIDDEN_MARK) is not None
              or a.hidden_tests in Path(str(item.path)).parents)
    return DeclaredTest(item.name, float(mark.args[0]), hidden)


def collect_error(report) -> str:
    """One line for a test file that cannot be collected: a missing package says which, and how
    to get it (a student running ``ulp check`` without the tests' requirements meets this)."""
    text = str(report.longrepr)
    missing = re.search(r"No module named '([^']+)'", text)
    where = report.nodeid or "a test file"
    if missing:
        top = missing.group(1).split(".")[0]
        return (f"{where} needs the Python package {top!r}, which is not installed here: "
                f"install it (pip install {top}) and run again")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f"{where} cannot be collected: {lines[-1] if lines else 'no reason given'}"


def is_gpu_only(item) -> bool:
    return item.get_closest_marker(GPU_ONLY_MARK) is not None


class _Collector:
    def __init__(self, a: Assignment, device: str | None):
        self.a = a
        self.device = device
        self.tests: list[DeclaredTest] = []
        self.errors: list[str] = []

    def pytest_configure(self, config):
        register_markers(config)

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(collect_error(report))

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            if self.device is not None and self.device != "cuda" and is_gpu_only(item):
                continue
            try:
                self.tests.append(declare(item, self.a))
            except CourseError as e:
                self.errors.append(str(e))


# Grading and collecting load pytest's own plugins and hypothesis', nothing else that happens to
# be installed: a plugin the tests do not use costs every `ulp check` its import (anyio's:
# 0.2 s), and one that changed how tests run would change grades. pytest's unraisable-exception
# plugin is left out too: it collects garbage twice per session (0.07 s of a check) to
# report as warnings what grading ignores (-W ignore).
PLUGINS = ("--disable-plugin-autoload", "-p", "_hypothesis_pytestplugin",
           "-p", "no:unraisableexception")


def collect(a: Assignment, include_hidden: bool = True,
            device: str | None = None) -> list[DeclaredTest]:
    """Collect (never run) the assignment's tests in this process; with ``device``, only those
    graded there (GPU-only tests are left out on a CPU, as grading leaves them out)."""
    if a.is_quiz:  # a quiz's "tests" are its answer blanks
        return [DeclaredTest(p.key, float(p.answer.points), False)
                for q in Quiz(a).questions() for p in q.parts]
    dirs = [str(d) for d in a.test_files(include_hidden)]
    if not dirs:
        return []
    added = [d for d in dirs if d not in sys.path]
    sys.path[:0] = added  # helpers beside the tests are imported by plain name
    collector = _Collector(a, device)
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = pytest.main([*dirs, "--collect-only", "-q", *PLUGINS, "-p", "no:cacheprovider",
                                "--rootdir", str(a.folder), "--confcutdir", str(a.folder),
                                "-c", os.devnull, "--import-mode=importlib", "-W", "ignore"],
                               plugins=[collector])
    finally:
        for d in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(d)
    if collector.errors or code not in (0, 5):
        problems = "; ".join(dict.fromkeys(collector.errors)) or sink.getvalue().strip()[-500:]
        raise CourseError(f"the tests of {a.id} cannot be collected: {problems}")
    return collector.tests
