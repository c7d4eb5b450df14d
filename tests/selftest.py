"""Grade an assignment's self-test samples (assignments/<id>/selftest/) once per test session.

All samples of one assignment, with the reference and the stub, are graded in one batch through
the fork server (the real runner, backends, sandbox and plugin), so the self-tests of every
assignment cost one pre-loaded grader each, not one process per sample.

One sample is graded beside that batch, at a shorter call limit: ``malicious_infinite_loop``.
What it shows (a call that never returns is stopped at the limit, costs its function's tests,
and the grading goes on to score zero) holds at any limit, and waiting out the assignment's own
(2 to 15 s, once for each function that loops and at least three times in all) made it the
longest sample of most batches. That the assignment's limits are long enough for correct code is
what the correct samples, graded at those limits, show.
"""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.batch import runner
from autograder.batch.backends import LocalBackend
from autograder.course import selftest
from autograder.course.assignment import Assignment
from autograder.model import Grade
from autograder.settings import GradingSettings
from helpers import assignment, copy_assignments

_cache: dict[str, dict[str, Grade]] = {}

LOOP = "malicious_infinite_loop"
LOOP_CALL_LIMIT_S = 0.5


def slowest_first(samples: list) -> list:
    """The samples in the order that ends the batch soonest on two workers: correct ones (and
    the reference) run every example to the end, so they go first, and no long one starts last
    while the other worker sits idle."""
    return sorted(samples, key=lambda s: not (s.student_id == "reference"
                                              or s.student_id.startswith("correct")))


def _with_short_call_limit(a: Assignment, course: Path) -> GradingSettings:
    """Settings that grade in ``course``: a copy of ``a`` alone, its call limit cut to
    LOOP_CALL_LIMIT_S."""
    copy_assignments(course, [a.id], a.root)
    toml = course / "assignments" / a.id / "assignment.toml"
    text, cut = re.subn(r"(?m)^call_timeout_s\s*=.*$", f"call_timeout_s = {LOOP_CALL_LIMIT_S}",
                        toml.read_text())
    assert cut == 1, f"{a.folder / 'assignment.toml'}: no call_timeout_s line to cut"
    toml.write_text(text)
    return GradingSettings.from_env().replace(secret=None, course_dir=course)


def graded(assignment_id: str) -> dict[str, Grade]:
    """Sample name (the reference and the stub included) -> its grade."""
    if assignment_id not in _cache:
        # Fixed files cannot hold every student's hand-worked values: grade with the defaults.
        settings = GradingSettings.from_env().replace(secret=None)
        a = assignment(assignment_id, settings.course_dir)
        samples = selftest.samples(a)
        loop = [s for s in samples if s.student_id == LOOP]
        rest = slowest_first([s for s in samples if s.student_id != LOOP])
        with tempfile.TemporaryDirectory(prefix=f"ulp-selftest-{assignment_id}-") as tmp, \
                ThreadPoolExecutor(max_workers=1) as beside:
            quick = None
            if loop:
                short = _with_short_call_limit(a, Path(tmp, "course"))
                quick = beside.submit(runner.grade_class,
                                      assignment(assignment_id, short.course_dir), loop,
                                      Path(tmp, "loop"), short, backend=LocalBackend(workers=1))
            grades = runner.grade_class(a, rest, Path(tmp, "out"), settings,
                                        backend=LocalBackend(workers=2))
            grades += quick.result() if quick else []
        _cache[assignment_id] = {g.student_id: g for g in grades}
    return _cache[assignment_id]
