"""Benchmark: how many hypothesis examples does a test need to catch the bugs we know of?

    .venv/bin/python bench/catch_rate.py [--seeds K] [--max-examples N] [--generated-only]
                                         [--assignments a,b]

The self-tests (assignments/<id>/selftest/expected.toml) grade each sample submission once, at
one seed, and say which tests each ``buggy_*`` variant must fail. This grades every buggy variant as K
students (K hypothesis seeds), with every test capped at N examples (default: each assignment's
own ``max_examples``), and counts, for each test a variant must fail, at how many seeds it did.

``--generated-only`` skips the tests' explicit ``@example`` inputs, so only hypothesis's
generated inputs can catch a bug: that is the part a lower cap weakens. Run it at two caps and
compare: a (variant, test) caught at every seed at 100 examples but not at N is what N loses.
Non-hypothesis tests (worked examples, exhaustive sweeps) catch what they catch at any cap.
Prints one line per assignment, one per (variant, test) missed at some seed, and the share of
(variant, test, seed) triples caught over all the assignments.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from autograder.batch import runner
from autograder.batch.backends import LocalBackend
from autograder.course import selftest
from autograder.course.assignment import list_ids, load
from autograder.model import Submission
from autograder.settings import GradingSettings


def expected_failures(a) -> dict[str, set[str]]:
    """Each buggy variant's name -> the tests its self-test says it fails."""
    return {name: set(e.fails) for name, e in selftest.expectations(a).items()
            if name.startswith("buggy_")}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # the self-tests' expectations assume the default per-student values: no course secret
    settings = GradingSettings.from_env().replace(secret=None)
    root = settings.course_dir
    cpu = [aid for aid in list_ids(root) if not load(root, aid).gpu]
    p.add_argument("--assignments", default=",".join(cpu))
    p.add_argument("--seeds", type=int, default=5, help="students (hypothesis seeds) per variant")
    p.add_argument("--max-examples", type=int, help="cap every test at N examples")
    p.add_argument("--generated-only", action="store_true", help="skip explicit @example inputs")
    p.add_argument("--workers", type=int, default=0)
    ns = p.parse_args()
    settings = settings.replace(max_examples=ns.max_examples, generated_only=ns.generated_only)
    totals = Counter()
    for aid in [a for a in ns.assignments.split(",") if a]:
        a = load(root, aid)
        expected = expected_failures(a)
        cap = a.max_examples(settings)
        caught, unexpected = Counter(), []
        subs = [Submission(f"{name}~{k}", a.selftest / f"{name}.py", a.selftest / f"{name}.py")
                for name in expected for k in range(ns.seeds)]
        with tempfile.TemporaryDirectory(prefix=f"ulp-catch-{aid}-") as tmp:
            t0 = time.perf_counter()
            grades = runner.grade_class(a, subs, Path(tmp), settings,
                                        backend=LocalBackend(ns.workers), regrade=True)
            wall = time.perf_counter() - t0
        errors = sorted({g.grader_error for g in grades if g.grader_error})
        for g in grades:
            sid = g.student_id
            name = sid.split("~")[0]
            failed = set(g.failed)
            caught.update((name, test) for test in failed & expected[name])
            unexpected += [f"{sid} failed {test}, which its self-test says it passes"
                           for test in sorted(failed - expected[name])]
        pairs = [(name, test) for name, tests in expected.items() for test in sorted(tests)]
        always = sum(caught[pair] == ns.seeds for pair in pairs)
        triples = sum(caught[pair] for pair in pairs)
        totals.update(caught=triples, of=len(pairs) * ns.seeds)
        print(f"{aid:16} max_examples {cap:4d}{' generated only' if ns.generated_only else ''}: "
              f"{always}/{len(pairs)} (variant, test) pairs caught at all {ns.seeds} seeds, "
              f"{triples}/{len(pairs) * ns.seeds} (variant, test, seed) triples "
              f"({len(expected)} variants, {wall:.0f} s)", flush=True)
        for name, test in pairs:
            if caught[(name, test)] < ns.seeds:
                print(f"  {name} {test}: caught at {caught[(name, test)]}/{ns.seeds} seeds", flush=True)
        for line in unexpected:
            print(f"  {line}", flush=True)
        for error in errors:  # a test file that cannot run catches nothing: say why
            print(f"  GRADER ERROR (no figure above counts): {error}", flush=True)
    if totals["of"]:
        print(f"all: {totals['caught']}/{totals['of']} (variant, test, seed) triples caught, "
              f"{100 * totals['caught'] / totals['of']:.1f} %", flush=True)


if __name__ == "__main__":
    main()
