"""An assignment's self-test: sample submissions and what each must score.

``assignments/<id>/selftest/`` holds sample submissions (``<name>.py``: correct ones in several
styles, realistic buggy ones, malicious ones) and ``expected.toml``, one table per sample::

    [buggy_no_check]
    fails = ["test_rejects"]      # exactly these tests fail
    says = "TypeError"            # a failing visible test's feedback says this

    [correct_loop]
    outcome = "full"              # or "zero"

The reference must score full marks and the stub zero; they are checked with the samples
without being copied here. The project's tests grade every assignment's samples in one batch
(:mod:`autograder.batch.runner`) and compare each grade with :func:`expectations`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from autograder.course.assignment import Assignment
from autograder.errors import CourseError
from autograder.model import Grade, Submission

FULL, ZERO = "full", "zero"
BUILT_IN = ("reference", "stub")


@dataclass(frozen=True)
class Expected:
    """What one sample must score: ``outcome`` full or zero, or exactly the tests ``fails``."""

    outcome: str | None = None
    fails: tuple[str, ...] = ()
    says: str | None = None

    def problems(self, g: Grade) -> list[str]:
        """Why ``g`` is not what was expected (none: it is)."""
        if g.is_grader_failure:
            return [f"the grader failed: {g.grader_error}"]
        failed = {t.name: t for t in g.tests if t.status == "failed"}
        summary = {n: t.output[:600] for n, t in failed.items()}
        if self.outcome == FULL:
            if not (g.max_score > 0 and g.score == g.max_score - g.manual_points):
                return [f"must score full marks, got {g.score:g}/{g.max_score:g}: {summary}"]
        elif self.outcome == ZERO:
            if g.score != 0:
                return [f"must score zero, got {g.score:g}; passed: "
                        f"{[t.name for t in g.tests if t.passed]}"]
        else:
            if set(failed) != set(self.fails):
                return [f"must fail exactly {sorted(self.fails)}, failed {sorted(failed)}: {summary}"]
            if self.says:
                visible = [t for t in failed.values() if not t.hidden]
                if not any(self.says.lower() in t.output.lower() for t in visible):
                    return [f"no failing visible test says {self.says!r}: {summary}"]
        return []


def expectations(a: Assignment) -> dict[str, Expected]:
    """Sample name -> what it must score, the reference and the stub included."""
    path = a.selftest / "expected.toml"
    found = {"reference": Expected(FULL), "stub": Expected(ZERO)}
    if not path.is_file():
        return found
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise CourseError(f"{path} is not valid TOML: {e}") from e
    for name, table in data.items():
        where = f"{path}: [{name}]"
        if name in BUILT_IN:
            raise CourseError(f"{where}: the reference and the stub are always checked; "
                              "remove this table")
        if not isinstance(table, dict) or set(table) - {"outcome", "fails", "says"}:
            raise CourseError(f"{where} takes outcome = \"full\" | \"zero\", or fails = [...] "
                              "with an optional says = \"...\"")
        outcome, fails = table.get("outcome"), table.get("fails")
        if (outcome is None) == (fails is None) or outcome not in (None, FULL, ZERO) \
                or not (fails is None or (isinstance(fails, list) and fails
                                          and all(isinstance(f, str) for f in fails))):
            raise CourseError(f"{where}: give either outcome = \"full\" or \"zero\", or a "
                              "non-empty fails = [\"test_name\", ...]")
        found[name] = Expected(outcome, tuple(fails or ()), table.get("says"))
    return found


def samples(a: Assignment) -> list[Submission]:
    """Every sample as a submission (student id = its name), the reference and stub first."""
    subs = [Submission("reference", a.reference, a.reference),
            Submission("stub", a.stub, a.stub)]
    kinds = (".toml", ".ipynb") if a.is_quiz else (".py",)
    for path in sorted(p for p in a.selftest.glob("*") if p.suffix in kinds
                       and p.name != "expected.toml"):
        if path.stem in BUILT_IN:
            raise CourseError(f"{path}: 'reference' and 'stub' are reserved sample names")
        subs.append(Submission(path.stem, path, path))
    return subs
