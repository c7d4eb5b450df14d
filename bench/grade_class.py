"""Benchmark: grade a generated class with the local backend, as `ulp grade` does.

    .venv/bin/python bench/grade_class.py [N] [--assignments a,b] [--workers W] [--keep DIR]
                                          [--max-examples N] [--compare-worker-server]

N students (default 200) each submit every chosen assignment (default: the CPU ones). Each
student's file is one of the assignment's own self-test samples (assignments/<id>/selftest/),
correct and buggy in turn (malicious ones are left out: they measure timeouts, not throughput). Prints, per
assignment and in total: submissions per minute, the median and p95 time to grade one
submission (its grader's own elapsed time), how many CPUs the batch kept busy on average, and
the start cost of a grader child forked from the pre-loaded grader and of a sandboxed worker,
each beside a bare `python -c pass` measured in the same run (these machines are shared and
noisy: compare the ratios).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.batch import intake, pool, runner
from autograder.batch.backends import LocalBackend
from autograder.course.assignment import list_ids, load
from autograder.model import Outcome
from autograder.sandbox import isolation as sandbox
from autograder.sandbox.process import Worker
from autograder.settings import GradingSettings, Limits

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "fixtures" / "toycourse"


def make_class(folder: Path, n: int, ids: list[str]) -> dict[str, int]:
    """N student folders with one variant per assignment, correct and buggy in turn."""
    counts = {}
    for aid in ids:
        kinds = (".toml",) if load(ROOT, aid).is_quiz else (".py",)  # a quiz's answers files
        variants = sorted(p for p in (ROOT / "assignments" / aid / "selftest").glob("*")
                          if p.suffix in kinds and p.name != "expected.toml")
        correct = [v for v in variants if v.name.startswith("correct")]
        buggy = [v for v in variants if v.name.startswith("buggy")]
        if not correct or not buggy:
            raise SystemExit(f"bench/grade_class.py: assignments/{aid}/selftest/ needs correct_*.py "
                             "and buggy_*.py variants to build a class from")
        for i in range(n):
            pick = correct[(i // 2) % len(correct)] if i % 2 == 0 else buggy[(i // 2) % len(buggy)]
            student = folder / f"s{i:04d}"
            student.mkdir(parents=True, exist_ok=True)
            (student / f"{aid}{pick.suffix}").write_bytes(pick.read_bytes())
        counts[aid] = n
    return counts


def cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (Linux's /proc/stat; NaN elsewhere): over
    wall time, how many CPUs the batch kept busy. Not this process's rusage: sandboxed workers
    are reaped inside their own pid namespace, so their time never reaches it."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return math.nan
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def start_costs(repeats: int = 7) -> None:
    """A forked grader child and a sandboxed worker against `python -c pass`, side by side."""
    bare, fresh, forked, worker = [], [], [], []
    iso = sandbox.choose()
    with pool.GraderPool() as grader:
        grader.run(None, timeout=60)  # the zygote's own imports (None: a probe that grades nothing)
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import importlib, autograder.batch.pool as p\n"
                            "for m in p.PRELOAD:\n importlib.import_module(m)"], check=True)
            fresh.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            outcome, problem = grader.run(None, timeout=60)
            forked.append(time.perf_counter() - t0)
            assert outcome is Outcome.OK, problem
            w = Worker(TOY / "submissions" / "good" / "toy.py", "toy", Limits(), iso)
            t0 = time.perf_counter()
            w.ensure_started()
            worker.append(time.perf_counter() - t0)
            w.close()
    m = {k: statistics.median(v) * 1e3 for k, v in
         (("bare", bare), ("fresh", fresh), ("forked", forked), ("worker", worker))}
    print(f"python -c pass {m['bare']:7.1f} ms | fresh grader with its imports {m['fresh']:7.1f} ms "
          f"({m['fresh'] / m['bare']:.1f}x) | grader child forked from the pool {m['forked']:6.1f} ms "
          f"({m['forked'] / m['bare']:.2f}x) | sandboxed worker ({iso.level}) {m['worker']:6.1f} ms "
          f"({m['worker'] / m['bare']:.1f}x)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("n", nargs="?", type=int, default=200, help="students per assignment")
    settings = GradingSettings.from_env()
    root = settings.course_dir
    cpu = [aid for aid in list_ids(root) if not load(root, aid).gpu]
    p.add_argument("--assignments", default=",".join(cpu))
    p.add_argument("--workers", type=int, default=0, help="default: one per CPU, as `ulp grade`")
    p.add_argument("--keep", type=Path, help="build and grade the class here, and keep it")
    p.add_argument("--compare-worker-server", action="store_true",
                   help="grade each assignment twice, workers started afresh and then forked from "
                        "a preloaded worker server (as root with bubblewrap), and print the ratio")
    p.add_argument("--max-examples", type=int, help="cap every test at N hypothesis examples "
                   "(as `ulp grade --max-examples`; default: each assignment's own)")
    ns = p.parse_args()
    if ns.max_examples:
        settings = settings.replace(max_examples=ns.max_examples)
    ids = [a for a in ns.assignments.split(",") if a]
    print(f"{ns.n} students x {len(ids)} assignments, workers={ns.workers or os.cpu_count()}, "
          f"max examples {ns.max_examples or 'as each assignment sets'}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    start_costs()
    with tempfile.TemporaryDirectory(prefix="ulp-bench-") as tmp:
        where = ns.keep or Path(tmp)
        klass = where / "class"
        make_class(klass, ns.n, ids)
        modes = [("", settings)]
        if ns.compare_worker_server:  # each assignment without, then with: side by side
            modes = [("", settings.replace(worker_server=False)),
                     (" +server", settings.replace(worker_server=True))]
        print(f"{'assignment':24} {'subs':>5} {'wall s':>8} {'subs/min':>9} {'median s':>9} "
              f"{'p95 s':>7} {'CPUs busy':>9} {'failures':>8}")
        totals = {label: ([], 0.0, 0, 0.0) for label, _ in modes}
        for aid in ids:
            walls = []
            for label, mode in modes:
                t0, cpu0 = time.perf_counter(), cpu_seconds()
                a = load(root, aid)
                rows = runner.grade_class(a, intake.find(klass, aid, names=a.submission_names),
                                          where / "out" / aid, mode,
                                          backend=LocalBackend(ns.workers), regrade=True)
                wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
                walls.append(wall)
                times = [g.execution_time for g in rows]
                failed = sum(g.is_grader_failure for g in rows)
                every, total_wall, total_n, total_cpu = totals[label]
                totals[label] = (every + times, total_wall + wall, total_n + len(rows), total_cpu + cpu)
                print(f"{aid + label:24} {len(rows):5d} {wall:8.1f} {len(rows) / wall * 60:9.1f} "
                      f"{statistics.median(times):9.2f} {percentile(times, 0.95):7.2f} "
                      f"{cpu / wall:9.2f} {failed:8d}")
            if len(walls) == 2:
                print(f"{'':24} worker server: {walls[0] / walls[1]:.2f}x the throughput")
        for label, (every, total_wall, total_n, total_cpu) in totals.items():
            print(f"{'all' + label:24} {total_n:5d} {total_wall:8.1f} {total_n / total_wall * 60:9.1f} "
                  f"{statistics.median(every):9.2f} {percentile(every, 0.95):7.2f} "
                  f"{total_cpu / total_wall:9.2f}")
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
