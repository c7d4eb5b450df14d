"""Benchmark: how many hypothesis examples does a test need to catch the bugs we know of?

    .venv/bin/python bench/catch_rate.py [--seeds K] [--max-examples N] [--generated-only]
                                         [--assignments a,b]

The self-tests (tests/test_assignment_<id>.py) grade each sample submission once, at one seed,
and say which tests each ``buggy_*`` variant must fail. This grades every buggy variant as K
students (K hypothesis seeds), with every test capped at N examples (default: each assignment's
own ``max_examples``), and counts, for each test a variant must fail, at how many seeds it did.

``--generated-only`` skips the tests' explicit ``@example`` inputs, so only hypothesis's
generated inputs can catch a bug: that is the part a lower cap weakens. Run it at two caps and
compare: a (variant, test) caught at every seed at 100 examples but not at N is what N loses.
Non-hypothesis tests (worked examples, exhaustive sweeps) catch what they catch at any cap.
Prints one line per assignment and one per (variant, test) missed at some seed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder import assignment, grading  # noqa: E402
from autograder.assignment import MAX_EXAMPLES_ENV  # noqa: E402
from autograder.plugin import GENERATED_ONLY_ENV  # noqa: E402


def expected_failures(aid: str) -> dict[str, set[str]]:
    """Each buggy variant's file name -> the tests its self-test says it fails."""
    expected = importlib.import_module(f"test_assignment_{aid}").test_outcome.expected
    return {name: set(e.names) for name, e in expected.items() if name.startswith("buggy_")}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpu = [aid for aid in assignment.list_ids() if not assignment.load(aid).gpu]
    p.add_argument("--assignments", default=",".join(cpu))
    p.add_argument("--seeds", type=int, default=5, help="students (hypothesis seeds) per variant")
    p.add_argument("--max-examples", type=int, help="cap every test at N examples")
    p.add_argument("--generated-only", action="store_true", help="skip explicit @example inputs")
    p.add_argument("--workers", type=int, default=0)
    ns = p.parse_args()
    if ns.max_examples:
        os.environ[MAX_EXAMPLES_ENV] = str(ns.max_examples)
    if ns.generated_only:
        os.environ[GENERATED_ONLY_ENV] = "1"
    os.environ.pop("ULP_COURSE_SECRET", None)  # the self-tests' expectations assume no secret
    submissions = ROOT / "tests" / "submissions"
    for aid in [a for a in ns.assignments.split(",") if a]:
        expected = expected_failures(aid)
        cap = assignment.load(aid).max_examples
        caught, unexpected = Counter(), []
        with tempfile.TemporaryDirectory(prefix=f"ulp-catch-{aid}-") as tmp:
            klass = Path(tmp, "class")
            for name in expected:
                for k in range(ns.seeds):
                    student = klass / f"{Path(name).stem}~{k}"
                    student.mkdir(parents=True)
                    (student / f"{aid}.py").write_bytes((submissions / aid / name).read_bytes())
            t0 = time.perf_counter()
            rows = grading.grade_class(aid, klass, Path(tmp, "out"), workers=ns.workers, regrade=True)
            wall = time.perf_counter() - t0
        for res in rows:
            sid = res["extra_data"]["ulp"]["student_id"]
            name = sid.split("~")[0] + ".py"
            failed = {t["name"] for t in res["tests"] if t["status"] == "failed"}
            caught.update((name, test) for test in failed & expected[name])
            unexpected += [f"{sid} failed {test}, which its self-test says it passes"
                           for test in sorted(failed - expected[name])]
        pairs = [(name, test) for name, tests in expected.items() for test in sorted(tests)]
        always = sum(caught[pair] == ns.seeds for pair in pairs)
        print(f"{aid:16} max_examples {cap:4d}{' generated only' if ns.generated_only else ''}: "
              f"{always}/{len(pairs)} (variant, test) pairs caught at all {ns.seeds} seeds "
              f"({len(expected)} variants, {wall:.0f} s)", flush=True)
        for name, test in pairs:
            if caught[(name, test)] < ns.seeds:
                print(f"  {name} {test}: caught at {caught[(name, test)]}/{ns.seeds} seeds", flush=True)
        for line in unexpected:
            print(f"  {line}", flush=True)


if __name__ == "__main__":
    main()
