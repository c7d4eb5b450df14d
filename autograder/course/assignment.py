"""An assignment's files and its settings (``assignment.toml``), validated as they are read.

A course folder holds ``assignments/<id>/`` (settings, statement, tests, self-tests, variants),
``reference/<id>.py`` and ``student_template/<id>.py``. Everything here is explicit about which
course folder it reads: the command line decides that once
(:class:`autograder.settings.GradingSettings`). Every mistake in ``assignment.toml`` (an unknown
key, a wrong type, a missing function list) is a :class:`~autograder.errors.CourseError` that
names the file and the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.course.forbidden import Spec, imports_of
from autograder.errors import CourseError
from autograder.model import submission_names
from autograder.settings import GradingSettings, Limits

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

    @property
    def takes_effect(self) -> bool:
        """Whether a late submission can lose anything under this policy."""
        return self.penalty_per_day > 0 or self.max_days is not None

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
            raise CourseError(f"{toml_path}: due = {value.isoformat()} has no UTC offset; "
                                  f"write it with one, e.g. due = {value.isoformat()}-07:00 or "
                                  f"{value.isoformat()}Z")
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), dt.timezone.utc)
    raise CourseError(f"{toml_path}: due = {value!r} is not a TOML date-time; write e.g. "
                          "due = 2026-10-01T23:59:00-07:00")



def _late_policy(table: dict, toml_path: Path) -> LatePolicy:
    policy = _table(LatePolicy, table, toml_path, "[late]")
    if policy.penalty_per_day > 1 or policy.max_penalty > 1:
        raise CourseError(f"{toml_path}: [late] penalty_per_day and max_penalty are fractions "
                          "of the score (0.1 = 10 %), at most 1")
    for key in ("penalty_per_day", "grace_minutes", "max_penalty", "max_days"):
        value = getattr(policy, key)
        if value is not None and value < 0:
            raise CourseError(f"{toml_path}: [late] {key} = {value!r} must be >= 0")
    return policy


@dataclass(frozen=True)
class WorkerOptions:
    """The [worker] table: how the worker treats the student's values."""

    # Place every floating tensor argument inside a larger buffer of NaN, so an unmasked load
    # past its end shows and a store past it is caught (the Triton assignments).
    guard_tensors: bool = False
    # A Python file of the assignment folder that the worker runs before it imports the
    # student's module: course code that prepares a library for the sandbox (e.g. sends a
    # kernel that would be compiled into read-only site-packages to its pure-PyTorch version).
    setup: str = ""
    # Count each call's torch operations into ``sub.last_meta["torch_ops"]``: for a test that
    # checks how the work is organised (chunks, not tokens), never how long it takes.
    count_torch_ops: bool = False
    # Tensor arguments keep their strides: a transposed or sliced view reaches the student as
    # one (a kernel must then handle strides); otherwise every tensor arrives contiguous.
    strided_tensors: bool = False


@dataclass(frozen=True)
class QuizOptions:
    """The [quiz] table of a quiz (``kind = "quiz"``): when students learn what they got right."""

    # "after_due": each question's result is shown on Gradescope after the due date (Gradescope's
    # after_due_date visibility); "immediate": at once (a practice quiz).
    feedback: str = "after_due"
    # True: a grading made after the due date shows the right answer beside each wrong one.
    reveal_answers: bool = False


@dataclass(frozen=True)
class Assignment:
    id: str
    root: Path  # the course folder
    title: str
    functions: list[str]
    attributes: list[str] = field(default_factory=list)
    gpu: bool = False
    worker: WorkerOptions = field(default_factory=WorkerOptions)
    forbidden: Spec = field(default_factory=Spec)
    limits: Limits = field(default_factory=Limits)
    due: dt.datetime | None = None
    late: LatePolicy = field(default_factory=LatePolicy)
    requirements: list[str] = field(default_factory=list)  # pip packages the tests need
    kind: str = "code"  # "code": a module graded by tests; "quiz": answers (course/quiz.py)
    quiz: QuizOptions = field(default_factory=QuizOptions)

    @property
    def is_quiz(self) -> bool:
        return self.kind == "quiz"

    @property
    def submission_names(self) -> tuple[str, ...]:
        """The file names a submission may use, in order of preference."""
        return submission_names(self.id, self.is_quiz)

    @property
    def folder(self) -> Path:
        return self.root / "assignments" / self.id

    @property
    def toml(self) -> Path:
        return self.folder / "assignment.toml"

    @property
    def reference(self) -> Path:
        """The reference solution; a quiz's is its answer key for the default values."""
        return self.root / "reference" / f"{self.id}{'.toml' if self.is_quiz else '.py'}"

    def reference_imports(self) -> set[str]:
        """The top-level modules the reference imports (none where it cannot be read)."""
        try:
            return imports_of(self.reference.read_text())
        except OSError:
            return set()

    @property
    def stub(self) -> Path:
        """What students start from; a quiz's is its blank answers file."""
        return self.root / "student_template" / f"{self.id}{'.toml' if self.is_quiz else '.py'}"

    @property
    def statement(self) -> Path:
        return self.folder / "statement.md.j2"

    @property
    def worker_setup(self) -> Path | None:
        """The course's worker setup file (``[worker] setup``), if the assignment has one."""
        return self.folder / self.worker.setup if self.worker.setup else None

    @property
    def public_tests(self) -> Path:
        return self.folder / "tests" / "public"

    @property
    def hidden_tests(self) -> Path:
        return self.folder / "tests" / "hidden"

    @property
    def selftest(self) -> Path:
        """Sample submissions with their expected outcomes (``expected.toml``)."""
        return self.folder / "selftest"

    def test_files(self, include_hidden: bool = True) -> list[Path]:
        dirs = [self.public_tests] + ([self.hidden_tests] if include_hidden else [])
        return [d for d in dirs if d.is_dir()]

    def max_examples(self, settings: GradingSettings | None = None) -> int:
        """The most hypothesis examples any one test runs: this run's ``--max-examples``, else
        ``[limits] max_examples``."""
        return (settings and settings.max_examples) or self.limits.max_examples

    def tests_hash(self, settings: GradingSettings | None = None) -> str:
        """A hash of everything that decides a grade: tests, reference, settings (the self-test
        submissions excepted: they are graded, they do not grade)."""
        h = hashlib.sha256()
        files = sorted(p for p in self.folder.rglob("*") if p.is_file()
                       and "__pycache__" not in p.parts and self.selftest not in p.parents)
        for p in files + [self.reference]:
            if p.exists():
                h.update(str(p.relative_to(self.root)).encode() + b"\0" + p.read_bytes())
        if settings is not None and settings.max_examples:  # a one-run override decides grades too
            h.update(f"max_examples={settings.max_examples}".encode())
        return h.hexdigest()[:16]


# --------------------------------------------------------------------------- reading the toml

TOP_LEVEL = {"title": str, "functions": list[str], "attributes": list[str], "gpu": bool,
             "due": object, "requirements": list[str], "kind": str}
TABLES = {"forbidden": Spec, "limits": Limits, "late": LatePolicy, "worker": WorkerOptions,
          "quiz": QuizOptions}


def _type_ok(value, kind) -> bool:
    if kind is object:
        return True
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        return any(_type_ok(value, k) for k in typing.get_args(kind))
    if kind is type(None):
        return value is None
    origin = typing.get_origin(kind)
    if origin is list:
        (item,) = typing.get_args(kind)
        return isinstance(value, list) and all(_type_ok(v, item) for v in value)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind_name(kind) -> str:
    names = {str: "a string", bool: "true or false", int: "a whole number", float: "a number",
             list[str]: "a list of strings"}
    if isinstance(kind, types.UnionType):
        return " or ".join(_kind_name(k) for k in typing.get_args(kind) if k is not type(None))
    return names.get(kind, getattr(kind, "__name__", str(kind)))


def _check_keys(data: dict, allowed: dict, toml_path: Path, where: str) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise CourseError(f"{toml_path}: unknown key {where}{key!r}; allowed: "
                              f"{', '.join(sorted(allowed))}")
        if not _type_ok(value, allowed[key]):
            raise CourseError(f"{toml_path}: {where}{key} = {value!r} must be "
                              f"{_kind_name(allowed[key])}")


def _table(cls, data, toml_path: Path, where: str):
    """A settings dataclass from one TOML table: unknown keys and wrong types are refused."""
    if not isinstance(data, dict):
        raise CourseError(f"{toml_path}: {where} must be a table")
    hints = typing.get_type_hints(cls)
    _check_keys(data, {f.name: hints[f.name] for f in fields(cls)}, toml_path, f"{where} ")
    return cls(**data)


def list_ids(root: Path) -> list[str]:
    return sorted(p.parent.name for p in (Path(root) / "assignments").glob("*/assignment.toml"))


def load(root: Path, assignment_id: str) -> Assignment:
    """The assignment ``assignment_id`` of the course at ``root``, its settings validated."""
    root = Path(root).resolve()
    toml_path = root / "assignments" / assignment_id / "assignment.toml"
    if not toml_path.is_file():
        known = ", ".join(list_ids(root)) or "none"
        raise CourseError(f"no assignment {assignment_id!r} in {root / 'assignments'} "
                          f"(known: {known}); `ulp list` shows them")
    try:
        data = tomllib.loads(toml_path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise CourseError(f"{toml_path} is not valid TOML: {e}") from e
    tables = {k: data.pop(k) for k in list(data) if k in TABLES}
    _check_keys(data, {**TOP_LEVEL, **{k: dict for k in TABLES}}, toml_path, "")
    kind = data.get("kind", "code")
    if kind not in ("code", "quiz"):
        raise CourseError(f"{toml_path}: kind = {kind!r} must be \"code\" or \"quiz\"")
    quiz = _table(QuizOptions, tables.get("quiz", {}), toml_path, "[quiz]")
    if quiz.feedback not in ("after_due", "immediate"):
        raise CourseError(f"{toml_path}: [quiz] feedback = {quiz.feedback!r} must be "
                          "\"after_due\" or \"immediate\"")
    if kind == "code" and not data.get("functions") and not data.get("attributes"):
        raise CourseError(f"{toml_path}: no functions = [...] (the names students must write); "
                          "add the list of functions the tests call")
    parsed = {k: _table(TABLES[k], v, toml_path, f"[{k}]") for k, v in tables.items()
              if k not in ("late", "quiz")}
    worker = parsed.get("worker", WorkerOptions())
    if worker.setup and (Path(worker.setup).is_absolute() or ".." in Path(worker.setup).parts
                         or not worker.setup.endswith(".py")
                         or not (toml_path.parent / worker.setup).is_file()):
        raise CourseError(f"{toml_path}: [worker] setup = {worker.setup!r} must name a .py file "
                          "inside the assignment's folder; create it or remove the key")
    return Assignment(
        id=assignment_id, root=root, title=data.get("title", assignment_id),
        functions=list(data.get("functions", [])), attributes=list(data.get("attributes", [])),
        gpu=data.get("gpu", False), worker=worker,
        forbidden=parsed.get("forbidden", Spec()), limits=parsed.get("limits", Limits()),
        due=_due(data.get("due"), toml_path),
        late=_late_policy(tables.get("late", {}), toml_path),
        requirements=list(data.get("requirements", [])), kind=kind, quiz=quiz)


def load_module(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_reference(assignment: Assignment) -> types.ModuleType:
    """The reference solution, imported in the grader (trusted code)."""
    if not assignment.reference.exists():
        raise CourseError(f"{assignment.reference} is missing: every assignment needs a "
                          "reference solution (`ulp new` writes one to start from)")
    return load_module(assignment.reference, f"ulp_reference_{assignment.id}")
