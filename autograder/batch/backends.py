"""Where gradings run on this machine: each in a fresh grader process, or in a child of a
pre-loaded grader (the fork server). Both take jobs and report a :class:`~autograder.model.Run`
per job; the batch runner (:mod:`autograder.batch.runner`) is the only module that chooses.

Either way the grader process writes the job's output folder itself, and a grader that dies or
runs past the assignment's submission timeout costs that one grade, never the batch.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from autograder.batch import child, pool
from autograder.course.assignment import Assignment
from autograder.model import Outcome, Run, Submission
from autograder.output import results
from autograder.settings import GradingSettings


@dataclass(frozen=True)
class Job:
    """One grading to do: a submission and the folder its files go to."""

    submission: Submission
    out_dir: Path


def _finished(job: Job, outcome: Outcome, problem: str) -> Run:
    """The run's grade, read back from the folder the grader process wrote."""
    if outcome is Outcome.OK:
        grade = results.read(job.out_dir / "results.json")
        if grade is not None:
            return Run(Outcome.OK, grade)
        problem = "the grader finished but wrote no valid results.json"
        outcome = Outcome.FAILED
    return Run(outcome, None, problem)


def grade_in_subprocess(a: Assignment, job: Job, settings: GradingSettings, *,
                        public_only: bool = False, timeout: float | None = None) -> Run:
    """Grade in a fresh grader process (``python -m autograder.batch.child``)."""
    limit = timeout or a.limits.submission_timeout_s
    (job.out_dir / "results.json").unlink(missing_ok=True)
    req = child.request(a, job.submission, job.out_dir, settings, public_only)
    try:
        proc = subprocess.run([sys.executable, "-m", "autograder.batch.child"],
                              input=json.dumps(req), capture_output=True, text=True,
                              timeout=limit)
    except subprocess.TimeoutExpired:
        return Run(Outcome.TIMED_OUT, None, f"grading took longer than {limit:g} s")
    if proc.returncode != 0:
        return Run(Outcome.FAILED, None, (proc.stderr or proc.stdout)[-3000:])
    return _finished(job, Outcome.OK, "")


def grade_in_pool(grader: pool.GraderPool, a: Assignment, job: Job, settings: GradingSettings, *,
                  public_only: bool = False) -> Run:
    """Grade in a child of the pre-loaded grader ``grader`` (the same grade as a fresh process,
    without a second of imports)."""
    (job.out_dir / "results.json").unlink(missing_ok=True)
    req = child.request(a, job.submission, job.out_dir, settings, public_only)
    return _finished(job, *grader.run(req, a.limits.submission_timeout_s))


class LocalBackend:
    """``workers`` gradings at a time on this machine (default: one per CPU), in children of a
    pre-loaded grader where the OS can fork and the settings allow it, else in fresh processes."""

    name = "local"

    def __init__(self, workers: int = 0):
        self.workers = workers or max(1, os.cpu_count() or 1)

    def grade_all(self, a: Assignment, jobs: list[Job], settings: GradingSettings, finished,
                  *, public_only: bool = False) -> None:
        """Grade ``jobs``; call ``finished(job, run)`` as each one ends (from this thread)."""
        if not jobs:
            return
        with contextlib.ExitStack() as stack:
            if pool.available() and settings.fork_server:
                grader = stack.enter_context(pool.GraderPool())

                def grade(job: Job) -> Run:
                    return grade_in_pool(grader, a, job, settings, public_only=public_only)
            else:
                def grade(job: Job) -> Run:
                    return grade_in_subprocess(a, job, settings, public_only=public_only)
            with ThreadPoolExecutor(max_workers=self.workers) as threads:
                futures = {threads.submit(grade, job): job for job in jobs}
                for future in as_completed(futures):
                    finished(futures[future], future.result())
