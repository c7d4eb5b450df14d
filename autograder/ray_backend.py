"""Grading a class on a Ray cluster: one Ray task per submission (``ulp grade --backend ray``).

Each task runs the same grading as the local backend, on whichever node Ray picks: the node
grades in a child of its own pre-loaded grader (:mod:`autograder.pool`), with its own sandboxed
worker, and returns the results dict. So every node needs ulp installed, at the same version and
with the same course folder (``ULP_COURSE_DIR``) and ``ULP_COURSE_SECRET`` as the machine that
runs ``ulp grade``; a grade made with other tests or another secret is refused, with the reason,
rather than recorded. GPU assignments ask Ray for one GPU per task where the cluster has GPUs.
A task whose worker or node dies is retried (``MAX_RETRIES``); results come back as they finish
and are written into the same ``OUT/<student>/`` folders and gradebook as a local batch.

What crosses Ray: to the node, the student's file as bytes (data: nothing here runs it); back,
the results dict, which the trusted grader on the node built from its own verdicts. Ray's own
serialization of that plain dict is therefore fine; nothing the student's code produced is ever
unpickled (the worker speaks only the data protocol to the grader on the node).
"""

from __future__ import annotations

import atexit
import os
import tempfile
import time
from pathlib import Path

from autograder import assignment as assignments
from autograder import grading
from autograder.assignment import MAX_EXAMPLES_ENV

#: Retries of a task whose worker process or node died (Ray's system failures only: a grade
#: that the grader finished, even a zero, is never retried).
MAX_RETRIES = 3

_pool = None


def _node_pool():
    """This Ray worker's pre-loaded grader, started on its first task and kept for the next."""
    global _pool
    if _pool is None:
        from autograder import pool
        _pool = pool.GraderPool()
        atexit.register(_pool.close)
    return _pool


def grade_on_node(assignment_id: str, student_id: str, filename: str | None, data: bytes | None,
                  isolation_level: str | None = None, max_examples: str | None = None) -> dict:
    """Runs on a Ray node: grade one submission given as its file's name and bytes (None: the
    student submitted no module, which grades as the local backend grades an empty folder).
    ``max_examples`` is the driver's ``--max-examples``, if any."""
    a = assignments.load(assignment_id)
    os.environ.setdefault("ULP_COURSE_DIR", str(a.root))
    assignments.override_max_examples(max_examples)
    with tempfile.TemporaryDirectory(prefix="ulp-ray-") as tmp:
        folder = Path(tmp, "submission", student_id)
        folder.mkdir(parents=True)
        submission = folder
        if data is not None:  # the file itself, whatever its name (a Gradescope export's too)
            submission = folder / Path(filename).name
            submission.write_bytes(data)
        job = grading.Job(student_id, submission, Path(tmp, "out"))
        job.out_dir.mkdir()
        from autograder import pool
        if pool.available():
            return grading.grade_in_pool(_node_pool(), assignment_id, job, isolation_level=isolation_level)
        return grading.grade_in_subprocess(assignment_id, job, isolation_level=isolation_level)


def gpus_per_task(a: assignments.Assignment, cluster: dict) -> int:
    """One GPU for a GPU assignment where the cluster has GPUs; none otherwise, so that on a
    CPU-only cluster the tasks run (on Triton's interpreter, as locally) instead of waiting
    forever for a GPU that will never come."""
    return 1 if a.gpu and cluster.get("GPU", 0) >= 1 else 0


def _mismatch(a: assignments.Assignment, student_id: str, res: dict) -> str | None:
    """Why a grade from a node cannot be recorded here (other tests, another secret), or None."""
    ulp = res.get("extra_data", {}).get("ulp", {})
    if "grader failure" in ulp.get("flags", []):
        return None
    if ulp.get("tests_hash") != a.tests_hash():
        return (f"the Ray node graded {a.id} with other tests or another ulp version (tests hash "
                f"{ulp.get('tests_hash')!r}, here {a.tests_hash()!r}): install the same ulp and course "
                "folder on every node")
    if ulp.get("seed") != a.seed(student_id):
        return ("the Ray node graded with another course secret: set the same ULP_COURSE_SECRET "
                "on every node (in the environment of `ray start`) as where `ulp grade` runs")
    return None


def grade_jobs(assignment_id: str, jobs: list[grading.Job], finished, *, address: str | None = None,
               isolation_level: str | None = None) -> None:
    """Grade ``jobs`` as Ray tasks; call ``finished(student_id, results)`` as each one ends.

    Joins the cluster at ``address`` (else ``$RAY_ADDRESS``, else starts a local Ray), unless
    this process is already connected to one."""
    try:
        import ray
    except ImportError as e:
        raise grading.SubmissionError(
            "grade_class(backend='ray') (autograder/ray_backend.py): Ray is not installed; "
            "install it with `pip install 'ray>=2.9'` or grade with --backend local") from e
    a = assignments.load(assignment_id)
    connected_here = not ray.is_initialized()
    if connected_here:
        ray.init(address=address or os.environ.get("RAY_ADDRESS"), include_dashboard=False,
                 log_to_driver=False)
    try:
        task = ray.remote(grade_on_node).options(
            num_cpus=1, num_gpus=gpus_per_task(a, ray.cluster_resources()),
            max_retries=MAX_RETRIES, retry_exceptions=False)
        max_examples = os.environ.get(MAX_EXAMPLES_ENV)
        pending = {}
        for job in jobs:
            file = grading.find_submission(job.submission, assignment_id)
            name, data = (file.name, file.read_bytes()) if file else (None, None)
            pending[task.remote(assignment_id, job.student_id, name, data, isolation_level,
                                 max_examples)] = (job, time.monotonic())
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            job, started = pending.pop(ready[0])
            try:
                res = ray.get(ready[0])
                problem = _mismatch(a, job.student_id, res)
            except ray.exceptions.RayError as e:  # retries spent, or the task itself failed
                res, problem = None, f"the Ray task failed: {type(e).__name__}: {str(e)[-2000:]}"
            if problem is not None:
                res = grading.grader_failure(a, job.student_id, problem, time.monotonic() - started)
            grading.write_outputs(res, job.out_dir)
            finished(job.student_id, res)
    finally:
        if connected_here:
            ray.shutdown()
