"""ulp behind otter-grader: what otter's test files and otter's autograder call.

- :func:`answer` is called by each case of the otter test files that
  :mod:`autograder.course.otter` writes. It grades the notebook *as saved* (the module its code
  cells form, :mod:`autograder.course.notebook`) in a fresh grader process whose worker runs it
  in the sandbox, exactly as ``ulp check`` (kind ``check``: the public tests, the student's own
  machine) or ``ulp run-autograder`` (kind ``grade``: every test, untrusted code) would, then
  raises that one test's message, shrunk input included, or returns for a pass. One grading
  serves every case while the saved notebook stays the same. Nothing here reads the kernel's
  variables: what is graded is what will be submitted.
- :func:`question_map` measures which function each test calls, on the reference, so each test
  belongs to one question of the notebook.
- ``UlpPlugin`` (an otter plugin, named in the otter_config.json of ``ulp export otter``) makes
  otter's autograder execute none of the student's code in its own kernel: every cell but the
  markdown goes before otter runs the notebook, and the test files grade the original file in
  ulp's sandbox.

otter itself is imported inside functions only: it is an optional extra (``ulp[otter]``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from pathlib import Path

from autograder.batch import intake
from autograder.batch.backends import Job, grade_in_subprocess
from autograder.course import identity
from autograder.course import otter as course_otter
from autograder.course.assignment import Assignment, load
from autograder.errors import MissingExtra, UlpError
from autograder.model import Grade, Submission
from autograder.settings import COURSE_DIR_ENV, GradingSettings, default_course_dir

OTTER_EXTRA = ("otter-grader is not installed in this Python: install ulp's otter extra "
               "(pip install 'ulp-autograder[otter]') and run again")
_GRADES: dict[tuple, tuple[Grade | None, str]] = {}  # one grading per saved notebook and kind


def require_otter():
    """The otter package, or a :class:`MissingExtra` saying how to install it."""
    try:
        import otter  # noqa: PLC0415 - an optional extra
    except ImportError as e:
        raise MissingExtra(OTTER_EXTRA) from e
    return otter


# --------------------------------------------------------------------------- which test is which question

def question_map(a: Assignment, settings: GradingSettings, *, public_only: bool) -> dict[str, list]:
    """{question: [(test, points, hidden)]}: each test under the function it calls on the
    reference (the last of them in the stub's order), tests that call none under
    :data:`autograder.course.otter.VALUES`. The reference is graded once, trusted, with the
    class's default values."""
    if not a.reference.exists():
        raise UlpError(f"{a.reference} is missing: which test checks which function is measured "
                       "on the reference")
    with tempfile.TemporaryDirectory(prefix="ulp-otter-") as tmp:
        run = grade_in_subprocess(
            a, Job(Submission("reference", a.reference, a.reference), Path(tmp)),
            settings.replace(secret=None, untrusted=False), public_only=public_only)
    if run.grade is None or run.grade.score != run.grade.max_score:
        why = run.problem[-500:] if run.grade is None else ", ".join(run.grade.failed[:5])
        raise UlpError(f"the reference of {a.id} does not pass its own tests ({why}): "
                       f"`ulp validate {a.id}` says more")
    _, _, functions = course_otter.split_module(a.stub.read_text(), a.stub)
    order = [name for name, _ in functions]
    order += [f for f in a.functions if f not in order]
    return course_otter.questions_from(
        [(t.name, t.points, t.hidden, t.functions) for t in run.grade.tests], order)


# --------------------------------------------------------------------------- a case of a test file

def _notebook_path(env: dict, aid: str) -> Path:
    """The notebook the check grades: the one otter's ``Notebook`` was given, else
    ``<id>.ipynb`` in the working folder, else the only notebook there."""
    for value in list(env.values()):
        path = getattr(value, "_notebook", None)
        if type(value).__name__ == "Notebook" and isinstance(path, str) and Path(path).is_file():
            return Path(path).resolve()
    here = Path.cwd()
    if (here / f"{aid}.ipynb").is_file():
        return (here / f"{aid}.ipynb").resolve()
    found = sorted(here.glob("*.ipynb"))
    if len(found) == 1:
        return found[0].resolve()
    raise AssertionError(f"ulp grades the saved notebook, and cannot tell which it is: save it as "
                         f"{aid}.ipynb in {here} (found: {', '.join(p.name for p in found) or 'none'})")


def _course_dir(notebook: Path, aid: str, options: dict) -> Path:
    """Where the assignment's files are: the test file's option, $ULP_COURSE_DIR, the folder
    (or a folder above) holding assignments/<id>/ (a student bundle), else ulp's default."""
    for candidate in options.get("course", []):
        path = Path(candidate)
        if (path / "assignments" / aid / "assignment.toml").is_file():
            return path.resolve()
    if os.environ.get(COURSE_DIR_ENV):
        return Path(os.environ[COURSE_DIR_ENV]).resolve()
    for folder in [notebook.parent, *notebook.parent.parents]:
        if (folder / "assignments" / aid / "assignment.toml").is_file():
            return folder
    return default_course_dir()


def stale_cells(env: dict, saved_code: list[str]) -> list[str]:
    """Names defined by a cell as the kernel last ran it that the saved notebook does not hold in
    that form: run, but not saved. Empty outside IPython (no history to compare)."""
    shell = env.get("get_ipython")
    history = None
    try:
        history = list(shell().history_manager.input_hist_raw) if callable(shell) else None
    except Exception:  # not IPython, or no history: nothing to compare
        history = None
    if not history:
        return []
    saved = {c.strip() for c in saved_code}
    latest: dict[str, str] = {}
    for source in history:
        text = "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                         for line in source.splitlines())
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                latest[node.name] = source.strip()
    return sorted(name for name, source in latest.items() if source not in saved)


def _grade(kind: str, notebook: Path, aid: str, options: dict) -> tuple[Grade | None, str]:
    data = notebook.read_bytes()
    course = _course_dir(notebook, aid, options)
    settings = GradingSettings.from_env(course_dir=course)
    if kind == "check":  # the student's own code, on their machine: as `ulp check`
        settings, student = settings.replace(untrusted=False), "local"
    else:  # an autograder: untrusted, under the submitter's id where the run gives one
        secret = Path(options["secret"]) if options.get("secret") else None
        if secret is not None and secret.is_file():
            settings = settings.replace(secret=secret.read_bytes().strip() or None)
        settings = settings.replace(
            untrusted=True, allow_weak_isolation=bool(options.get("allow_weak_isolation")))
        student = intake.gradescope_student(notebook.parent, identity.student_key(course)) \
            or "student"
    key = (kind, hashlib.sha256(data).hexdigest(), str(course), student, settings.secret)
    if key in _GRADES:
        return _GRADES[key]
    a = load(course, aid)
    with tempfile.TemporaryDirectory(prefix="ulp-otter-") as tmp:
        run = grade_in_subprocess(a, Job(Submission(student, notebook.parent, notebook), Path(tmp)),
                                  settings, public_only=kind == "check")
    _GRADES.clear()
    _GRADES[key] = (run.grade, run.problem)
    return _GRADES[key]


def answer(env: dict, aid: str, test: str, kind: str, options: str = "{}") -> None:
    """One case of an otter test file: return if ulp's test ``test`` passes on the saved
    notebook, else raise AssertionError with ulp's message for it."""
    options = json.loads(options)
    notebook = _notebook_path(env, aid)
    if kind == "check":
        import nbformat  # noqa: PLC0415 - only for notebooks

        try:
            saved = [c.source for c in nbformat.read(str(notebook), as_version=4).cells
                     if c.cell_type == "code"]
        except Exception:
            saved = []
        unsaved = stale_cells(env, saved)
        if unsaved:
            raise AssertionError(
                f"you ran a version of {', '.join(unsaved)} that {notebook.name} does not hold "
                "as saved: save the notebook (File > Save, or Ctrl-S), then run this check "
                "again. The check grades the saved notebook, which is what you submit.")
    try:
        grade, problem = _grade(kind, notebook, aid, options)
    except UlpError as e:
        raise AssertionError(f"ulp could not grade {notebook.name}: {e.message}") from None
    if grade is None:
        raise AssertionError(f"ulp could not grade {notebook.name}: {problem[-1500:]}")
    verdict = next((t for t in grade.tests if t.name == test), None)
    if verdict is None:
        raise AssertionError(f"ulp's test {test} was not run on {notebook.name}: "
                             + grade.output[-1500:])
    if not verdict.passed:
        notes = grade.output.splitlines()[1:]  # after "<id>: x / y points from the tests."
        raise AssertionError("\n\n".join([verdict.output or "Failed."] +
                                         (["\n".join(notes)] if notes else [])))


# --------------------------------------------------------------------------- the otter plugin

def _plugin_class():
    """``UlpPlugin``, made on first use (it subclasses otter's plugin base, an optional extra):
    otter's autograder then runs the notebook with its code cells left out, so nothing of the
    student's runs outside ulp's sandbox; the test files grade the file itself."""
    require_otter()
    import nbformat  # noqa: PLC0415 - with otter only
    from otter.plugins import AbstractOtterPlugin  # noqa: PLC0415 - an optional extra

    class UlpPlugin(AbstractOtterPlugin):
        def before_execution(self, submission):
            if isinstance(submission, str):  # a .py submission: run nothing of it here
                return ""
            kept = [c for c in submission.cells if c.cell_type == "markdown"]
            nb = nbformat.v4.new_notebook(cells=kept, metadata=submission.metadata)
            return nb

    return UlpPlugin


def __getattr__(name: str):
    if name == "UlpPlugin":  # otter imports its plugins by name: autograder.batch.otter.UlpPlugin
        return _plugin_class()
    raise AttributeError(name)
