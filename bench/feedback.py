"""Benchmark: how long one student waits for feedback, end to end, per assignment.

    .venv/bin/python bench/feedback.py [--assignments kahan_sum,kv_cache] [--repeat 3] [--editable]

For each code assignment (quizzes have no module to run), the reference (copied to a scratch
folder as the student's file) is run through the two commands a student or Gradescope starts for
one submission, as fresh processes: ``ulp check ID FILE`` (the public tests) and ``ulp
run-autograder ID`` (every test, as Gradescope calls it). Each is run once untimed (it writes
the bytecode caches a user's first run writes; ``PYTHONDONTWRITEBYTECODE`` is dropped from
their environment), then timed ``--repeat`` times beside a bare ``python -c pass``, ``python -c
"import autograder.cli"`` and ``python -c "import torch"`` measured in the same run, and the
median is printed with its ratio to ``python -c pass`` (these machines are noisy: compare
ratios, and run it on an idle machine). ``torch`` marks an assignment whose tests or reference
import torch: a fresh process pays that import, whatever else is made faster. ``check --watch``
is ``ulp check ID FILE --watch``, timed from a save of the file to its report, each save 3 s
after the last report, as a student edits. The goal (issue: feedback in a second) is under
1.5 s for a CPU assignment.

The commands are those of an installed engine, as a student's bundle and Gradescope install it:
the engine's wheel, with the extras and packages the course's assignments name, in a new
virtual environment (a minute or two to build, from pip's cache; ``constraints.txt`` keeps it on
this machine's torch). ``--editable`` times this checkout's own ``ulp`` instead: quicker to
start, but slower to run, since hypothesis scans every module outside site-packages for
constants to draw, so an editable engine's own modules (about fifty) are scanned at every
grading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course.assignment import list_ids, load
from autograder.course.release import engine_wheel, requirements
from autograder.settings import GradingSettings

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"


def installed(assignments: list, scratch: Path) -> Path:
    """The ``python`` of a new virtual environment holding the engine's wheel and what
    grading ``assignments`` needs (their extras and packages, as their bundles name them)."""
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    name, data = engine_wheel()
    wheel = scratch / name
    wheel.write_bytes(data)
    needs = [requirements(a) for a in assignments]
    extras = sorted({e for x, _ in needs for e in x})
    packages = sorted({p for _, ps in needs for p in ps})
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-c", str(CONSTRAINTS),
                    f"{wheel}[{','.join(extras)}]" if extras else str(wheel), *packages],
                   check=True, env=ENV)
    return venv / "bin" / "python"


def wall(cmd: list[str], repeat: int) -> float:
    """Median seconds of ``repeat`` runs of ``cmd`` after one untimed run (its output discarded;
    a failure stops)."""
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=ENV)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:])


def watched(cmd: list[str], file: Path, repeat: int, pause_s: float = 3.0) -> float:
    """Median seconds from a save of ``file`` to the report of ``cmd`` (``ulp check --watch``),
    over ``repeat`` saves after one untimed; each save ``pause_s`` after the last report, as a
    student's edits are, so that the next worker has started (torch and triton: about 2 s)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=ENV)

    def reported() -> None:
        for line in proc.stdout:
            if "Watching" in line:
                return
        raise RuntimeError(f"{' '.join(cmd)} ended without a report")

    try:
        reported()
        times = []
        for i in range(repeat + 1):
            time.sleep(pause_s)
            t0 = time.perf_counter()
            with file.open("a") as f:
                f.write(f"# save {i}\n")
            reported()
            times.append(time.perf_counter() - t0)
    finally:
        proc.terminate()  # it stops as on Ctrl-C, and removes its scratch folders
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return statistics.median(times[1:])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    settings = GradingSettings.from_env()
    root = settings.course_dir
    p.add_argument("--assignments", default=",".join(list_ids(root)))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--editable", action="store_true", help="time this checkout's own ulp")
    ns = p.parse_args()
    assignments = [a for a in (load(root, aid) for aid in ns.assignments.split(",") if aid)
                   if not a.is_quiz]
    with tempfile.TemporaryDirectory(prefix="ulp-feedback-") as scratch:
        python = Path(sys.executable) if ns.editable else installed(assignments, Path(scratch))
        ENV["ULP_COURSE_DIR"] = str(root)
        measure(python, assignments, ns.repeat)


def measure(python: Path, assignments: list, repeat: int) -> None:
    ulp = python.with_name("ulp")
    bare = wall([str(python), "-c", "pass"], repeat)
    cli = wall([str(python), "-c", "import autograder.cli"], repeat)
    torch = wall([str(python), "-c", "import torch"], repeat)
    print(f"{ulp}: python -c pass: {bare:.2f} s; import autograder.cli: {cli:.2f} s "
          f"({cli / bare:.1f}x); import torch: {torch:.2f} s ({torch / bare:.1f}x); "
          f"median of {repeat}")
    print(f"{'assignment':20} {'ulp check':>10} {'ratio':>7} {'run-autograder':>15} {'ratio':>7} "
          f"{'check --watch':>14} {'ratio':>7}")
    for a in assignments:
        aid = a.id
        with tempfile.TemporaryDirectory(prefix=f"ulp-feedback-{aid}-") as tmp:
            submission = Path(tmp, "submission")
            submission.mkdir()
            shutil.copy(a.reference, submission / f"{aid}.py")
            check = wall([str(ulp), "check", aid, str(submission / f"{aid}.py")], repeat)
            results = Path(tmp, "results", "results.json")
            results.parent.mkdir()
            autograde = wall([str(ulp), "run-autograder", aid, "--submission", str(submission),
                              "--results", str(results), "--student-id", "s001"], repeat)
            file = submission / f"{aid}.py"
            watch = watched([str(ulp), "check", aid, str(file), "--watch"], file, repeat)
        notes = (["GPU assignment: interpreter on CPU"] if a.gpu else []) + (
            ["torch"] if "torch" in requirements(a)[0] else [])
        print(f"{aid:20} {check:9.2f}s {check / bare:6.0f}x {autograde:14.2f}s "
              f"{autograde / bare:6.0f}x {watch:13.2f}s {watch / bare:6.0f}x  {', '.join(notes)}",
              flush=True)


if __name__ == "__main__":
    main()
