"""One grading: one submission, one pytest session with :class:`GradingPlugin`, one Grade.

Call :func:`grade_submission` once per process (``ulp check``, ``ulp run-autograder``, a
batch's children): a pytest session imports the assignment's test modules, and two sessions in
one process would share them. ``ulp check --watch`` (:mod:`autograder.session.watch`) is the
one exception: it grades one assignment again and again, and sharing its unchanged test modules
is the point. The student's code runs only in the sandboxed worker the plugin starts; what
comes back here is data, judged by the tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import platform
import re
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import pytest

from autograder import DISTRIBUTION
from autograder.course import notebook, secrets
from autograder.course.assignment import Assignment
from autograder.course.forbidden import imports_of
from autograder.course.tests import PLUGINS, collect
from autograder.errors import CourseError, SandboxError, SubmissionError
from autograder.model import (FLAGS, Grade, Submission, TestVerdict, describe_flags, files_beside,
                              module_file)
from autograder.sandbox import isolation as sandbox
from autograder.sandbox import preload
from autograder.sandbox.process import Worker
from autograder.session.plugin import HIDDEN_FEEDBACK, GradingPlugin, Verdict
from autograder.session.quiz import grade_quiz
from autograder.settings import MAX_HELPER_BYTES, MAX_HELPERS, GradingSettings

STUDENT_OUTPUT_KEEP = 16 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Text from student code minus control characters (terminal escapes, bells)."""
    return _CONTROL.sub("\ufffd", text)


def versions() -> dict:
    found = {"python": platform.python_version()}
    for dist in (DISTRIBUTION, "numpy", "hypothesis", "pytest", "torch", "triton"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[dist] = metadata.version(dist)
    return found


def grading_device(a: Assignment) -> str:
    """cuda for a GPU assignment on a machine with a CUDA GPU, else cpu (Triton's interpreter)."""
    if not a.gpu:
        return "cpu"
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def _as_module(file: Path, workdir: Path) -> tuple[Path, list[str]]:
    """The file to grade: a ``.py`` as it is, a notebook converted to one (with notes)."""
    if file.suffix != ".ipynb":
        return file, []
    try:
        source, notes = notebook.to_module(file)
    except SubmissionError as e:
        source, notes = f"raise SyntaxError({str(e)!r})\n", [str(e)]
    module = workdir / f"{file.stem}.py"
    module.write_text(source)
    return module, notes


def _naming_notes(a: Assignment, file: Path) -> list[str]:
    """What the student should know about which file was graded."""
    notes = []
    if file.name not in (f"{a.id}.py", f"{a.id}.ipynb"):
        notes.append(f"{file.name} was graded as {a.id}{file.suffix}: name your file "
                     f"{a.id}{file.suffix} (the name must match, case included).")
    if file.suffix == ".py" and file.with_suffix(".ipynb").is_file():
        notes.append(f"Both {file.name} and {file.stem}.ipynb were submitted: {file.name} was "
                     "graded; submit one of them.")
    return notes


def _helpers(a: Assignment, submission: Submission, file: Path,
             module: Path) -> tuple[dict[str, bytes], list[str]]:
    """The ``.py`` files beside the module in a submitted folder that it imports, directly or
    through each other (its helper modules), bounded; and notes for the student. Files it does
    not import cannot run (dynamic imports are forbidden), so scratch files in the folder are
    neither copied nor checked. A single submitted file has none."""
    if not Path(submission.path).is_dir():
        return {}, []
    beside = {p.stem: p for p in files_beside(file) if p.name.lower() != f"{a.id}.py"}
    found, todo = [], [module.read_text(errors="replace")]
    while todo:
        for name in sorted(imports_of(todo.pop())):
            p = beside.pop(name, None)
            if p is not None:
                found.append(p)
                todo.append(p.read_text(errors="replace"))
    helpers, notes, total = {}, [], 0
    for p in found:
        size = p.stat().st_size
        if len(helpers) >= MAX_HELPERS or total + size > MAX_HELPER_BYTES:
            notes.append(f"Only {len(helpers)} helper module(s) were copied for your code to "
                         f"import (at most {MAX_HELPERS} files, {MAX_HELPER_BYTES >> 20} MiB "
                         f"in all); left out: {', '.join(q.name for q in found[len(helpers):])}.")
            break
        helpers[p.name] = p.read_bytes()
        total += size
    if helpers:
        notes.insert(0, f"Helper modules beside {file.name}: {', '.join(helpers)}.")
    return helpers, notes


def _no_submission(a: Assignment, submission: Submission, settings: GradingSettings, seed: int,
                   device: str, isolation: dict, include_hidden: bool, elapsed: float) -> Grade:
    """A submission without the module: one message, every test failed unrun, flagged."""
    folder = Path(submission.path)
    found = sorted(p.name for p in folder.iterdir() if p.is_file())[:10] if folder.is_dir() else []
    what = f"found: {', '.join(found)}" if found else "the submission holds no file"
    message = (f"No {a.id}.py (or {a.id}.ipynb) was found in the submission ({what}). "
               f"Submit your module as {a.id}.py; nothing was graded.")
    tests = [TestVerdict(name=t.name, points=t.points, passed=False, hidden=t.hidden,
                         output="Not run: no submission.")
             for t in collect(a, include_hidden, device=device)]
    return Grade(
        assignment=a.id, student_id=submission.student_id, score=0.0,
        max_score=sum(t.points for t in tests), tests=tests,
        output=clean_text("\n".join([f"{a.id}: 0 / {sum(t.points for t in tests):g} points "
                                      "from the tests.",
                                      message, *describe_flags(["no submission"])])),
        execution_time=round(elapsed, 3), flags=["no submission"], seed=seed,
        tests_hash=a.tests_hash(settings), submission_sha256=None, device=device,
        isolation=isolation, versions=versions())


def _verdict(v: Verdict) -> TestVerdict:
    """What the student is told about one test (a hidden test: its name and verdict only)."""
    if v.hidden:
        output = "Passed." if v.passed else "Failed. " + HIDDEN_FEEDBACK
    else:
        lines = [v.description] if v.description else []
        if not v.passed:
            lines.append(v.feedback or "Failed.")
        output = "\n\n".join(lines)
    return TestVerdict(name=v.name, points=v.points, passed=v.passed, hidden=v.hidden,
                       output=clean_text(output), functions=list(v.functions))


def grade_submission(a: Assignment, submission: Submission, settings: GradingSettings, *,
                     include_hidden: bool = True, quiet: bool = True,
                     worker: Worker | None = None) -> Grade:
    """Grade one submission in this process (see the module docstring); ``worker``: a held
    one to grade it in (see :class:`GradingPlugin`)."""
    if a.is_quiz:  # answers, read as data: no sandbox, no tests to run
        file = submission.file or module_file(submission.path, a.submission_names)
        grade = grade_quiz(a, submission, settings, file)
        grade.output, grade.versions = clean_text(grade.output), versions()
        for t in grade.tests:
            t.output, t.answer = clean_text(t.output), t.answer and clean_text(t.answer)
        return grade
    started = time.monotonic()
    for folder in reversed(a.test_files(include_hidden)):  # helpers import by plain name,
        if str(folder) not in sys.path:                     # from hidden tests too
            sys.path.insert(0, str(folder))
    isolation = (sandbox.require(settings.isolation, settings.allow_weak_isolation)
                 if settings.untrusted  # fail closed: checked again in every grader process
                 else worker.isolation if worker is not None  # a held worker's: it runs the code
                 else sandbox.choose(settings.isolation))
    device = grading_device(a)
    file = submission.file or module_file(submission.path, a.submission_names)
    seed = secrets.seed(settings.secret, a.id, submission.student_id)
    if file is None:
        return _no_submission(a, submission, settings, seed, device, isolation.as_dict(),
                              include_hidden, time.monotonic() - started)
    messages = _naming_notes(a, file)
    original = file
    with tempfile.TemporaryDirectory(prefix="ulp-grade-") as scratch:
        module, notes = _as_module(file, Path(scratch))
        helpers, found = _helpers(a, submission, file, module)
        messages += found + notes
        file = module
        plugin = GradingPlugin(a, file, submission.student_id, settings, isolation, device,
                               helpers, worker)
        args = [str(d) for d in a.test_files(include_hidden)] + [
            *PLUGINS, "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist",
            "--rootdir", str(a.folder), "--confcutdir", str(a.folder), "-c", os.devnull,
            f"--hypothesis-seed={seed}", "-q", "--no-header", "--tb=no", "-W", "ignore",
        ]
        # hypothesis keeps caches in ./.hypothesis unless told otherwise: keep the cwd clean.
        os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(scratch, ".hypothesis"))
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
            code = pytest.main(args, plugins=[plugin])
    if plugin.machine_errors:
        raise SandboxError(plugin.machine_errors[0])
    if plugin.author_errors:
        raise CourseError(f"the tests of {a.id} did not run: "
                          + "; ".join(dict.fromkeys(plugin.author_errors)))
    if code == pytest.ExitCode.INTERRUPTED:  # Ctrl-C: pytest caught it, stop as asked
        raise KeyboardInterrupt
    if code not in (0, 1):
        raise CourseError(f"the tests of {a.id} did not run (pytest exit {int(code)}): "
                          + sink.getvalue().strip()[-1000:])
    if plugin.worker.import_error is not None:
        messages.append(plugin.worker.describe_import_error())
    verdicts = list(plugin.outcomes.values())
    tests = [_verdict(v) for v in verdicts]
    score, max_score = sum(t.score for t in tests), sum(t.points for t in tests)
    # "from the tests": a late penalty or a change by hand may make the final score another
    summary = [f"{a.id}: {score:g} / {max_score:g} points from the tests.", *messages]
    if plugin.not_graded:
        summary.append(f"Not graded on this machine ({device}, no CUDA GPU): "
                       f"{', '.join(plugin.not_graded)}. Speed is graded only on a GPU.")
    record = isolation.as_dict()
    if plugin.worker.forked:
        record["layers"] = [*record["layers"], preload.LAYER]
    if isolation.level != "bwrap" and not settings.untrusted:  # a student's own check: a note
        record["warnings"] = [f"ran at isolation level '{isolation.level}' (this machine has no "
                              "working bubblewrap); the course's grader isolates fully"]
        summary.append(f"Note: {record['warnings'][0]}.")
    elif isolation.warnings:
        summary.append("Grader note: " + " ".join(isolation.warnings))
    flags = sorted(set(plugin.worker.events) & set(FLAGS))
    summary += describe_flags(flags)
    data = original.read_bytes()
    return Grade(
        assignment=a.id, student_id=submission.student_id, score=score, max_score=max_score,
        tests=tests, output=clean_text("\n".join(summary)),
        execution_time=round(time.monotonic() - started, 3), flags=flags, seed=seed,
        tests_hash=a.tests_hash(settings),
        submission_sha256=hashlib.sha256(data).hexdigest(),
        device=device, isolation=record, versions=versions(),
        not_graded=list(plugin.not_graded),
        # error-vs-bound pairs for the report's plots; visible tests only (no hidden input)
        observations={v.name: v.observations for v in verdicts if v.observations and not v.hidden},
        leaderboard=[e for v in verdicts if not v.hidden for e in v.leaderboard],
        student_output=clean_text(bytes(plugin.worker.output[:STUDENT_OUTPUT_KEEP])
                                  .decode("utf-8", "replace")))
