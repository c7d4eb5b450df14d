"""``ulp release``: what an instructor hands out, and what Gradescope runs.

For each assignment, ``DIR/<id>/`` receives:

- ``<id>-student.zip``, the student bundle: the statement, the stub as ``<id>.py``, the public
  tests with the few files ``ulp check`` needs to run them, and a README that says how. Never
  the reference, never a hidden test, never the course secret: every bundle is checked for them
  before it is written (:func:`leaks`), and a release that would leak stops.
- ``statements/<student>.md``, each student's own statement, where the assignment has variants
  and a roster is given. Rendered under the course secret, it names the values that the grader
  derives for that student from the same secret, so nothing per student is stored.
- ``<id>-gradescope.zip``, an autograder following Gradescope's specification
  (https://gradescope-autograders.readthedocs.io/en/latest/specs/): ``setup.sh`` and
  ``run_autograder`` at the root (from ``platform/gradescope/``), the engine's source for
  setup.sh to install, ``ulp-release.env`` (which assignment, which packages) and ``course/``,
  a course folder holding only this assignment, its reference and its stub.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import autograder
from autograder.course import otter as notebooks
from autograder.course import quiz
from autograder.course import roster as rosters
from autograder.course import statement as statements
from autograder.course.assignment import Assignment
from autograder.course.forbidden import imported_modules
from autograder.errors import ReleaseError
from autograder.model import STUDENT_ID

ENGINE_ROOT = Path(autograder.__file__).resolve().parent.parent
GRADESCOPE_DIR = ENGINE_ROOT / "platform" / "gradescope"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same zip
SKIP_PARTS = {"__pycache__", ".hypothesis", ".pytest_cache"}

PIP_NAMES = {"yaml": "pyyaml", "PIL": "pillow", "sklearn": "scikit-learn"}


def _project(requirement: str) -> str:
    """The project a pip requirement (or a distribution's name) names, normalised
    (``ML_dtypes>=0.4`` -> ``ml-dtypes``)."""
    return re.match(r"\s*([A-Za-z0-9_.-]*)", requirement).group(1).lower().replace("_", "-")


@functools.lru_cache(maxsize=1)
def engine_modules() -> tuple[frozenset[str], dict[str, str]]:
    """(modules the engine's own dependencies bring, {module: the extra that brings it}), read
    from the installed distribution's metadata (pyproject's dependencies), not a copy of them."""
    dists: dict[str, str | None] = {}  # lower-case distribution name -> extra, None for core
    try:
        requires = metadata.requires(autograder.DISTRIBUTION) or []
    except metadata.PackageNotFoundError as e:
        raise ReleaseError("ulp is not installed as a package here, so its dependencies are "
                           "unknown: install it (pip install -e . in the course repository)") from e
    for req in requires:
        name = _project(req)
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)", req)
        if extra is None:
            dists[name] = None
        elif name not in dists and extra.group(1) != "dev":  # dev: the project's own tools
            dists[name] = extra.group(1)
    core, extras = {"autograder", "_pytest"}, {}
    for module, owners in metadata.packages_distributions().items():
        for owner in owners:
            key = _project(owner)
            if key in dists:
                if dists[key] is None:
                    core.add(module)
                else:
                    extras.setdefault(module, dists[key])
    return frozenset(core), extras


# --------------------------------------------------------------------------- inputs

def read_roster(path: Path) -> list[str]:
    """The student ids of a roster CSV (a ``student_id`` column; other columns are ignored)."""
    ids: list[str] = []
    for line, sid, _ in rosters.rows(path):
        if not STUDENT_ID.fullmatch(sid):
            raise ReleaseError(f"{path}, line {line}: student id {sid!r} cannot name a file "
                               "(use letters, digits and . @ + _ -, not starting with '.')")
        if sid not in ids:
            ids.append(sid)
    return ids


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not SKIP_PARTS & set(p.parts)
                  and p.suffix != ".pyc")


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_text())
    except SyntaxError as e:
        raise ReleaseError(f"{path} does not parse ({e}): fix it before releasing") from e


def _grading_files(a: Assignment) -> list[Path]:
    """What grading ``a`` reads from its folder: everything but the self-test samples."""
    return [p for p in _files(a.folder) if a.selftest not in p.parents]


def requirements(a: Assignment) -> tuple[list[str], list[str]]:
    """(engine extras, further pip packages) that grading ``a`` needs: what its tests, reference
    and variants import beyond the standard library and the engine, plus the optional
    ``requirements = [...]`` list of its assignment.toml."""
    sources = [p for p in _grading_files(a) + [a.reference] if p.suffix == ".py"]
    local = {p.stem for p in sources} | {a.id}
    found: set[str] = set()
    for path in sources:
        if not path.exists():
            continue
        found |= imported_modules(_parse(path))
    core, by_extra = engine_modules()
    found -= set(sys.stdlib_module_names) | core | local | {"__future__"}
    extras = {by_extra[m] for m in found if m in by_extra}
    if a.gpu:
        extras.add("torch")
    named = {_project(r) for r in a.requirements}  # a requirement's bounds win over a bare name
    packages = {PIP_NAMES.get(m, m) for m in found if m not in by_extra}
    packages = {p for p in packages if _project(p) not in named} | set(a.requirements)
    return sorted(extras), sorted(packages)


# --------------------------------------------------------------------------- the student bundle

README = """\
# {title} (`{id}`)

What is in this folder:

- `statement.md`: the assignment.
- `{id}.py`: the stub to start from. Write your solution in it; it is the file you submit.
- `assignments/{id}/tests/public/`: the public tests, the same ones the grader runs (it adds
  hidden tests of its own, so passing these is necessary, not sufficient).
- `assignments/{id}/assignment.toml`: the settings the checker reads (forbidden names, limits).
- `wheels/{wheel}`: the checker itself (ulp, the course's grader, without any
  solution or hidden test). Install this file, not a package named `ulp` from PyPI: that is
  another program.

## Check your work

Once, in this folder, install the checker (Python 3.11 or newer) in a virtual environment:

```
python3 -m venv .venv
.venv/bin/pip install "wheels/{wheel}{extras}"{more}
```

Then, in this folder, run the public tests on your file:

```
.venv/bin/ulp check {id} {id}.py
```

It runs your module in a sandbox, as the grader does, and prints a report: every failing test
with the smallest input it found. Values that are yours alone (named in your own statement) are
checked when you submit; locally every test uses the class's default values.

While you work, `.venv/bin/ulp check {id} {id}.py --watch` runs the tests again each time you
save the file, with a new report in about the time the tests take (Ctrl-C stops it).
"""


def engine_wheel() -> tuple[str, bytes]:
    """(file name, bytes) of the engine's wheel, built from this checkout with pip: what a
    student installs from the bundle (the package only: no course, no reference, no test)."""
    with tempfile.TemporaryDirectory(prefix="ulp-wheel-") as tmp:
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                                "--no-build-isolation", "--wheel-dir", tmp, str(ENGINE_ROOT)],
                               capture_output=True, text=True,  # fixed times: the same bytes
                               env=dict(os.environ, SOURCE_DATE_EPOCH="315532800"))
        wheels = list(Path(tmp).glob("*.whl"))
        if built.returncode != 0 or len(wheels) != 1:
            raise ReleaseError(f"could not build the engine's wheel from {ENGINE_ROOT} for the "
                               f"student bundle: {(built.stderr or built.stdout)[-800:]}")
        data = wheels[0].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the engine, never the course
        stray = [n for n in z.namelist() if not n.startswith(("autograder/", "ulp_autograder-"))]
    if stray:
        raise ReleaseError(f"the engine's wheel holds files outside the package: {stray[:5]}")
    return wheels[0].name, data


QUIZ_README = """\
# {title} (`{id}`)

What is in this folder:

- `statement.md`: the questions, with the class's default values. Your own values (and the
  order of your options) are in the statement your instructor gives you: answer those.
- `{id}.toml`: the answers file to fill in and submit (one `key = value` line per answer), or
- `{id}.ipynb`: the same as a notebook (answer in its code cells and submit the notebook).
- `wheels/{wheel}`: the checker (ulp), to see that every answer is well-formed. Install this
  file, not a package named `ulp` from PyPI: that is another program.

## Check your answers' form

```
python3 -m venv .venv
.venv/bin/pip install "wheels/{wheel}"
.venv/bin/ulp check {id} {id}.toml
```

It tells you which answers are well-formed (a number where a number is asked, the right count
of bits), never which are right: that is graded when you submit.
"""


def quiz_files(a: Assignment, statement: str, wheel: tuple[str, bytes],
               questions: list) -> dict[str, bytes]:
    """The student bundle of a quiz: statement, blank answers (TOML and notebook), the form
    ``ulp check`` reads, the checker; never a question file (they compute the answers)."""
    top = f"{a.id}/"
    course = f"{top}assignments/{a.id}/"
    return {top + "README.md": QUIZ_README.format(title=a.title, id=a.id, wheel=wheel[0]).encode(),
            top + "statement.md": statement.encode(), top + f"{a.id}.toml": a.stub.read_bytes(),
            top + f"{a.id}.ipynb": quiz.notebook(a, questions, statement),
            top + "wheels/" + wheel[0]: wheel[1],
            course + "assignment.toml": (a.folder / "assignment.toml").read_bytes(),
            course + quiz.FORM: json.dumps(quiz.form(questions), indent=1).encode()}


def student_files(a: Assignment, statement: str, wheel: tuple[str, bytes]) -> dict[str, bytes]:
    """Zip member name -> content of the student bundle (all under a top folder ``<id>/``)."""
    if not a.stub.exists():
        raise ReleaseError(f"{a.stub} is missing: every assignment needs a stub for students")
    if a.is_quiz:
        return quiz_files(a, statement, wheel, quiz.Quiz(a).questions())
    extras, packages = requirements(a)
    more = "".join(f" {shlex.quote(p)}" for p in packages)  # a bound's < and > are shell syntax
    readme = README.format(title=a.title, id=a.id, wheel=wheel[0], more=more,
                           extras="[" + ",".join(extras) + "]" if extras else "")
    top = f"{a.id}/"
    files = {top + "README.md": readme.encode(), top + "statement.md": statement.encode(),
             top + f"{a.id}.py": a.stub.read_bytes(), top + "wheels/" + wheel[0]: wheel[1]}
    course = f"{top}assignments/{a.id}/"
    files[course + "assignment.toml"] = (a.folder / "assignment.toml").read_bytes()
    if (a.folder / "variants.py").exists():  # the draw, not anyone's values: those need the secret
        files[course + "variants.py"] = (a.folder / "variants.py").read_bytes()
    if a.worker_setup:  # the worker runs it before the student's module, on their machine too
        files[course + a.worker.setup] = a.worker_setup.read_bytes()
    for path in _files(a.public_tests):
        files[course + path.relative_to(a.folder).as_posix()] = path.read_bytes()
    return files


def _public_tests_need_reference(a: Assignment) -> list[str]:
    """Public tests that ask for ``ref``: a student's ``ulp check`` has no reference to give."""
    found = []
    for path in _files(a.public_tests):
        if path.suffix != ".py":
            continue
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test") \
                    and "ref" in [arg.arg for arg in node.args.args + node.args.kwonlyargs]:
                found.append(f"{path.name}::{node.name}")
    return found


def leaks(files: dict[str, bytes], a: Assignment, secret: bytes | None) -> list[str]:
    """What in ``files`` (a bundle for students) must not be there: the reference, a hidden test
    file, the course secret. One line per problem; none means the bundle may go out."""
    problems = []
    private = [a.reference] + [p for p in _files(a.hidden_tests) if p.suffix == ".py"]
    if a.is_quiz:  # the questions compute the answers
        private += _files(a.folder / "questions")
    private_texts = [(p, p.read_bytes().strip()) for p in private if p.exists()]
    if a.is_quiz and a.reference.exists():  # and no line of the answer key, one by one
        private_texts += [(a.reference, line.strip().encode())
                          for line in a.reference.read_text().splitlines() if "=" in line]
    for name, data in files.items():
        parts = name.split("/")
        if "reference" in parts or "hidden" in parts or "questions" in parts:
            problems.append(f"{name}: reference, hidden and question files are never shipped "
                            "to students")
        for path, text in private_texts:
            if text and text in data:
                problems.append(f"{name} contains {path}" + (f" ({text.decode()[:40]})"
                                                            if path.suffix == ".toml" else ""))
        if secret and secret in data:
            problems.append(f"{name} contains the course secret")
    return problems


def quoted_lines(files: dict[str, bytes], a: Assignment, min_length: int = 24) -> list[str]:
    """Lines of the reference or of a hidden test that also appear in a student file where the
    stub and public tests do not already have them: often a formula a statement means to show,
    sometimes a slip. Release prints them for the author to look at."""
    shipped = b"\n".join([a.stub.read_bytes() if a.stub.exists() else b""] +
                         [p.read_bytes() for p in _files(a.public_tests)])
    private = [a.reference] + [p for p in _files(a.hidden_tests) if p.suffix == ".py"]
    found = []
    for path in private:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            line = line.strip()
            raw = line.encode()
            if len(line) < min_length or line.startswith(("#", "import ", "from ")) or raw in shipped:
                continue
            for name, data in files.items():
                if raw in data:
                    found.append(f"{name} quotes {path.name}: {line}")
    return found


# --------------------------------------------------------------------------- the Gradescope zip

def _engine_files() -> dict[str, bytes]:
    pyproject = ENGINE_ROOT / "pyproject.toml"
    if not pyproject.exists() or not (GRADESCOPE_DIR / "run_autograder").exists():
        raise ReleaseError(f"the Gradescope zip bundles the engine's source, and {ENGINE_ROOT} is "
                           "not a checkout of ulp (no pyproject.toml or platform/gradescope/): run "
                           "`ulp release` from a clone of the course repository (pip install -e .)")
    files = {"pyproject.toml": pyproject.read_bytes()}
    if (ENGINE_ROOT / "README.md").exists():  # pyproject names it as the readme
        files["README.md"] = (ENGINE_ROOT / "README.md").read_bytes()
    package = Path(autograder.__file__).resolve().parent
    for path in _files(package):
        files["autograder/" + path.relative_to(package).as_posix()] = path.read_bytes()
    return files


def gradescope_files(a: Assignment, secret: bytes | None) -> dict[str, tuple[bytes, int]]:
    """Zip member name -> (content, mode) of the Gradescope autograder for ``a``."""
    if not a.reference.exists():
        raise ReleaseError(f"{a.reference} is missing: the autograder needs the reference")
    extras, packages = requirements(a)
    env = "\n".join([
        "# Written by `ulp release`: what setup.sh installs and run_autograder grades.",
        f"ULP_ASSIGNMENT={shlex.quote(a.id)}",
        f"ULP_EXTRAS={shlex.quote(','.join(extras))}",
        f"ULP_REQUIREMENTS={shlex.quote(' '.join(packages))}",
        f"ULP_VERSION={shlex.quote(autograder.__version__)}", ""])
    files = {name: (data, 0o644) for name, data in _engine_files().items()}
    for script in ("setup.sh", "run_autograder"):
        files[script] = ((GRADESCOPE_DIR / script).read_bytes(), 0o755)
    files["ulp-release.env"] = (env.encode(), 0o644)
    for path in _grading_files(a):
        files["course/" + path.relative_to(a.root).as_posix()] = (path.read_bytes(), 0o644)
    files[f"course/reference/{a.reference.name}"] = (a.reference.read_bytes(), 0o600)
    if a.stub.exists():
        files[f"course/student_template/{a.stub.name}"] = (a.stub.read_bytes(), 0o644)
    if (a.root / "course.toml").is_file():  # the course's student key (identity.py)
        files["course/course.toml"] = ((a.root / "course.toml").read_bytes(), 0o644)
    if secret:  # the grader must derive the same per-student values as the statements
        files["course_secret"] = (secret, 0o600)
    return files


def write_zip(path: Path, files: dict[str, bytes | tuple[bytes, int]]) -> Path:
    """A zip with sorted members, fixed timestamps and Unix modes (unzip restores them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            data, mode = files[name] if isinstance(files[name], tuple) else (files[name], 0o644)
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3  # Unix: the mode below is honoured
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------- one release

@dataclass
class Release:
    assignment_id: str
    folder: Path
    student_zip: Path
    gradescope_zip: Path
    statements: list[Path] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notebooks: list[Path] = field(default_factory=list)


def release(a: Assignment, out: Path, students: list[str] = (), *,
            secret: bytes | None = None, wheel: tuple[str, bytes] | None = None,
            questions: dict[str, list] | None = None) -> Release:
    """Write ``a``'s release into ``out`` (``DIR/<id>``): see the module docstring. ``secret``
    is the course secret: it draws each student's statement, and the Gradescope zip carries it.
    ``wheel`` is the engine's (:func:`engine_wheel`), built once for a release of many.
    ``questions`` (public tests by question, :mod:`autograder.course.otter`) adds the student
    notebook: in the bundle with its otter test files, as ``<id>.ipynb`` beside it, and one per
    student in ``notebooks/`` where statements are per student."""
    out = Path(out)
    warnings = []
    needs_ref = _public_tests_need_reference(a)
    if needs_ref:
        raise ReleaseError(f"{a.public_tests}: {', '.join(needs_ref)} use the `ref` fixture, but a "
                           "student's `ulp check` has no reference; compute the expected values "
                           "in the test (or a helper beside it) or move the test to tests/hidden/")
    generic = statements.render(a, None, secret)
    wheel = wheel or engine_wheel()
    bundle = student_files(a, generic, wheel)
    per_student: dict[str, str] = {}
    if students and statements.per_student(a):  # refused without the secret
        per_student = {sid: statements.render(a, sid, secret) for sid in students}
    own = {f"statements/{s}.md": t.encode() for s, t in per_student.items()}
    if a.is_quiz:  # each student's notebook too
        drawn = quiz.Quiz(a)
        own |= {f"statements/{s}.ipynb": quiz.notebook(a, drawn.questions(secret, s), t)
                for s, t in per_student.items()}
    if questions is not None:
        bundle.update(notebooks.bundle_files(a, generic, questions, wheel[0],
                                             requirements(a)[0], f"{a.id}/"))
        own |= {f"notebooks/{sid}.ipynb": notebooks.notebook(a, text, questions)
                for sid, text in per_student.items()}
    problems = leaks(bundle, a, secret) + leaks(own, a, secret)
    if problems:
        raise ReleaseError(f"the student files of {a.id} would leak, so nothing was released:\n  "
                           + "\n  ".join(problems))
    warnings += quoted_lines(bundle, a)
    out.mkdir(parents=True, exist_ok=True)
    (out / "statement.md").write_text(generic)
    student_zip = write_zip(out / f"{a.id}-student.zip", bundle)
    written = []
    for name, data in own.items():
        target = out / name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    gradescope_zip = write_zip(out / f"{a.id}-gradescope.zip", gradescope_files(a, secret))
    extras, packages = requirements(a)
    made = []
    if questions is not None:  # the class's notebook beside the bundle (each student's: above)
        made.append(out / f"{a.id}.ipynb")
        made[0].write_bytes(bundle[f"{a.id}/{a.id}.ipynb"])
        made += [p for p in written if p.parent.name == "notebooks"]
    return Release(a.id, out, student_zip, gradescope_zip, written,
                   ([f"ulp-autograder[{','.join(extras)}]"] if extras else []) + packages, warnings,
                   made)
