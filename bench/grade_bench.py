"""Benchmark: grading the sample class, and the worker's cost per call.

    .venv/bin/python bench/grade_bench.py [--calls 2000] [--assignments fp32_encode,kv_cache]

Prints, measured side by side in one run (these machines are noisy, so compare ratios):
- seconds per submission for each assignment of examples/class, graded with the local backend;
- one call through the sandboxed worker against the same call in-process;
- starting a worker against a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.batch import intake, runner
from autograder.batch.backends import LocalBackend
from autograder.course.assignment import list_ids, load
from autograder.sandbox import isolation as sandbox
from autograder.sandbox.process import Worker
from autograder.session.student import StudentModule
from autograder.settings import GradingSettings, Limits

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "fixtures" / "toycourse"


def per_submission(ids: list[str], klass: Path, workers: int) -> None:
    print(f"{'assignment':18} {'students':>8} {'wall s':>8} {'s/submission':>13} {'median grade s':>15}")
    settings = GradingSettings.from_env()
    for aid in ids:
        students = [s for s in intake.find(klass, aid) if s.file is not None]
        if not students:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            rows = runner.grade_class(load(settings.course_dir, aid), students, Path(tmp), settings,
                                      backend=LocalBackend(workers))
            wall = time.perf_counter() - t0
        each = statistics.median(g.execution_time for g in rows)
        print(f"{aid:18} {len(rows):8d} {wall:8.2f} {wall / len(rows) * workers:13.2f} {each:15.2f}")


def call_overhead(calls: int) -> None:
    sys.path.insert(0, str(TOY / "submissions" / "good"))
    import toy  # the same module, in this process

    limits = Limits()
    iso = sandbox.choose()
    worker = Worker(TOY / "submissions" / "good" / "toy.py", "toy", limits, iso)
    sub = StudentModule(worker, ["add", "half"], [])
    sub.add(1, 2)  # start it
    t0 = time.perf_counter()
    for i in range(calls):
        sub.begin_test()
        sub.add(i, 1)
    through_worker = (time.perf_counter() - t0) / calls
    t0 = time.perf_counter()
    for i in range(calls):
        toy.add(i, 1)
    in_process = (time.perf_counter() - t0) / calls
    worker.close()
    print(f"call via worker ({iso.level}): {through_worker * 1e6:9.1f} us   in-process: "
          f"{in_process * 1e6:6.2f} us   ratio {through_worker / in_process:8.0f}x")

    starts = []
    for _ in range(5):
        w = Worker(TOY / "submissions" / "good" / "toy.py", "toy", limits, iso)
        t0 = time.perf_counter()
        w.ensure_started()
        starts.append(time.perf_counter() - t0)
        w.close()
    bare = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t0)
    print(f"worker start: {statistics.median(starts) * 1e3:7.1f} ms   python -c pass: "
          f"{statistics.median(bare) * 1e3:6.1f} ms   ratio {statistics.median(starts) / statistics.median(bare):5.1f}x")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--assignments", default=",".join(list_ids(GradingSettings.from_env().course_dir)))
    p.add_argument("--class-dir", type=Path, default=ROOT / "examples" / "class")
    p.add_argument("--workers", type=int, default=1, help="1 gives per-submission latency")
    ns = p.parse_args()
    call_overhead(ns.calls)
    per_submission([a for a in ns.assignments.split(",") if a], ns.class_dir, ns.workers)


if __name__ == "__main__":
    main()
