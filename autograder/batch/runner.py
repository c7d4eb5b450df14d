"""Grading a class: which submissions need a grade, on which backend, and what gets written.

The runner is the only module that knows which backends exist (:data:`BACKENDS`): each grades
jobs and reports a :class:`~autograder.model.Run` per job. A stored grade is kept (a resume)
when it is valid, for this very submission and these very tests, and the caller vouches for it
(``ulp grade`` asks the gradebook whether it agrees: a results.json changed since it was
recorded is graded again, not trusted); otherwise the submission is graded again. Every grading
writes ``<out>/<student>/results.json`` and its reports (``ulp grade`` gives each assignment its
own ``<out>``: ``OUT/<assignment>``), and the class's ``<out>/grades.csv`` is written from all
of them at the end.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from autograder.batch.backends import Job, LocalBackend
from autograder.batch.ray_cluster import RayBackend
from autograder.course.assignment import Assignment
from autograder.errors import UsageError
from autograder.model import Grade, Outcome, Run, Submission
from autograder.output import exports, results
from autograder.output.report import write_student_files
from autograder.settings import GradingSettings

BACKENDS = {"local": LocalBackend, "ray": RayBackend}


def backend_for(name: str, *, workers: int = 0, address: str | None = None):
    if name not in BACKENDS:
        raise UsageError(f"unknown backend {name!r}; use one of {', '.join(BACKENDS)}")
    if address and name != "ray":
        raise UsageError("--address goes with --backend ray")
    return RayBackend(address) if name == "ray" else LocalBackend(workers)


def is_current(stored: Grade | None, submission: Submission, tests_hash: str) -> bool:
    """Whether a stored grade is for this very submission and these very tests.

    results.json is written atomically and last, so a grade that exists is complete: a batch
    killed at any moment resumes without repeating it, and a changed submission or test suite
    is graded again."""
    if stored is None or stored.is_grader_failure or stored.tests_hash != tests_hash:
        return False
    if stored.student_id != submission.student_id:
        return False
    file = submission.file
    digest = hashlib.sha256(file.read_bytes()).hexdigest() if file and file.is_file() else None
    return stored.submission_sha256 == digest


def grade_class(a: Assignment, submissions: list[Submission], out: Path,
                settings: GradingSettings, *, backend=None, regrade: bool = False,
                only: set[str] | None = None, progress=None, trusted=None) -> list[Grade]:
    """Grade ``submissions`` into ``out`` and return their grades, in their order.

    ``only``: grade just these students (the others' stored grades still go into grades.csv).
    ``progress(submission, grade)`` is called for each grade, stored or new. ``trusted(grade)``
    says whether a stored grade may be kept (default: any current one)."""
    backend = backend or LocalBackend()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tests_hash = a.tests_hash(settings)
    grades: dict[str, Grade] = {}
    todo: list[Job] = []
    for s in submissions:
        folder = out / s.student_id
        stored = results.read(folder / "results.json")
        if only is not None and s.student_id not in only:
            if stored is not None:
                grades[s.student_id] = stored
            continue
        if not regrade and is_current(stored, s, tests_hash) \
                and (trusted is None or trusted(stored)):
            grades[s.student_id] = stored
            if progress:
                progress(s, stored)
        else:
            todo.append(Job(s, folder))
    started = {id(job): time.monotonic() for job in todo}

    def finished(job: Job, run: Run) -> None:
        grade = run.grade
        if grade is None:
            grade = Grade.failure(a.id, job.submission.student_id, run.problem,
                                  time.monotonic() - started[id(job)],
                                  timed_out=run.outcome is Outcome.TIMED_OUT)
        if run.grade is None or backend.name != "local":  # local graders wrote their own files
            write_student_files(grade, job.out_dir)
        grades[job.submission.student_id] = grade
        if progress:
            progress(job.submission, grade)

    backend.grade_all(a, todo, settings, finished)
    ordered = [grades[s.student_id] for s in submissions if s.student_id in grades]
    exports.write_grades_csv(out / "grades.csv", ordered)
    return [grades[s.student_id] for s in submissions
            if s.student_id in grades and (only is None or s.student_id in only)]
