"""What the project's tests share: paths, and short ways to grade through the real engine.

Every helper goes through the same code as ``ulp`` (intake, the batch runner and its backends,
the grading session in a sandboxed worker); grades come back as results.json dicts, the format
the tests check.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from autograder.batch import intake, runner
from autograder.batch.backends import Job, LocalBackend, grade_in_subprocess
from autograder.course.assignment import Assignment, load
from autograder.model import Grade, Submission, module_file
from autograder.output import results
from autograder.output.report import write_student_files
from autograder.settings import GradingSettings

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "fixtures" / "toycourse"
ATTACKS = ROOT / "tests" / "fixtures" / "attacks"


def settings(**overrides) -> GradingSettings:
    """This test's settings: the environment (as monkeypatched) plus ``overrides``."""
    return GradingSettings.from_env(**overrides)


def assignment(aid: str, root: Path | None = None) -> Assignment:
    return load(root or settings().course_dir, aid)


def copy_assignments(dest: Path, ids, root: Path = ROOT) -> Path:
    """A course folder at ``dest`` holding copies of the assignments ``ids`` of the course at
    ``root``: each one's folder (without its self-test samples), its reference and its stub."""
    for aid in ids:
        a = load(root, aid)
        shutil.copytree(a.folder, dest / "assignments" / aid,
                        ignore=shutil.ignore_patterns("__pycache__", "selftest"))
        for path, folder in ((a.reference, "reference"), (a.stub, "student_template")):
            (dest / folder).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest / folder / path.name)
    return dest


def grade_one(aid: str, student_id: str, path: Path, out_dir: Path, *, isolation: str | None = None,
              timeout: float | None = None, public_only: bool = False,
              course_secret: bool = True, untrusted: bool = True) -> dict:
    """One submission graded in a fresh grader process, its files written to ``out_dir``.
    ``untrusted=False`` grades as ``ulp check`` does, at whatever isolation the machine has."""
    s = settings(isolation=isolation).replace(untrusted=untrusted)
    if not course_secret:
        s = s.replace(secret=None)
    a = load(s.course_dir, aid)
    path = Path(path)
    job = Job(Submission(student_id, path, module_file(path, a.submission_names)), Path(out_dir))
    started = time.monotonic()
    run = grade_in_subprocess(a, job, s, public_only=public_only, timeout=timeout)
    grade = run.grade or Grade.failure(aid, student_id, run.problem, time.monotonic() - started,
                                       timed_out=run.outcome.name == "TIMED_OUT")
    if run.grade is None:
        write_student_files(grade, job.out_dir)
    return results.to_json(grade)


def discover(klass: Path, aid: str) -> list[tuple[str, Path]]:
    return [(s.student_id, s.path) for s in intake.find(klass, aid)]


def grade_folder(aid: str, klass: Path, out: Path, *, workers: int = 2, backend: str = "local",
                 isolation: str | None = None, **changes) -> list[dict]:
    """A class folder graded as ``ulp grade`` does, in the folder's order."""
    s = settings(isolation=isolation).replace(**changes)
    a = load(s.course_dir, aid)
    engine = runner.backend_for(backend, workers=workers) if backend != "local" \
        else LocalBackend(workers)
    grades = runner.grade_class(a, intake.find(klass, aid, s.cache_dir, names=a.submission_names),
                                out, s, backend=engine)
    return [results.to_json(g) for g in grades]


def needs(what: str, reason: str) -> None:
    """Skip locally, saying why; fail where ULP_CI is set (CI must run every check)."""
    if os.environ.get("ULP_CI"):
        pytest.fail(f"ULP_CI is set, so {what} must be tested: {reason}", pytrace=False)
    pytest.skip(reason)
