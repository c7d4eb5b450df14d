"""Grading a class on a Ray cluster: one Ray task per submission (``ulp grade --backend ray``).

Each task runs the same grading as the local backend, on whichever node Ray picks: the node
grades in a child of its own pre-loaded grader (:mod:`autograder.batch.pool`), with its own sandboxed
worker, and returns the results dict. So every node needs ulp installed, at the same version and
with the same course folder (``ULP_COURSE_DIR``) and ``ULP_COURSE_SECRET`` as the machine that
runs ``ulp grade``; a grade made with other tests or another secret is refused, with the reason,
rather than recorded. GPU assignments ask Ray for one GPU per task where the cluster has GPUs.
A task whose worker or node dies is retried (``MAX_RETRIES``); results come back as they finish
and are written into the same ``OUT/<assignment>/<student>/`` folders and gradebook as a local batch.

What crosses Ray: to the node, the student's module and the ``.py`` files beside it (the helper
modules it may import; bounded as grading bounds them) as bytes (data: nothing here runs them); back,
the results dict, which the trusted grader on the node built from its own verdicts. Ray's own
serialization of that plain dict is therefore fine; nothing the student's code produced is ever
unpickled (the worker speaks only the data protocol to the grader on the node).
"""

from __future__ import annotations

import atexit
import time
import tempfile
from pathlib import Path

from autograder.batch import pool
from autograder.batch.backends import Job, grade_in_pool, grade_in_subprocess
from autograder.course.assignment import Assignment, load
from autograder.course.secrets import seed
from autograder.errors import UsageError
from autograder.model import Grade, Outcome, Run, Submission, files_beside
from autograder.output import results
from autograder.settings import MAX_HELPER_BYTES, MAX_HELPERS, GradingSettings

#: Retries of a task whose worker process or node died (Ray's system failures only: a grade
#: that the grader finished, even a zero, is never retried).
MAX_RETRIES = 3

_pool = None


def _node_pool() -> pool.GraderPool:
    """This Ray worker's pre-loaded grader, started on its first task and kept for the next."""
    global _pool
    if _pool is None:
        _pool = pool.GraderPool()
        atexit.register(_pool.close)
    return _pool


def submission_files(submission: Submission) -> tuple[str | None, dict[str, bytes]]:
    """What a Ray task carries: the module's file name (None: no module) and the bytes of it
    and of the ``.py`` files beside it in a submitted folder (its possible helper modules, at
    most as many and as large as grading copies; grading then keeps those it imports)."""
    file = submission.file
    if file is None:
        return None, {}
    files = {file.name: file.read_bytes()}
    if Path(submission.path).is_dir():
        total = 0
        for p in files_beside(file):
            size = p.stat().st_size
            if len(files) > MAX_HELPERS or total + size > MAX_HELPER_BYTES:
                break
            files[p.name], total = p.read_bytes(), total + size
    return file.name, files


def grade_on_node(assignment_id: str, student_id: str, module: str | None,
                  files: dict[str, bytes], driver_settings: dict) -> dict | str:
    """Runs on a Ray node: grade one submission given as its files (name -> bytes) and which of
    them is the module (None: the student submitted no module, which grades as the local
    backend grades an empty folder). The node's own environment gives its course folder and
    course secret (the task is this node's edge); the rest of the settings are the driver's.
    Returns the results.json dict, or why the grader could not finish."""
    mine = GradingSettings.from_env()
    settings = GradingSettings.from_dict(driver_settings).replace(
        course_dir=mine.course_dir, secret=mine.secret)
    a = load(settings.course_dir, assignment_id)
    with tempfile.TemporaryDirectory(prefix="ulp-ray-") as tmp:
        folder = Path(tmp, "submission", student_id)
        folder.mkdir(parents=True)
        for name, data in files.items():  # each name as given (a Gradescope export's too)
            (folder / Path(name).name).write_bytes(data)
        file = folder / Path(module).name if module is not None else None
        job = Job(Submission(student_id, folder, file), Path(tmp, "out"))
        job.out_dir.mkdir()
        run = (grade_in_pool(_node_pool(), a, job, settings) if pool.available()
               else grade_in_subprocess(a, job, settings))
        if run.grade is None:
            return run.problem or "the grader on the Ray node wrote no results"
        return results.to_json(run.grade)


def gpus_per_task(a: Assignment, cluster: dict) -> int:
    """One GPU for a GPU assignment where the cluster has GPUs; none otherwise, so that on a
    CPU-only cluster the tasks run (on Triton's interpreter, as locally) instead of waiting
    forever for a GPU that will never come."""
    return 1 if a.gpu and cluster.get("GPU", 0) >= 1 else 0


def _mismatch(a: Assignment, settings: GradingSettings, grade: Grade) -> str | None:
    """Why a grade from a node cannot be recorded here (other tests, another secret), or None."""
    if grade.is_grader_failure:
        return None
    here = a.tests_hash(settings)
    if grade.tests_hash != here:
        return (f"the Ray node graded {a.id} with other tests or another ulp version (tests hash "
                f"{grade.tests_hash!r}, here {here!r}): install the same ulp and course "
                "folder on every node")
    if grade.seed != seed(settings.secret, a.id, grade.student_id):
        return ("the Ray node graded with another course secret: set the same ULP_COURSE_SECRET "
                "on every node (in the environment of `ray start`) as where `ulp grade` runs")
    return None


class RayBackend:
    """One Ray task per submission on the cluster at ``address`` (else ``$RAY_ADDRESS``, else a
    local Ray started for this run), unless this process is already connected to one."""

    name = "ray"

    def __init__(self, address: str | None = None):
        self.address = address

    def grade_all(self, a: Assignment, jobs: list[Job], settings: GradingSettings, finished,
                  *, public_only: bool = False) -> None:
        """Grade ``jobs`` as Ray tasks; call ``finished(job, run)`` as each one ends."""
        try:
            import ray
        except ImportError as e:
            raise UsageError("--backend ray: Ray is not installed; install it with "
                             "`pip install 'ulp-autograder[ray]'` or grade with --backend local") from e
        if public_only:
            raise UsageError("the Ray backend grades with every test; use --backend local")
        connected_here = not ray.is_initialized()
        if connected_here:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
        try:
            task = ray.remote(grade_on_node).options(
                num_cpus=1, num_gpus=gpus_per_task(a, ray.cluster_resources()),
                max_retries=MAX_RETRIES, retry_exceptions=False)
            sent = settings.to_dict(with_secret=False)
            pending = {}
            for job in jobs:
                module, files = submission_files(job.submission)
                pending[task.remote(a.id, job.submission.student_id, module, files, sent)] = \
                    (job, time.monotonic())
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                job, started = pending.pop(ready[0])
                try:
                    answer = ray.get(ready[0])
                except ray.exceptions.RayError as e:  # retries spent, or the task itself failed
                    answer = f"the Ray task failed: {type(e).__name__}: {str(e)[-2000:]}"
                grade = results.from_json(answer) if isinstance(answer, dict) else None
                problem = _mismatch(a, settings, grade) if grade else answer
                if problem is None:
                    finished(job, Run(Outcome.OK, grade))
                else:
                    finished(job, Run(Outcome.FAILED, None, problem))
        finally:
            if connected_here:
                ray.shutdown()
