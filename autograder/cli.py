"""The ``ulp`` command line: one function per command (a contract: see DESIGN.md)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from autograder import assignment as assignments
from autograder import grading, report, results
from autograder import statement as statements
from autograder.assignment import MAX_EXAMPLES_ENV

console = Console()
err = Console(stderr=True)


def _ids(assignment_id: str | None, all_: bool) -> list[str]:
    if all_:
        return assignments.list_ids()
    if not assignment_id:
        raise click.UsageError("give an assignment id, or --all (see `ulp list`)")
    assignments.load(assignment_id)  # a clear error for an unknown id
    return [assignment_id]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ulp")
def main():
    """ulp: grade numerics and inference-kernel assignments with property-based tests."""


@main.command("list")
def list_cmd():
    """List the assignments with their points."""
    table = Table("id", "title", "public", "hidden", "points", "gpu")
    for aid in assignments.list_ids():
        a = assignments.load(aid)
        tests = assignments.declared_points(a)
        public = sum(p for _, p, h in tests if not h)
        hidden = sum(p for _, p, h in tests if h)
        table.add_row(aid, a.title, f"{public:g}", f"{hidden:g}", f"{public + hidden:g}",
                      "yes" if a.gpu else "")
    console.print(table)


@main.command()
@click.argument("assignment_id", required=False)
@click.option("--all", "all_", is_flag=True, help="Validate every assignment.")
def validate(assignment_id, all_):
    """Check an assignment: the reference scores full marks and the stub scores zero."""
    failed = False
    table = Table("assignment", "reference", "stub", "verdict")
    for aid in _ids(assignment_id, all_):
        a = assignments.load(aid)
        with tempfile.TemporaryDirectory() as tmp:
            ref = grading.grade_in_subprocess(aid, grading.Job("reference", a.reference, Path(tmp, "r")),
                                              course_secret=False)
            stub = grading.grade_in_subprocess(aid, grading.Job("stub", a.stub, Path(tmp, "s")),
                                               course_secret=False)
        rmax = ref["extra_data"]["ulp"].get("max_score", 0)
        ok = rmax > 0 and ref["score"] == rmax and stub["score"] == 0
        try:
            statements.render(a, "validate")
        except Exception as e:  # noqa: BLE001 - any template error is the author's to fix
            ok = False
            err.print(f"[red]{aid} statement[/]: {type(e).__name__}: {e}")
        failed |= not ok
        table.add_row(aid, f"{ref['score']:g}/{rmax:g}", f"{stub['score']:g}",
                      "[green]ok[/]" if ok else "[red]FAILED[/]")
        if not ok:
            for res, who in ((ref, "reference"), (stub, "stub")):
                bad = [t for t in res["tests"] if (t["status"] == "failed") == (who == "reference")]
                for t in bad[:10]:
                    err.print(f"[red]{aid} {who}[/]: {t['name']}: {t['output'][:800]}")
                if not res["tests"]:
                    err.print(f"[red]{aid} {who}[/]: {res['output']} "
                              f"{res['extra_data']['ulp'].get('grader_error', '')}")
    console.print(table)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("assignment_id")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--student-id", default="local", show_default=True,
              help="Whose seed and per-student values to use.")
def check(assignment_id, file, student_id):
    """Run the public tests on your FILE (default ./ID.py) and print the report."""
    file = file or Path(f"{assignment_id}.py")
    if not file.exists():
        raise click.UsageError(f"{file} does not exist: write your solution in {assignment_id}.py "
                               f"(start from the stub) or give its path")
    res = grading.grade_submission(assignment_id, file, student_id, include_hidden=False)
    console.print(Markdown(report.render_markdown(res)))
    sys.exit(0 if res["score"] == res["extra_data"]["ulp"]["max_score"] else 1)


@main.command()
@click.argument("assignment_id")
@click.option("--student-id", help="Render the student's own version (their per-student values).")
def statement(assignment_id, student_id):
    """Print an assignment's statement (Markdown), for the class or for one student."""
    click.echo(statements.render(assignments.load(assignment_id), student_id))


def _gradescope_student_id(submission: Path) -> str | None:
    meta = submission.parent / "submission_metadata.json"
    try:
        users = json.loads(meta.read_text()).get("users") or []
        return str(users[0]["id"]) if users else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


@main.command("run-autograder")
@click.argument("assignment_id")
@click.option("--submission", type=click.Path(path_type=Path, exists=True), required=True,
              help="The folder holding the student's submission (Gradescope: /autograder/submission).")
@click.option("--results", type=click.Path(path_type=Path), required=True,
              help="Where to write results.json (Gradescope: /autograder/results/results.json).")
@click.option("--student-id", help="The student id for the seed; default: from "
              "submission_metadata.json beside the submission, else 'student'.")
def run_autograder(assignment_id, submission, results, student_id):
    """Grade one submission the way Gradescope calls an autograder."""
    sid = student_id or _gradescope_student_id(submission) or "student"
    res = grading.grade_submission(assignment_id, submission, sid)
    grading.write_outputs(res, results.parent)
    if results.name != "results.json":
        (results.parent / "results.json").replace(results)
    console.print(f"{assignment_id}: {res['score']:g} / {res['extra_data']['ulp']['max_score']:g} -> {results}")


DB_HELP = ("The gradebook: a SQLAlchemy URL (postgresql+psycopg://user@host/course for a shared "
           "one) or a SQLite file path. Default: $ULP_DB, else OUT/gradebook.sqlite.")


@main.command()
@click.argument("assignment_id", required=False)
@click.argument("submissions", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--all", "all_", is_flag=True,
              help="Grade every assignment; results go to OUT/<assignment>/<student>/.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder: OUT/<student>/results.json, report.html, OUT/grades.csv, "
              "OUT/class-report.html and the gradebook OUT/gradebook.sqlite.")
@click.option("--workers", type=int, default=0, show_default="number of CPUs",
              help="Submissions graded in parallel.")
@click.option("--backend", type=click.Choice(list(grading.BACKENDS)), default="local",
              show_default=True,
              help="Where grading runs: local (this machine, a pre-loaded grader forking a child "
              "per submission) or ray (one Ray task per submission; the nodes need ulp installed).")
@click.option("--address", metavar="ADDR", help="With --backend ray: the cluster to join "
              "(ray://head:10001 or head:6379); default: $RAY_ADDRESS, else a local Ray instance.")
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
def grade(assignment_id, submissions, all_, out, workers, backend, address, regrade, only, db,
          max_examples):
    """Grade a class and record it in the gradebook.

    SUBMISSIONS is a folder with one sub-folder per student (named by the student id), or the
    zip Gradescope's "Export Submissions" downloads (or that zip unpacked). A batch that was
    interrupted resumes: current grades in OUT are kept, the rest are graded."""
    from autograder import gradebook
    from autograder import submissions as found

    if all_ and submissions is None and assignment_id:  # `ulp grade --all SUBMISSIONS`
        assignment_id, submissions = None, Path(assignment_id)
    if submissions is None or not submissions.exists():
        raise click.UsageError("give SUBMISSIONS: a folder with one sub-folder per student, or a "
                               "Gradescope export zip")
    if address and backend != "ray":
        raise click.UsageError("--address goes with --backend ray")
    if all_ and found.is_gradescope_export(submissions):
        raise click.UsageError(f"{submissions} is a Gradescope export, which holds one assignment: "
                               "give that assignment's id instead of --all")
    ids = _ids(assignment_id, all_)
    if max_examples:  # read by every grader this run starts, and part of the tests hash
        assignments.override_max_examples(max_examples)
    try:
        book = gradebook.open_gradebook(out, db)
    except gradebook.GradebookError as e:
        raise click.ClickException(str(e)) from e
    with book:
        for aid in ids:
            target = out / aid if all_ else out
            try:
                _grade_one(aid, submissions, target, book, workers=workers, regrade=regrade,
                           only=only, backend=backend, address=address)
            except (found.SubmissionError, gradebook.GradebookError) as e:
                raise click.ClickException(str(e)) from e
    err.print(f"gradebook: {gradebook.safe_url(book.url)}")


def _grade_one(aid, submissions, target, book, *, workers, regrade, only, backend, address):
    """One assignment: grade (resuming), record each result, then write the class report."""
    from autograder import gradebook
    from autograder import submissions as found

    a = assignments.load(aid)
    subs = found.find(submissions, aid)
    if only:
        missing = sorted(set(only) - {s.student_id for s in subs})
        if missing:
            raise found.SubmissionError(
                f"{submissions}: no submission for {', '.join(missing)} (students there: "
                f"{', '.join(s.student_id for s in subs[:20]) or 'none'})")
        subs = [s for s in subs if s.student_id in only]
    if subs and all(s.source == "gradescope" and s.path.is_dir() for s in subs):
        raise found.SubmissionError(
            f"{submissions}: no submission in this Gradescope export has {aid}.py (or "
            f"{aid}.ipynb); is it the export of another assignment? Give that assignment's id")
    by_id = {s.student_id: s for s in subs}
    graded_rows: dict[str, dict] = {}
    with Progress(TextColumn(f"[bold]{aid}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err) as bar:
        task = bar.add_task("", total=len(subs))

        def advance(sid, res):
            s = by_id.get(sid)
            book.record(res, assignment_id=aid, student_id=sid, due=a.due, late=a.late,
                        submitted_at=s.submitted_at if s else None,
                        source=s.source if s else None, name=s.name if s else None,
                        email=s.email if s else None, sis_id=s.sis_id if s else None)
            graded_rows[sid] = res
            bar.update(task, advance=1, description=f"{sid}: {res['score']:g}")

        if only:
            with tempfile.TemporaryDirectory(prefix="ulp-only-") as tmp:
                grading.grade_class(aid, _copy_of(subs, Path(tmp), aid), target, workers=workers,
                                    progress=advance, regrade=regrade, backend=backend,
                                    address=address)
            _rewrite_grades_csv(target, submissions, aid)
        else:
            grading.grade_class(aid, submissions, target, workers=workers, progress=advance,
                                regrade=regrade, backend=backend, address=address)
    current = {c.student_id: c for c in book.current(aid)}
    late = any(c.days_late for c in current.values())
    table = Table("student", "score", "failed tests", "flags", *(["late", "final"] if late else []),
                  title=f"{aid} → {target}")
    for s in subs:
        res = graded_rows.get(s.student_id)
        if res is None:
            continue
        summary = results.summary_of(res)
        c = current.get(s.student_id)
        extra = [f"{c.days_late} d, -{100 * c.penalty:g} %", f"{c.final_score:g}"] if late and c else []
        table.add_row(s.student_id, f"{summary['score']:g} / {summary['max_score']:g}",
                      ", ".join(summary["failed"])[:60], ", ".join(summary["flags"]), *extra)
    console.print(table)
    _class_report(target, aid, list(current.values()))


def _copy_of(subs, folder: Path, aid: str) -> Path:
    """A folder of just these students, for grade_class: their files copied (not linked: the
    sandbox sees only the submission's own folder), so their hashes, and resumes, are the same."""
    import shutil

    for s in subs:
        dest = folder / s.student_id
        if s.path.is_dir():
            shutil.copytree(s.path, dest, symlinks=False)
        else:
            dest.mkdir(parents=True)
            name = s.path.name if s.path.suffix in (".py", ".ipynb") else f"{aid}.py"
            shutil.copy2(s.path, dest / name)
    return folder


def _rewrite_grades_csv(target: Path, submissions: Path, aid: str) -> None:
    """grades.csv for the whole class after grading a few: from every stored results.json."""
    rows = []
    for sid, _ in grading.discover(submissions, aid):
        try:
            rows.append((sid, json.loads((target / sid / "results.json").read_text())))
        except (OSError, ValueError):
            continue
    grading.write_grades_csv(target / "grades.csv", rows)


def _class_report(target: Path, aid: str, current: list) -> Path | None:
    """The class report from the gradebook's current grades (late numbers included)."""
    from autograder import class_report

    if not current:
        return None
    path = class_report.write(target, aid, [c.results_with_late() for c in current])
    err.print(f"{aid}: class report {path}")
    return path


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

    Each assignment's class report goes to OUT/<assignment>/ when that folder exists (as
    `ulp grade --all` makes it), else to OUT. The Canvas CSV (OUT/canvas.csv) has the columns
    Canvas's Gradebook → Import reads, one per assignment, with the final (late-adjusted)
    scores."""
    from autograder import gradebook

    try:
        book = gradebook.open_gradebook(out, db, create=False)
    except gradebook.GradebookError as e:
        raise click.ClickException(str(e)) from e
    with book:
        ids = list(only) or book.assignments()
        if not ids:
            raise click.ClickException(f"the gradebook {gradebook.safe_url(book.url)} holds no "
                                       "grades yet: run `ulp grade` first")
        table = Table("assignment", "students", "mean", "late", "class report",
                      title=f"report → {out}")
        for aid in ids:
            current = book.current(aid)
            if not current:
                raise click.ClickException(f"no grades for {aid} in {gradebook.safe_url(book.url)} "
                                           f"(it holds: {', '.join(book.assignments()) or 'none'})")
            target = out / aid if (out / aid).is_dir() or len(ids) > 1 else out
            path = _class_report(target, aid, current)
            mean = sum(c.final_score for c in current) / len(current)
            table.add_row(aid, str(len(current)), f"{mean:.2f} / {current[0].max_score:g}",
                          str(sum(1 for c in current if c.days_late)), str(path))
        try:
            entries = gradebook.read_canvas_roster(roster) if roster else None
        except (OSError, gradebook.GradebookError) as e:
            raise click.ClickException(str(e)) from e
        canvas = gradebook.write_canvas_csv(canvas or out / "canvas.csv",
                                            gradebook.canvas_rows(book, ids, entries))
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
def release(assignment_id, all_, out, roster):
    """Cut a release: student bundles, per-student statements and a Gradescope autograder zip.

    The student bundle never holds the reference or a hidden test (checked before writing). The
    Gradescope zip holds them, and the course secret if one is set: upload it to Gradescope only."""
    from rich.markup import escape

    from autograder import release as releases

    try:
        students = releases.read_roster(roster) if roster else []
        table = Table("assignment", "student bundle", "gradescope", "statements", "needs",
                      title=f"release → {out}")
        for aid in _ids(assignment_id, all_):
            made = releases.release(assignments.load(aid), out / aid, students)
            for warning in made.warnings:
                err.print(f"[yellow]{aid}[/]: {escape(warning)}")
            table.add_row(aid, made.student_zip.name, made.gradescope_zip.name,
                          str(len(made.statements)), escape(" ".join(made.requirements)))
    except releases.ReleaseError as e:
        raise click.ClickException(str(e)) from e
    console.print(table)


if __name__ == "__main__":
    main()
