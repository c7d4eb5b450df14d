"""Grading as a pytest plugin: fixtures for the tests, and a verdict per test.

Registered by :mod:`autograder.session.grade` for one submission per pytest session (like
pytest's ``junitxml``: fed by the report hooks, its results kept on the plugin). It provides the
fixtures of docs/authoring.md (``sub``, ``ref``, ``variant``, ``student_id``, ``device``), loads
the hypothesis grading profile, and turns each test's outcome into a :class:`Verdict` whose
feedback a student can read: the assertion, the call that failed, and hypothesis's shrunk
falsifying example. Only an explicit pass scores: skips, errors and crashes score zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from autograder import testing
from autograder.course import forbidden, secrets
from autograder.course.assignment import Assignment, load_reference
from autograder.course.tests import collect_error, declare, is_gpu_only, register_markers
from autograder.errors import CourseError, SandboxError
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.process import Worker
from autograder.session.student import StudentModule
from autograder.settings import GradingSettings
from autograder.testing import GradingAbort, StudentRaised

PROFILE = "ulp-grading"
HIDDEN_FEEDBACK = "This is a hidden test: its inputs and messages are not shown."
MAX_FEEDBACK = 4000


@dataclass
class Verdict:
    name: str
    nodeid: str
    points: float
    hidden: bool
    description: str = ""
    passed: bool = False
    feedback: str = ""
    functions: list[str] = field(default_factory=list)
    abort: str = ""  # the GradingAbort class name when the call could not be judged
    observations: list[dict] = field(default_factory=list)  # testing.observe() calls, per label
    leaderboard: list[dict] = field(default_factory=list)  # testing.leaderboard() entries


def worker_for(assignment: Assignment, submission_file: Path, isolation: Isolation,
               device: str = "cpu", helpers: dict[str, bytes] | None = None) -> Worker:
    """The sandboxed worker for a submission of ``assignment``, as its settings ask."""
    return Worker(submission_file, assignment.id, assignment.limits, isolation,
                  runtime_forbidden=assignment.forbidden.runtime,
                  forbidden_modules=assignment.forbidden.modules,
                  guard_tensors=assignment.worker.guard_tensors, gpu=device == "cuda",
                  helpers=helpers, setup=assignment.worker_setup and
                  assignment.worker_setup.read_text(),
                  count_torch_ops=assignment.worker.count_torch_ops,
                  trace_triton=assignment.gpu,
                  strided_tensors=assignment.worker.strided_tensors)


class GradingPlugin:
    def __init__(self, assignment: Assignment, submission_file: Path, student_id: str,
                 settings: GradingSettings, isolation: Isolation, device: str = "cpu",
                 helpers: dict[str, bytes] | None = None, worker: Worker | None = None):
        """``worker``: one started ahead by :meth:`Worker.hold` (from :func:`worker_for`,
        with this ``isolation`` and ``device``), given this submission here; else a new one."""
        self.assignment = assignment
        self.submission_file = Path(submission_file)
        self.student_id = student_id
        self.settings = settings
        self.isolation = isolation
        self.device = device
        self.outcomes: dict[str, Verdict] = {}
        self.not_graded: list[str] = []
        self.author_errors: list[str] = []  # not the student's doing: the grade is not given
        self.machine_errors: list[str] = []  # the sandbox failed: no grade either
        source = self.submission_file.read_text(errors="replace") if self.submission_file.exists() else ""
        self.forbidden_report = forbidden.check_source(source, assignment.forbidden)
        for name, data in (helpers or {}).items():  # a helper's use counts against every function
            found = forbidden.check_source(data.decode("utf-8", "replace"), assignment.forbidden)
            self.forbidden_report.findings.extend(
                forbidden.Finding(f.line, forbidden.MODULE_LEVEL, f"{f.what} in {name}")
                for f in found.findings)
        if worker is None:
            worker = worker_for(assignment, self.submission_file, isolation, device, helpers)
        else:
            worker.give(self.submission_file, helpers)
        self.worker = worker
        self.module = StudentModule(self.worker, assignment.functions, assignment.attributes,
                                    self.forbidden_report, assignment.forbidden.why, assignment.id)

    # -------------------------------------------------------------------- fixtures
    @pytest.fixture(scope="session")
    def sub(self):
        return self.module

    @pytest.fixture(scope="session")
    def ref(self):
        return load_reference(self.assignment)

    @pytest.fixture(scope="session")
    def variant(self):
        return secrets.variant(self.assignment, self.settings.secret, self.student_id)

    @pytest.fixture(scope="session")
    def answer_digest(self):
        """``answer_digest(value)``: a keyed digest of a per-student answer (see
        :func:`autograder.course.secrets.answer_digest`), to compare without showing it."""
        return lambda value: secrets.answer_digest(self.settings.secret, self.assignment.id,
                                                   self.student_id, value)

    @pytest.fixture(scope="session", name="student_id")
    def student_id_fixture(self):
        return self.student_id

    @pytest.fixture(scope="session", name="device")
    def device_fixture(self):
        return self.device

    # -------------------------------------------------------------------- hooks
    def pytest_configure(self, config):
        register_markers(config)
        settings.register_profile(
            PROFILE, database=None, deadline=None, derandomize=False, print_blob=False,
            max_examples=self.assignment.max_examples(self.settings), report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink] if self.settings.generated_only
            else [Phase.explicit, Phase.generate, Phase.shrink])
        settings.load_profile(PROFILE)

    def pytest_collectreport(self, report):
        if report.failed:  # a test file that does not import: no grade can be given
            self.author_errors.append(collect_error(report))

    def pytest_collection_modifyitems(self, session, config, items):
        keep = []
        cap = self.assignment.max_examples(self.settings)
        for item in items:
            try:
                declared = declare(item, self.assignment)
            except CourseError as e:
                self.author_errors.append(str(e))
                continue
            if is_gpu_only(item) and self.device != "cuda":
                self.not_graded.append(item.name)
                continue
            doc = (getattr(item.obj, "__doc__", None) or "").strip().splitlines()
            self.outcomes[item.nodeid] = Verdict(
                name=declared.name, nodeid=item.nodeid, points=declared.points,
                hidden=declared.hidden, description=doc[0] if doc else "")
            _tune(item, cap, declared.hidden)
            keep.append(item)
        if len(keep) != len(items):
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = keep

    def pytest_runtest_setup(self, item):
        self.module.begin_test()
        testing.start_observing()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        outcome = self.outcomes.get(item.nodeid)
        if outcome is None:
            return report
        if call.when == "setup" and report.failed:
            outcome.feedback = _feedback(call.excinfo, setup=True)
        elif call.when == "call":
            outcome.observations = testing.stop_observing()
            outcome.leaderboard = testing.take_leaderboard()
            outcome.passed = report.passed
            outcome.functions = sorted(self.module.called)
            if report.failed and call.excinfo is not None:
                if isinstance(call.excinfo.value, SandboxError):  # the machine's fault
                    self.machine_errors.append(str(call.excinfo.value))
                outcome.feedback = _feedback(call.excinfo)
                if isinstance(call.excinfo.value, GradingAbort):
                    outcome.abort = type(call.excinfo.value).__name__
            elif report.skipped:
                outcome.feedback = "The test was skipped, so it scores nothing."
        return report

    def pytest_sessionstart(self, session):
        self.worker.spawn()  # it starts while the tests are collected

    def pytest_sessionfinish(self, session):
        self.worker.close()


def _tune(item, cap: int, hidden: bool) -> None:
    """Run at most ``cap`` examples of a hypothesis test, even one whose own ``@settings`` asks
    for more: the assignment's ``max_examples`` bounds every test, so grading time is bounded.
    And never shrink a hidden test's failure: nobody is shown its input, so the smallest one is
    worth nothing, and shrinking a long run of a buggy update_scale took 40 s."""
    test = getattr(item, "obj", None)
    own = getattr(test, "_hypothesis_internal_use_settings", None)
    if own is None or not hasattr(test, "hypothesis"):
        return
    changes = {}
    if own.max_examples > cap:
        changes["max_examples"] = cap
    if hidden and Phase.shrink in own.phases:
        changes["phases"] = [p for p in own.phases if p is not Phase.shrink]
    if changes:
        test._hypothesis_internal_use_settings = settings(own, **changes)


_NOTE_NOISE = re.compile(r"reproduce_failure|@seed|--hypothesis-seed|HYPOTHESIS_", re.I)
_FIXTURE_LINE = re.compile(r"^\s+(sub|ref|variant|student_id|device|answer_digest)=.*$\n?", re.M)


def _feedback(excinfo, setup: bool = False) -> str:
    exc = excinfo.value
    if isinstance(exc, (GradingAbort, StudentRaised)):
        text = str(exc)
    elif isinstance(exc, AssertionError):
        text = str(exc) or "an assertion about your answer failed"
    elif isinstance(exc, pytest.fail.Exception):
        text = str(exc).replace("DID NOT RAISE", "Your function did not raise")
    else:
        text = (f"the grader could not check your answer: {type(exc).__name__}: {exc}. "
                "Check the type and shape of what your function returns.")
    if setup:
        text = f"the test could not start: {text}"
    notes = [_FIXTURE_LINE.sub("", n) for n in getattr(exc, "__notes__", [])
             if not _NOTE_NOISE.search(n)]
    if notes:
        text += "\n\n" + "\n".join(notes)
    return text if len(text) <= MAX_FEEDBACK else text[:MAX_FEEDBACK] + "\n…(cut)"
