"""Grading one submission, and a class of them.

One submission is one pytest session with :class:`~autograder.plugin.GradingPlugin`, run in
its own grader process so that sessions never share imported test modules and a grader that dies
takes down one grade, not the batch. A class is those processes run in parallel, each writing
``OUT/<student>/results.json`` and its reports: children forked from a pre-loaded grader
(:mod:`autograder.pool`, the default where the OS can fork; ``ULP_NO_FORK_SERVER=1`` turns it
off), fresh ``python -m autograder.grading`` processes otherwise, or Ray tasks
(:mod:`autograder.ray_backend`).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from autograder import assignment as assignments
from autograder import notebook, report, results, sandbox
from autograder import pool as pools


class SubmissionError(Exception):
    """The submission cannot be graded as given (its message says what to do)."""


def find_submission(path: Path, assignment_id: str) -> Path | None:
    """The student's module: ``path`` itself, or ``<id>.py`` (else ``<id>.ipynb``) in a folder."""
    path = Path(path)
    if path.is_file():
        return path
    for name in (f"{assignment_id}.py", f"{assignment_id}.ipynb"):
        if (path / name).is_file():
            return path / name
    return None


def as_module(file: Path, workdir: Path) -> tuple[Path, list[str]]:
    """The file to grade: a ``.py`` as it is, a notebook converted to one (with notes)."""
    if file.suffix != ".ipynb":
        return file, []
    try:
        source, notes = notebook.to_module(file)
    except notebook.NotebookError as e:
        source, notes = f"raise SyntaxError({str(e)!r})\n", [str(e)]
    module = workdir / f"{file.stem}.py"
    module.write_text(source)
    return module, notes


def grading_device(a: assignments.Assignment) -> str:
    if not a.gpu:
        return "cpu"
    try:
        import torch
        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "cpu"


def grade_submission(assignment_id: str, submission: Path, student_id: str = "student",
                     *, include_hidden: bool = True, isolation_level: str | None = None,
                     quiet: bool = True) -> dict:
    """Grade one submission in this process and return its results.json dict.

    Call it once per process (``ulp check``, ``ulp run-autograder``, the batch's children).
    """
    from autograder.plugin import HIDDEN_FEEDBACK, GradingPlugin
    import pytest

    started = time.monotonic()
    a = assignments.load(assignment_id)
    for folder in reversed(a.test_files(include_hidden)):  # helpers import by plain name,
        if str(folder) not in sys.path:                     # from hidden tests too
            sys.path.insert(0, str(folder))
    isolation = sandbox.choose(isolation_level)
    device = grading_device(a)
    file = find_submission(Path(submission), assignment_id)
    messages = []
    if file is None:
        missing = Path(submission) / f"{assignment_id}.py"
        messages.append(f"No {assignment_id}.py (or {assignment_id}.ipynb) was found in the "
                        f"submission ({submission}): submit your module as {assignment_id}.py.")
        file = missing
    original = file
    scratch = tempfile.TemporaryDirectory(prefix="ulp-grade-")
    if file.exists():
        file, notes = as_module(file, Path(scratch.name))
        messages += notes
    plugin = GradingPlugin(a, file, student_id, isolation, device)
    if not file.exists():
        plugin.worker.import_error = {"type": "MissingFile", "bases": [], "frames": [],
                                      "message": messages[0]}
    seed = a.seed(student_id)
    args = [str(d) for d in a.test_files(include_hidden)] + [
        "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist",
        "--rootdir", str(a.folder), "--confcutdir", str(a.folder), "-c", os.devnull,
        f"--hypothesis-seed={seed}", "-q", "--no-header", "--tb=no", "-W", "ignore",
    ]
    # hypothesis keeps caches in ./.hypothesis unless told otherwise: keep the cwd clean.
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(scratch.name, ".hypothesis"))
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        code = pytest.main(args, plugins=[plugin])
    if plugin.author_errors or code not in (0, 1):
        raise assignments.AssignmentError(
            f"the tests of {assignment_id} did not run (pytest exit {int(code)}): "
            + "; ".join(dict.fromkeys(plugin.author_errors)) + "\n" + sink.getvalue()[-4000:])
    if plugin.worker.import_error is not None and file.exists():
        messages.append(plugin.worker.describe_import_error())
    outcomes = list(plugin.outcomes.values())
    scratch.cleanup()
    return results.build(
        assignment_id=assignment_id, student_id=student_id, outcomes=outcomes,
        submission_bytes=original.read_bytes() if original.exists() else None, seed=seed,
        isolation=isolation.as_dict(), device=device, elapsed=time.monotonic() - started,
        tests_hash=a.tests_hash(), messages=messages, not_graded=plugin.not_graded,
        events=plugin.worker.events, student_output=bytes(plugin.worker.output),
        hidden_feedback=HIDDEN_FEEDBACK)


def write_outputs(res: dict, out_dir: Path) -> None:
    """results.json plus the two reports (HTML for a browser, Markdown for a terminal)."""
    out_dir = Path(out_dir)
    results.write(res, out_dir / "results.json")
    (out_dir / "report.html").write_text(report.render_html(res))
    (out_dir / "report.md").write_text(report.render_markdown(res))


# --------------------------------------------------------------------------- one per process

def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.grading")
    parser.add_argument("assignment")
    parser.add_argument("submission", type=Path)
    parser.add_argument("--student-id", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--public-only", action="store_true")
    parser.add_argument("--isolation")
    ns = parser.parse_args(argv)
    res = grade_submission(ns.assignment, ns.submission, ns.student_id,
                           include_hidden=not ns.public_only, isolation_level=ns.isolation)
    write_outputs(res, ns.out)
    return 0


@dataclass
class Job:
    student_id: str
    submission: Path
    out_dir: Path


def grade_in_subprocess(assignment_id: str, job: Job, *, public_only: bool = False,
                        isolation_level: str | None = None, timeout: float | None = None,
                        course_secret: bool = True) -> dict:
    """Grade in a fresh grader process; a grader that fails yields a zero with the reason.

    ``course_secret=False`` grades with the default per-student values, as a fixed file such as
    the reference must be (it cannot hold every student's hand-worked answer)."""
    a = assignments.load(assignment_id)
    cmd = [sys.executable, "-m", "autograder.grading", assignment_id, str(job.submission),
           "--student-id", job.student_id, "--out", str(job.out_dir)]
    cmd += ["--public-only"] if public_only else []
    cmd += ["--isolation", isolation_level] if isolation_level else []
    env = dict(os.environ, ULP_COURSE_DIR=str(a.root))
    if not course_secret:
        env.pop("ULP_COURSE_SECRET", None)
    results_file = job.out_dir / "results.json"
    results_file.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                              timeout=timeout or a.limits.submission_timeout_s)
        problem = None if proc.returncode == 0 else (proc.stderr or proc.stdout)[-3000:]
    except subprocess.TimeoutExpired:
        problem = pools.too_long(timeout or a.limits.submission_timeout_s)
    return _collect(a, job, problem, started,
                    timed_out=problem == pools.too_long(timeout or a.limits.submission_timeout_s))


def _collect(a: assignments.Assignment, job: Job, problem: str | None, started: float,
             timed_out: bool = False) -> dict:
    """The grade a grader process wrote, or a zero with the reason when it wrote none."""
    results_file = job.out_dir / "results.json"
    if problem is None and results_file.exists():
        return json.loads(results_file.read_text())
    res = grader_failure(a, job.student_id, problem or "no results were written",
                         time.monotonic() - started, timed_out=timed_out)
    write_outputs(res, job.out_dir)
    return res


def grade_in_pool(pool, assignment_id: str, job: Job, *, public_only: bool = False,
                  isolation_level: str | None = None, timeout: float | None = None) -> dict:
    """:func:`grade_in_subprocess`, but in a child forked from a pre-loaded grader
    (:class:`autograder.pool.GraderPool`): the same grade, without a second of imports."""
    a = assignments.load(assignment_id)
    (job.out_dir / "results.json").unlink(missing_ok=True)
    started = time.monotonic()
    limit = timeout or a.limits.submission_timeout_s
    problem = pool.run(assignment_id, job.submission, job.student_id, job.out_dir,
                       public_only=public_only, isolation_level=isolation_level, timeout=limit)
    return _collect(a, job, problem, started, timed_out=problem == pools.too_long(limit))


def grader_failure(a: assignments.Assignment, student_id: str, problem: str, elapsed: float,
                   timed_out: bool = False) -> dict:
    """A zero for a submission the grader could not finish, with the reason for staff (and the
    flag "timeout" when it ran past the submission timeout: that is the student's doing)."""
    return {
        "score": 0.0, "execution_time": round(elapsed, 3), "output":
        f"{a.id}: the grader could not finish grading this submission. Course staff have the "
        "details; resubmitting the same code will not change this.",
        "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
        "tests": [],
        "extra_data": {"ulp": {"assignment": a.id, "student_id": student_id, "max_score": 0.0,
                               "flags": ["grader failure"] + (["timeout"] if timed_out else []),
                               "grader_error": problem}},
    }


def discover(submissions: Path, assignment_id: str) -> list[tuple[str, Path]]:
    """(student id, path) for each student: a folder of student folders, a single file, or a
    Gradescope export (zip or unpacked); see :mod:`autograder.submissions`."""
    from autograder import submissions as found

    return found.discover(submissions, assignment_id)


def previous_grade(out_dir: Path, submission: Path, assignment_id: str, tests_hash: str) -> dict | None:
    """The stored grade, if it is for this very submission and these very tests.

    results.json is written atomically and last, so a grade that exists is complete: a batch
    killed at any moment resumes without repeating it, and a changed submission or test suite
    is graded again."""
    try:
        res = json.loads((Path(out_dir) / "results.json").read_text())
        ulp = res["extra_data"]["ulp"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    file = find_submission(submission, assignment_id)
    digest = hashlib.sha256(file.read_bytes()).hexdigest() if file else None
    if "grader failure" in ulp.get("flags", []) or ulp.get("tests_hash") != tests_hash \
            or ulp.get("submission_sha256") != digest:
        return None
    return res


BACKENDS = ("local", "ray")


def grade_class(assignment_id: str, submissions: Path, out: Path, *, workers: int = 0,
                isolation_level: str | None = None, progress=None, regrade: bool = False,
                backend: str = "local", address: str | None = None) -> list[dict]:
    """Grade every student folder in parallel; write results, reports and grades.csv.

    Students whose stored grade is current are not graded again (unless ``regrade``).
    ``backend="local"`` grades ``workers`` submissions at a time on this machine, each in a child
    of a pre-loaded grader (:mod:`autograder.pool`); ``backend="ray"`` runs each grading as a
    Ray task on the cluster at ``address`` (:mod:`autograder.ray_backend`)."""
    if backend not in BACKENDS:
        raise SubmissionError(f"grade_class (autograder/grading.py): unknown backend {backend!r}; "
                              f"use one of {', '.join(BACKENDS)}")
    students = discover(submissions, assignment_id)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    a = assignments.load(assignment_id)
    tests_hash = a.tests_hash()
    rows: dict[str, dict] = {}
    todo = []
    for sid, folder in students:
        done = None if regrade else previous_grade(out / sid, folder, assignment_id, tests_hash)
        if done is None:
            todo.append((sid, folder))
        else:
            rows[sid] = done
            if progress:
                progress(sid, done)

    def finished(sid: str, res: dict) -> None:
        rows[sid] = res
        if progress:
            progress(sid, res)

    if backend == "ray":
        from autograder import ray_backend
        ray_backend.grade_jobs(assignment_id, [Job(sid, folder, out / sid) for sid, folder in todo],
                               finished, address=address, isolation_level=isolation_level)
    else:
        _grade_locally(assignment_id, a, todo, out, workers, isolation_level, finished)
    ordered = [rows[sid] for sid, _ in students]
    write_grades_csv(out / "grades.csv", [(sid, rows[sid]) for sid, _ in students])
    return ordered


def _grade_locally(assignment_id, a, todo, out, workers, isolation_level, finished) -> None:
    """``workers`` at a time (default: one per CPU), forked from one pre-loaded grader where
    the platform can fork, else each in a fresh grader process."""
    workers = workers or max(1, os.cpu_count() or 1)
    if not todo:
        return
    with contextlib.ExitStack() as stack:
        if pools.available() and os.environ.get("ULP_NO_FORK_SERVER") is None:
            grader = stack.enter_context(pools.GraderPool(dict(os.environ, ULP_COURSE_DIR=str(a.root))))

            def grade(job):
                return grade_in_pool(grader, assignment_id, job, isolation_level=isolation_level)
        else:
            def grade(job):
                return grade_in_subprocess(assignment_id, job, isolation_level=isolation_level)
        with ThreadPoolExecutor(max_workers=workers) as threads:
            futures = {threads.submit(grade, Job(sid, folder, out / sid)): sid for sid, folder in todo}
            for future in as_completed(futures):
                finished(futures[future], future.result())


def write_grades_csv(path: Path, graded: list[tuple[str, dict]]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "score", "max_score", "failed_tests", "flags"])
        for sid, res in graded:
            s = results.summary_of(res)
            w.writerow([sid, f"{s['score']:g}", f"{s['max_score']:g}", ";".join(s["failed"]),
                        ";".join(s["flags"])])


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
