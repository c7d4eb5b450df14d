"""The ``ulp`` command line: one function per command, and the edge of the program.

Only here is the environment read (:meth:`GradingSettings.from_env`, click's ``envvar``), and
only here are errors shown: every :class:`~autograder.errors.UlpError` becomes one line on
stderr and the error's exit code, never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import getpass
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from autograder import DISTRIBUTION
from autograder.batch import intake, runner
from autograder.batch import otter as otter_grading
from autograder.batch.backends import Job, grade_in_subprocess
from autograder.course import identity, quiz
from autograder.course import release as releases
from autograder.course import scaffold
from autograder.course import statement as statements
from autograder.course.assignment import Assignment, list_ids, load
from autograder.course.tests import collect
from autograder.errors import SandboxError, SubmissionError, UlpError, UsageError
from autograder.model import Grade, Late, Submission
from autograder.output import class_report, exports
from autograder.output import otter as otter_export
from autograder.output.report import render_markdown, write_student_files
from autograder.sandbox import isolation
from autograder.session import watch as watching
from autograder.session.grade import grade_submission
from autograder.settings import MAX_EXAMPLES_ENV, GradingSettings

console = Console()
err = Console(stderr=True)


class _Failed(click.ClickException):
    """A UlpError as click shows it: ``Error: <message>`` and the error's exit code."""

    def __init__(self, error: UlpError):
        super().__init__(error.message)
        self.exit_code = error.exit_code


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UlpError as e:
            raise _Failed(e) from None


def _settings(**overrides) -> GradingSettings:
    return GradingSettings.from_env(**overrides)


WEAK_HELP = ("Grade even where bubblewrap does not work, at the strongest weaker level that still "
             "runs student code under a uid of its own; every result and the class report say "
             "so. Never as the grader's own user.")


def _assignments(settings: GradingSettings, assignment_id: str | None, all_: bool) -> list[Assignment]:
    if all_:
        return [load(settings.course_dir, aid) for aid in list_ids(settings.course_dir)]
    if not assignment_id:
        raise UsageError("give an assignment id, or --all (see `ulp list`)")
    return [load(settings.course_dir, assignment_id)]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION)
def main():
    """ulp: grade numerics and inference-kernel assignments with property-based tests."""


@main.command("list")
def list_cmd():
    """List the assignments with their points (as pytest collects their tests)."""
    settings = _settings()
    table = Table("id", "title", "public", "hidden", "points", "gpu")
    for a in _assignments(settings, None, True):
        tests = collect(a)
        public = sum(t.points for t in tests if not t.hidden)
        hidden = sum(t.points for t in tests if t.hidden)
        table.add_row(a.id, a.title, f"{public:g}", f"{hidden:g}", f"{public + hidden:g}",
                      "yes" if a.gpu else "")
    console.print(table)


@main.command()
@click.argument("assignment_id", required=False)
@click.option("--all", "all_", is_flag=True, help="Validate every assignment.")
def validate(assignment_id, all_):
    """Check an assignment: the reference scores full marks and the stub scores zero."""
    # Fixed files cannot hold every student's hand-worked answer: grade with the defaults. The
    # reference and the stub are the course's own code: any isolation level will do.
    settings = _settings().replace(secret=None, untrusted=False)
    failed = False
    table = Table("assignment", "reference", "stub", "verdict")
    for a in _assignments(settings, assignment_id, all_):
        with tempfile.TemporaryDirectory() as tmp:
            runs = {who: grade_in_subprocess(a, Job(Submission(who, path, path), Path(tmp, who)),
                                             settings)
                    for who, path in (("reference", a.reference), ("stub", a.stub))}
        ref, stub = runs["reference"].grade, runs["stub"].grade
        ok = (ref is not None and stub is not None and ref.max_score > 0  # by hand: staff's
              and ref.score == ref.max_score - ref.manual_points and stub.score == 0)
        try:
            statements.render(a)
            problems = quiz.problems(a) if a.is_quiz else []
        except UlpError as e:
            problems = [e.message]
        for problem in problems[:20]:
            ok = False
            err.print(f"[red]{a.id}[/]: {escape(problem)}")
        failed |= not ok
        by_hand = f" (+{ref.manual_points:g} by hand)" if ref and ref.manual_points else ""
        table.add_row(a.id, f"{ref.score:g}/{ref.max_score:g}{by_hand}" if ref else "failed",
                      f"{stub.score:g}" if stub else "failed",
                      "[green]ok[/]" if ok else "[red]FAILED[/]")
        if not ok:
            for who, run in runs.items():
                if run.grade is None:
                    err.print(f"[red]{a.id} {who}[/]: {escape(run.problem[-800:])}")
                    continue
                bad = [t for t in run.grade.tests
                       if t.passed == (who == "stub") and not t.manual]
                for t in bad[:10]:
                    err.print(f"[red]{a.id} {who}[/]: {t.name}: {escape(t.output[:800])}")
    console.print(table)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("assignment_id")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--student-id", default="local", show_default=True,
              help="Whose seed and per-student values to use.")
@click.option("--watch", is_flag=True,
              help="Keep running: check FILE again each time it (or a .py file beside it) is "
                   "saved, from a warm grader, until Ctrl-C.")
def check(assignment_id, file, student_id, watch):
    """Run the public tests on your FILE (default ./ID.py) and print the report; for a quiz,
    say which answers in FILE (default ./ID.toml) are well-formed."""
    settings = _settings().replace(untrusted=False)  # your own code, on your own machine
    a = load(settings.course_dir, assignment_id)
    if a.is_quiz:
        if watch:
            raise UsageError(f"--watch checks code; {assignment_id} is a quiz: run "
                             f"`ulp check {assignment_id}` after you change your answers")
        _check_quiz(a, file or Path(f"{assignment_id}.toml"))
    file = file or Path(f"{assignment_id}.py")
    if not file.is_file():
        raise UsageError(f"{file} does not exist: write your solution in {assignment_id}.py "
                         "(start from the stub) or give its path")
    # the file's folder, as a submitted folder is graded: .py files beside it are its helpers
    file = file.resolve()
    if watch:
        _watch(a, file, student_id, settings)
    grade = grade_submission(a, Submission(student_id, file.parent, file), settings,
                             include_hidden=False)
    console.print(Markdown(render_markdown(grade)))
    _hidden_note(a, grade)
    sys.exit(0 if grade.score == grade.max_score else 1)


def _hidden_note(a: Assignment, grade: Grade) -> None:
    # a student's bundle has no hidden tests: no second pytest session to find none
    hidden = sum(t.points for t in collect(a) if t.hidden) if a.hidden_tests.is_dir() else 0
    if hidden:
        console.print(f"These were the public tests ({grade.max_score:g} points). When you "
                      f"submit, hidden tests worth {hidden:g} more points run too.")


def _watch(a: Assignment, file: Path, student_id: str, settings: GradingSettings) -> None:
    """``ulp check --watch``: a report per save, until Ctrl-C or SIGTERM (exit 0)."""
    first = True

    def show(grade: Grade, seconds: float) -> None:
        nonlocal first
        console.print(Markdown(render_markdown(grade)))
        if first:
            _hidden_note(a, grade)
            first = False
        console.print(f"[{time.strftime('%H:%M:%S')}] {grade.score:g} / {grade.max_score:g} "
                      f"in {seconds:.2f} s. Watching {file.name} for changes (Ctrl-C to stop).",
                      markup=False, highlight=False)

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` cleans up as Ctrl-C does
    try:
        watching.watch(a, file, student_id, settings, show)
    except KeyboardInterrupt:
        console.print("Stopped watching.")
        sys.exit(0)


def _check_quiz(a: Assignment, file: Path) -> None:
    """A quiz's check: which answers are well-formed, never which are right."""
    if not file.is_file():
        raise UsageError(f"{file} does not exist: write your answers in {a.id}.toml (start from "
                         "the answers template) or give its path")
    answers = quiz.read_answers(file)
    for problem in answers.problems:
        err.print(f"[yellow]{escape(problem)}[/]")
    table = Table("answer", "well-formed", "note")
    rows = quiz.check_form(quiz.form_of(a), answers)
    for key, ok, note in rows:
        table.add_row(key, "[green]yes[/]" if ok else "[red]no[/]", escape(note))
    console.print(table)
    good = sum(ok for _, ok, _ in rows)
    when = (", and shown at once." if a.quiz.feedback == "immediate"
            else "; results come after the due date.")
    console.print(f"{good} of {len(rows)} answers are well-formed. Whether they are right is "
                  f"graded when you submit{when}")
    sys.exit(0 if good == len(rows) and not answers.problems else 1)


@main.command()
@click.argument("assignment_id")
@click.option("--student-id", help="Render the student's own version (their per-student values).")
def statement(assignment_id, student_id):
    """Print an assignment's statement (Markdown), for the class or for one student."""
    settings = _settings()
    click.echo(statements.render(load(settings.course_dir, assignment_id), student_id,
                                 settings.secret))


@main.command("new")
@click.argument("assignment_id")
@click.option("--title", help="The assignment's title (default: its id).")
def new(assignment_id, title):
    """Start a new assignment: its folder, a reference and a stub that `ulp validate` accepts."""
    settings = _settings()
    made = scaffold.new(settings.course_dir, assignment_id, title)
    for path in made:
        console.print(f"wrote {path}")
    console.print(f"next: edit them, then `ulp validate {assignment_id}` (docs/authoring.md)")


@main.command("run-autograder")
@click.argument("assignment_id")
@click.option("--submission", type=click.Path(path_type=Path, exists=True), required=True,
              help="The folder holding the student's submission (Gradescope: /autograder/submission).")
@click.option("--results", type=click.Path(path_type=Path), required=True,
              help="Where to write results.json (Gradescope: /autograder/results/results.json).")
@click.option("--student-id", help="The student id for the seed; default: the course's "
              "student key (course.toml: sid, email or user_id) of the submitter in "
              "submission_metadata.json beside the submission, else 'student'.")
@click.option("--allow-weak-isolation", is_flag=True, help=WEAK_HELP)
def run_autograder(assignment_id, submission, results, student_id, allow_weak_isolation):
    """Grade one submission the way Gradescope calls an autograder."""
    settings = _settings(allow_weak_isolation=allow_weak_isolation or None)
    a = load(settings.course_dir, assignment_id)
    try:
        sid = student_id or intake.gradescope_student(
            submission, identity.student_key(settings.course_dir)) or "student"
    except SubmissionError as e:  # never graded under another id: "could not grade", and why
        write_student_files(Grade.failure(a.id, "unknown", e.message, 0.0), results.parent)
        raise
    try:
        grade = grade_submission(a, Submission(sid, submission, intake.submitted_module(
            submission, a.id, settings.cache_dir, a.submission_names)), settings)
    except SandboxError as e:  # the student still gets a results.json: "could not grade"
        write_student_files(Grade.failure(a.id, sid, e.message, 0.0), results.parent)
        raise
    if a.late.takes_effect:  # ulp's late policy, with Gradescope's submission time
        submitted, gradescope_due = intake.gradescope_times(submission)
        r = a.late.assess(a.due or gradescope_due, submitted, grade.score)
        grade.late = Late(r["submitted_at"], r["days_late"], r["penalty"], r["raw_score"],
                          r["final_score"], r["due"])
    write_student_files(grade, results.parent)
    if results.name != "results.json":
        (results.parent / "results.json").replace(results)
    console.print(f"{assignment_id}: {grade.final_score:g} / {grade.max_score:g} -> {results}")


DB_HELP = ("The gradebook: a SQLAlchemy URL (postgresql+psycopg://user@host/course for a shared "
           "one) or a SQLite file path. Default: $ULP_DB, else OUT/gradebook.sqlite.")


@main.command()
@click.argument("assignment_id", required=False)
@click.argument("submissions", required=False, type=click.Path(path_type=Path))
@click.option("--all", "all_", is_flag=True, help="Grade every assignment.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder, one for the whole course: OUT/<assignment>/<student>/"
              "results.json and reports, OUT/<assignment>/grades.csv and class-report.html, and "
              "the gradebook OUT/gradebook.sqlite.")
@click.option("--workers", type=int, default=0, show_default="number of CPUs",
              help="Submissions graded in parallel.")
@click.option("--backend", type=click.Choice(list(runner.BACKENDS)), default="local",
              show_default=True,
              help="Where grading runs: local (this machine, a pre-loaded grader forking a child "
              "per submission) or ray (one Ray task per submission; the nodes need ulp installed).")
@click.option("--address", metavar="ADDR",
              help="With --backend ray: the cluster to join (ray://head:10001 or head:6379); "
              "default: $RAY_ADDRESS (Ray reads it), else a local Ray instance.")
@click.option("--regrade", is_flag=True,
              help="Grade again even where OUT holds a current grade (after a test fix); the "
              "gradebook keeps the earlier grades as history.")
@click.option("--student", "only", multiple=True, metavar="ID",
              help="Grade only this student (repeatable); with --regrade, regrade only them.")
@click.option("--db", envvar="ULP_DB", help=DB_HELP)
@click.option("--max-examples", type=click.IntRange(min=1), envvar=MAX_EXAMPLES_ENV,
              help="Run at most N hypothesis examples per test instead of each assignment's "
              "max_examples (e.g. a more thorough final regrade); grades made with another "
              "count are graded again.")
@click.option("--allow-weak-isolation", is_flag=True, help=WEAK_HELP)
def grade(assignment_id, submissions, all_, out, workers, backend, address, regrade, only, db,
          max_examples, allow_weak_isolation):
    """Grade a class and record it in the gradebook.

    SUBMISSIONS is a folder with one sub-folder per student (named by the student id), or the
    zip Gradescope's "Export Submissions" downloads (or that zip unpacked). A batch that was
    interrupted resumes: current grades in OUT are kept, the rest are graded."""
    if all_ and submissions is None and assignment_id:  # `ulp grade --all SUBMISSIONS`
        assignment_id, submissions = None, Path(assignment_id)
    if submissions is None:
        raise UsageError("give SUBMISSIONS: a folder with one sub-folder per student, or a "
                         "Gradescope export zip")
    if not submissions.exists():
        raise UsageError(f"SUBMISSIONS {submissions} does not exist: give a folder with one "
                         "sub-folder per student, or a Gradescope export zip")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: give a folder (it is made if missing) for "
                         "the results, the reports and the gradebook")
    if all_ and intake.is_gradescope_export(submissions):
        raise UsageError(f"{submissions} is a Gradescope export, which holds one assignment: "
                         "give that assignment's id instead of --all")
    settings = _settings(max_examples=max_examples,
                         allow_weak_isolation=allow_weak_isolation or None)
    todo = _assignments(settings, assignment_id, all_)
    if backend == "local":  # fail closed before grading (a Ray node checks its own)
        isolation.require(settings.isolation, settings.allow_weak_isolation)
    engine = runner.backend_for(backend, workers=workers, address=address)
    from autograder.output import gradebook  # the database layer: only where a gradebook is used

    with gradebook.open_gradebook(out, db) as book:
        for a in todo:
            _grade_one(a, submissions, out / a.id, book, settings, engine,
                       regrade=regrade, only=set(only) or None)
        err.print(f"gradebook: {gradebook.safe_url(book.url)}")


def _grade_one(a: Assignment, submissions: Path, target: Path, book, settings, engine, *,
               regrade: bool, only: set[str] | None) -> None:
    """One assignment: grade (resuming), record each grade, then write the class report."""
    subs = intake.find(submissions, a.id, settings.cache_dir, identity.student_key(a.root),
                       a.submission_names)
    if only:
        missing = sorted(only - {s.student_id for s in subs})
        if missing:
            raise SubmissionError(
                f"{submissions}: no submission for {', '.join(missing)} (students there: "
                f"{', '.join(s.student_id for s in subs[:20]) or 'none'})")
    if subs and all(s.source == "gradescope" and s.file is None for s in subs):
        raise SubmissionError(
            f"{submissions}: no submission in this Gradescope export has {a.id}.py (or "
            f"{a.id}.ipynb); is it the export of another assignment? Give that assignment's id")
    graded = {}
    with Progress(TextColumn(f"[bold]{a.id}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err) as bar:
        task = bar.add_task("", total=len(only) if only else len(subs))

        def advance(submission: Submission, g) -> None:
            book.record(g, submission, due=a.due, late=a.late)
            graded[submission.student_id] = g
            bar.update(task, advance=1, description=f"{submission.student_id}: {g.score:g}")

        runner.grade_class(a, subs, target, settings, backend=engine, regrade=regrade,
                           only=only, progress=advance, trusted=book.agrees)
    current = {c.student_id: c for c in book.current(a.id)}
    late = any(c.days_late for c in current.values())
    table = Table("student", "score", "failed tests", "flags", *(["late", "final"] if late else []),
                  title=f"{a.id} → {target}")
    for s in subs:
        g = graded.get(s.student_id)
        if g is None:
            continue
        c = current.get(s.student_id)
        extra = [f"{c.days_late} d, -{100 * c.penalty:g} %", f"{c.final_score:g}"] if late and c else []
        table.add_row(s.student_id, f"{g.score:g} / {g.max_score:g}", _names(g.failed),
                      ", ".join(g.flags), *extra)
    console.print(table)
    _class_report(target, a.id, list(current.values()))


def _names(names: list[str], width: int = 60) -> str:
    """As many whole names as fit in ``width`` characters, then how many more (never a name cut
    in the middle)."""
    shown: list[str] = []
    for i, name in enumerate(names):
        more = len(names) - i - 1
        if shown and len(", ".join([*shown, name]) + (f", +{more} more" if more else "")) > width:
            return ", ".join(shown) + f", +{len(names) - i} more"
        shown.append(name)
    return ", ".join(shown)


def _class_report(target: Path, aid: str, current: list) -> Path | None:
    """The class report from the gradebook's current grades (late numbers included)."""
    if not current:
        return None
    path = class_report.write(target, aid, [c.grade for c in current])
    err.print(f"{aid}: class report {path}")
    return path


@main.command()
@click.argument("assignment_id")
@click.argument("student_id")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The output folder of `ulp grade` (its gradebook, and the files to update).")
@click.option("--set", "set_to", type=float, metavar="POINTS", help="Make the final score POINTS.")
@click.option("--add", type=float, metavar="POINTS",
              help="Add POINTS to the final score (negative: take off).")
@click.option("--undo", is_flag=True, help="Undo the student's override.")
@click.option("--reason", default="", help="Why (required with --set and --add): kept in the "
              "gradebook's history and shown in the student's report.")
@click.option("--db", envvar="ULP_DB", help=DB_HELP)
def override(assignment_id, student_id, out, set_to, add, undo, reason, db):
    """Change one student's grade by hand, with a reason, or undo that change.

    The gradebook keeps every override (an undo marks it undone); the class report, grades.csv,
    the student's results.json and reports and the Canvas CSV all show the changed score."""
    if sum(x is not None and x is not False for x in (set_to, add, undo or None)) != 1:
        raise UsageError("give exactly one of --set POINTS, --add POINTS or --undo")
    from autograder.output import gradebook  # the database layer: only where a gradebook is used

    with gradebook.open_gradebook(out, db, create=False) as book:
        if undo:
            book.undo_override(assignment_id, student_id)
        else:
            book.override(assignment_id, student_id, "set" if set_to is not None else "add",
                          set_to if set_to is not None else add, reason, getpass.getuser())
        current = book.current(assignment_id)
    target = out / assignment_id
    mine = next(c for c in current if c.student_id == student_id)
    if (target / student_id / "results.json").is_file():
        write_student_files(mine.grade, target / student_id)
    _class_report(target, assignment_id, current)
    console.print(f"{assignment_id} {student_id}: {mine.final_score:g} / {mine.max_score:g}"
                  + (f" (by hand: {mine.grade.adjustment.reason})" if mine.grade.adjustment else ""))


@main.command("report")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--db", envvar="ULP_DB", help=DB_HELP)
@click.option("--assignment", "only", multiple=True, metavar="ID",
              help="Only this assignment (repeatable). Default: every assignment in the gradebook.")
@click.option("--canvas", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the Canvas gradebook CSV. Default: OUT/canvas.csv.")
@click.option("--roster", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="CSV with student_id and any of name, canvas_id, sis_user_id, sis_login_id, "
              "section: fills Canvas's columns (without it the SIS User ID is the student id).")
def report_cmd(out, db, only, canvas, roster):
    """Rebuild the class reports and write a Canvas CSV, from the gradebook alone.

    Each assignment's class report goes to OUT/<assignment>/, beside its students' folders (as
    `ulp grade` lays them out). The Canvas CSV (OUT/canvas.csv) has the columns
    Canvas's Gradebook → Import reads, one per assignment, with the final (late-adjusted)
    scores."""
    from autograder.output import gradebook  # the database layer: only where a gradebook is used

    with gradebook.open_gradebook(out, db, create=False) as book:
        ids = list(only) or book.assignments()
        if not ids:
            raise UsageError(f"the gradebook {gradebook.safe_url(book.url)} holds no grades yet: "
                             "run `ulp grade` first")
        table = Table("assignment", "students", "mean", "late", "class report",
                      title=f"report → {out}")
        for aid in ids:
            current = book.current(aid)
            if not current:
                raise UsageError(f"no grades for {aid} in {gradebook.safe_url(book.url)} "
                                 f"(it holds: {', '.join(book.assignments()) or 'none'})")
            target = out / aid
            path = _class_report(target, aid, current)
            mean = sum(c.final_score for c in current) / len(current)
            table.add_row(aid, str(len(current)), f"{mean:.2f} / {current[0].max_score:g}",
                          str(sum(1 for c in current if c.days_late)), str(path))
        entries = exports.read_canvas_roster(roster) if roster else None
        canvas = exports.write_canvas_csv(canvas or out / "canvas.csv",
                                          exports.canvas_rows(book, ids, entries))
    console.print(table)
    console.print(f"Canvas CSV: {canvas} (Canvas: Grades → Import)")


@main.command()
@click.argument("assignment_id", required=False)
@click.option("--all", "all_", is_flag=True, help="Release every assignment.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder: OUT/<id>/<id>-student.zip, <id>-gradescope.zip, statements/.")
@click.option("--roster", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="CSV with a student_id column (on Gradescope: the user id): one statement per "
              "student for assignments with per-student values. Set ULP_COURSE_SECRET first.")
@click.option("--notebook", is_flag=True, help="Also a Jupyter notebook with otter-grader check "
              "cells (OUT/<id>/<id>.ipynb, and in the student bundle with its otter test files); "
              "needs the otter extra.")
def release(assignment_id, all_, out, roster, notebook):
    """Cut a release: student bundles, per-student statements and a Gradescope autograder zip.

    The student bundle never holds the reference or a hidden test (checked before writing). The
    Gradescope zip holds them, and the course secret if one is set: upload it to Gradescope only."""
    settings = _settings()
    students = releases.read_roster(roster) if roster else []
    table = Table("assignment", "student bundle", "gradescope", "statements", "needs",
                  title=f"release → {out}")
    todo = _assignments(settings, assignment_id, all_)
    if notebook:
        otter_grading.require_otter()
    wheel = releases.engine_wheel()  # what students install: one build for every bundle
    for a in todo:
        # a quiz's notebook (answer cells, read as data) is always in its bundle: no otter there
        questions = (otter_grading.question_map(a, settings, public_only=True)
                     if notebook and not a.is_quiz else None)
        made = releases.release(a, out / a.id, students, secret=settings.secret, wheel=wheel,
                                questions=questions)
        for warning in made.warnings:
            err.print(f"[yellow]{a.id}[/]: {escape(warning)}")
        table.add_row(a.id, made.student_zip.name, made.gradescope_zip.name,
                      str(len(made.statements)), escape(" ".join(made.requirements)))
    console.print(table)


@main.group("export")
def export_group():
    """Write an assignment in another grader's format."""


@export_group.command("otter")
@click.argument("assignment_id")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The folder to write: otter_config.json, requirements.txt, tests/, files/ and "
              "the student notebook; run `otter generate` in it.")
@click.option("--allow-weak-isolation", is_flag=True, help=WEAK_HELP)
def export_otter(assignment_id, out, allow_weak_isolation):
    """An otter-grader autograder for ASSIGNMENT_ID, graded by ulp in its sandbox.

    OUT is what `otter generate` turns into otter's autograder zip (for `otter run`, `otter
    grade` or Gradescope); ulp grades each submission behind otter's test files. The folder holds
    the reference and the hidden tests (and the course secret if set): keep it private."""
    otter_grading.require_otter()
    settings = _settings()
    a = load(settings.course_dir, assignment_id)
    if a.is_quiz:
        raise UsageError(f"{a.id} is a quiz: its answers are data, not code otter could run; "
                         f"its release already has a notebook (`ulp release {a.id}`)")
    questions = otter_grading.question_map(a, settings, public_only=False)
    written = otter_export.write(a, out, questions, releases.engine_wheel(),
                                  releases.requirements(a), settings.secret,
                                  allow_weak_isolation=allow_weak_isolation)
    console.print(f"{assignment_id}: {written} (next: cd {written} && otter generate)")


def entry() -> NoReturn:
    """The ``ulp`` command. When a command has ended and its exit handlers have run (temporary
    folders, a Ray cluster started here, logging), the process ends without the interpreter's
    teardown of every module it imported (numpy, pytest, hypothesis, torch): 0.1 s of a one-shot
    ``ulp check`` or ``run-autograder``. Where a thread of its own is still running, Python
    ends as usual and waits for it."""
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    if not (code is None or isinstance(code, int)) or any(
            t.is_alive() and not t.daemon for t in threading.enumerate()
            if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()  # what Python runs at exit, before it tears the modules down
    with contextlib.suppress(OSError):  # a closed pipe: Python ignores it at exit too
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
