"""An assignment's files, its settings, and the per-student values derived from the course secret.

The course folder holds ``assignments/``, ``reference/`` and ``student_template/``. It is the
checkout this package lives in, or ``$ULP_COURSE_DIR``. The course secret (``$ULP_COURSE_SECRET``)
seeds hypothesis and the per-student variants with HMAC, so a statement rendered for a student
and the grader agree without storing anything; it never reaches a worker.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import importlib.util
import math
import os
import random
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.forbidden import Spec
from autograder.sandbox import Limits

DEFAULT_SEED_KEY = b"ulp: no course secret set"
# Overrides every assignment's [limits] max_examples for one run (`ulp grade --max-examples`).
MAX_EXAMPLES_ENV = "ULP_MAX_EXAMPLES"


class AssignmentError(Exception):
    """The assignment's own files are wrong (an author's mistake, not a student's)."""


def course_dir() -> Path:
    env = os.environ.get("ULP_COURSE_DIR")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "assignments").is_dir():
        return here
    return Path.cwd()


def course_secret() -> bytes | None:
    secret = os.environ.get("ULP_COURSE_SECRET")
    return secret.encode() if secret else None


def _hmac_int(*parts: str, key: bytes | None = None) -> int:
    message = "\0".join(parts).encode()
    digest = hmac.new(key or course_secret() or DEFAULT_SEED_KEY, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class LatePolicy:
    """How a late submission loses points: ``[late]`` in assignment.toml, beside ``due``.

    A submission ``grace_minutes`` or less after the due date is on time. Past that, each started
    day costs ``penalty_per_day`` of the earned score, at most ``max_penalty`` in all; a
    submission more than ``max_days`` days late (when set) scores zero. The default (no ``[late]``
    table) takes nothing off. The raw score is always kept beside the final one."""

    penalty_per_day: float = 0.0
    grace_minutes: float = 0.0
    max_penalty: float = 1.0
    max_days: int | None = None

    def assess(self, due: dt.datetime | None, submitted_at: dt.datetime | None,
               raw_score: float) -> dict:
        """Days late, the penalty (a fraction of the raw score) and the final score.

        Without a due date or a submission time nothing is late (and the record says which)."""
        days, penalty = 0, 0.0
        if due is not None and submitted_at is not None:
            if submitted_at.tzinfo is None:
                submitted_at = submitted_at.replace(tzinfo=dt.timezone.utc)
            over = submitted_at - due - dt.timedelta(minutes=self.grace_minutes)
            if over > dt.timedelta(0):
                days = math.ceil(over / dt.timedelta(days=1))
                penalty = min(days * self.penalty_per_day, self.max_penalty)
                if self.max_days is not None and days > self.max_days:
                    penalty = 1.0
        penalty = max(0.0, min(1.0, penalty))
        return {"due": due.isoformat() if due else None,
                "submitted_at": submitted_at.isoformat() if submitted_at else None,
                "days_late": days, "penalty": penalty, "raw_score": raw_score,
                "final_score": round(raw_score * (1.0 - penalty), 6)}


def _due(value, toml_path: Path) -> dt.datetime | None:
    """``due`` as an aware datetime: a TOML date-time with its UTC offset (a bare date means the
    end of that day in UTC). A time without an offset is refused: it would silently depend on the
    clock of whatever machine grades."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise AssignmentError(f"{toml_path}: due = {value.isoformat()} has no UTC offset; "
                                  f"write it with one, e.g. due = {value.isoformat()}-07:00 or "
                                  f"{value.isoformat()}Z")
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), dt.timezone.utc)
    raise AssignmentError(f"{toml_path}: due = {value!r} is not a TOML date-time; write e.g. "
                          "due = 2026-10-01T23:59:00-07:00")


def _late_policy(table: dict, toml_path: Path) -> LatePolicy:
    try:
        policy = LatePolicy(**table)
    except TypeError as e:
        raise AssignmentError(f"{toml_path}: [late] {e}; allowed keys: "
                              f"{[f.name for f in fields(LatePolicy)]}") from e
    numbers = {"penalty_per_day": policy.penalty_per_day, "grace_minutes": policy.grace_minutes,
               "max_penalty": policy.max_penalty}
    for key, value in numbers.items():
        if not isinstance(value, (int, float)) or value < 0:
            raise AssignmentError(f"{toml_path}: [late] {key} = {value!r} must be a number >= 0")
    if policy.penalty_per_day > 1 or policy.max_penalty > 1:
        raise AssignmentError(f"{toml_path}: [late] penalty_per_day and max_penalty are fractions "
                              "of the score (0.1 = 10 %), at most 1")
    if policy.max_days is not None and (not isinstance(policy.max_days, int) or policy.max_days < 0):
        raise AssignmentError(f"{toml_path}: [late] max_days = {policy.max_days!r} must be a "
                              "whole number of days >= 0")
    return policy


@dataclass
class Assignment:
    id: str
    root: Path  # the course folder
    title: str
    functions: list[str]
    attributes: list[str] = field(default_factory=list)
    gpu: bool = False
    guard_tensors: bool = False
    forbidden: Spec = field(default_factory=Spec)
    limits: Limits = field(default_factory=Limits)
    due: dt.datetime | None = None
    late: LatePolicy = field(default_factory=LatePolicy)

    @property
    def folder(self) -> Path:
        return self.root / "assignments" / self.id

    @property
    def reference(self) -> Path:
        return self.root / "reference" / f"{self.id}.py"

    @property
    def stub(self) -> Path:
        return self.root / "student_template" / f"{self.id}.py"

    @property
    def public_tests(self) -> Path:
        return self.folder / "tests" / "public"

    @property
    def hidden_tests(self) -> Path:
        return self.folder / "tests" / "hidden"

    @property
    def max_examples(self) -> int:
        """The most hypothesis examples any one test runs: ``[limits] max_examples``, or
        ``$ULP_MAX_EXAMPLES`` for one run (``ulp grade --max-examples``)."""
        override = os.environ.get(MAX_EXAMPLES_ENV)
        return _positive_int(override, MAX_EXAMPLES_ENV) if override else self.limits.max_examples

    def seed(self, student_id: str) -> int:
        """Hypothesis's seed for this student: the same on every regrade."""
        return _hmac_int("seed", self.id, student_id)

    def variant(self, student_id: str | None) -> dict:
        """The student's per-student values: drawn with an HMAC-seeded rng when a course secret
        is set, else the defaults every student shares."""
        path = self.folder / "variants.py"
        if not path.exists():
            return {}
        module = _load_module(path, f"ulp_variants_{self.id}")
        if course_secret() is None or student_id is None:
            return dict(module.DEFAULTS)
        return dict(module.draw(random.Random(_hmac_int("variant", self.id, student_id))))

    def test_files(self, include_hidden: bool = True) -> list[Path]:
        dirs = [self.public_tests] + ([self.hidden_tests] if include_hidden else [])
        return [d for d in dirs if d.is_dir()]

    def tests_hash(self) -> str:
        """A hash of everything that decides a grade: tests, reference, settings."""
        h = hashlib.sha256()
        files = sorted(p for p in self.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for p in files + [self.reference]:
            if p.exists():
                h.update(str(p.relative_to(self.root)).encode() + b"\0" + p.read_bytes())
        if os.environ.get(MAX_EXAMPLES_ENV):  # a one-run override decides grades too
            h.update(f"{MAX_EXAMPLES_ENV}={self.max_examples}".encode())
        return h.hexdigest()[:16]


def override_max_examples(value) -> None:
    """Make ``value`` this process's ``--max-examples`` (None or "" for none): the graders it
    starts, and ``Assignment.max_examples`` here, read it from the environment."""
    if value:
        os.environ[MAX_EXAMPLES_ENV] = str(value)
    else:
        os.environ.pop(MAX_EXAMPLES_ENV, None)


def _positive_int(text: str, where: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise AssignmentError(f"{where} must be a whole number of at least 1, got {text!r}")
    return n


def _load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_reference(assignment: Assignment):
    """The reference solution, imported in the grader (trusted code)."""
    if not assignment.reference.exists():
        raise AssignmentError(f"{assignment.reference} is missing: every assignment needs a "
                              "reference solution")
    return _load_module(assignment.reference, f"ulp_reference_{assignment.id}")


def list_ids(root: Path | None = None) -> list[str]:
    root = root or course_dir()
    return sorted(p.parent.name for p in (root / "assignments").glob("*/assignment.toml"))


@functools.lru_cache(maxsize=None)
def load(assignment_id: str, root: Path | None = None) -> Assignment:
    root = (root or course_dir()).resolve()
    toml_path = root / "assignments" / assignment_id / "assignment.toml"
    if not toml_path.exists():
        known = ", ".join(list_ids(root)) or "none"
        raise AssignmentError(f"no assignment {assignment_id!r} in {root / 'assignments'} "
                              f"(known: {known}); `ulp list` shows them")
    try:
        data = tomllib.loads(toml_path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise AssignmentError(f"{toml_path} is not valid TOML: {e}") from e
    try:
        limits = Limits(**data.get("limits", {}))
        spec = Spec(**data.get("forbidden", {}))
    except TypeError as e:
        allowed = [f.name for f in fields(Limits)] + [f.name for f in fields(Spec)]
        raise AssignmentError(f"{toml_path}: {e}; allowed keys: {allowed}") from e
    worker = data.get("worker", {})
    return Assignment(
        id=assignment_id, root=root, title=data.get("title", assignment_id),
        functions=list(data.get("functions", [])), attributes=list(data.get("attributes", [])),
        gpu=bool(data.get("gpu", False)), guard_tensors=bool(worker.get("guard_tensors", False)),
        forbidden=spec, limits=limits, due=_due(data.get("due"), toml_path),
        late=_late_policy(data.get("late", {}), toml_path))


def declared_points(a: Assignment, include_hidden: bool = True) -> list[tuple[str, float, bool]]:
    """(test name, points, hidden) read from the test files' ``@points(n)`` without running them:
    for listings and statements. Grading itself uses the collected markers."""
    import ast

    found = []
    for folder in a.test_files(include_hidden):
        hidden_dir = folder == a.hidden_tests
        for path in sorted(folder.glob("test_*.py")):
            for node in ast.parse(path.read_text()).body:
                if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
                    continue
                pts, hidden = None, hidden_dir
                for dec in node.decorator_list:
                    name = dec.func if isinstance(dec, ast.Call) else dec
                    name = getattr(name, "id", getattr(name, "attr", ""))
                    if name == "points" and isinstance(dec, ast.Call) and dec.args:
                        pts = ast.literal_eval(dec.args[0])
                    elif name == "hidden":
                        hidden = True
                if pts is not None:
                    found.append((node.name, float(pts), hidden))
    return found
