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


@main.command()
@click.argument("assignment_id", required=False)
@click.argument("submissions", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--all", "all_", is_flag=True,
              help="Grade every assignment; results go to OUT/<assignment>/<student>/.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder: OUT/<student>/results.json, report.html, and OUT/grades.csv.")
@click.option("--workers", type=int, default=0, show_default="number of CPUs",
              help="Submissions graded in parallel.")
@click.option("--backend", type=click.Choice(["local"]), default="local", show_default=True,
              help="Where grading runs: this machine's processes.")
@click.option("--regrade", is_flag=True,
              help="Grade everyone again, even where OUT holds a current grade.")
def grade(assignment_id, submissions, all_, out, workers, backend, regrade):
    """Grade a class: SUBMISSIONS holds one folder per student (named by the student id).

    A batch that was interrupted resumes: current grades in OUT are kept, the rest are graded."""
    if all_ and submissions is None and assignment_id:  # `ulp grade --all SUBMISSIONS`
        assignment_id, submissions = None, Path(assignment_id)
    if submissions is None or not submissions.exists():
        raise click.UsageError("give the SUBMISSIONS folder: one sub-folder per student")
    ids = _ids(assignment_id, all_)
    for aid in ids:
        target = out / aid if all_ else out
        students = grading.discover(submissions, aid)
        with Progress(TextColumn(f"[bold]{aid}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("{task.description}"), console=err) as bar:
            task = bar.add_task("", total=len(students))

            def advance(sid, res):
                bar.update(task, advance=1, description=f"{sid}: {res['score']:g}")

            graded = grading.grade_class(aid, submissions, target, workers=workers,
                                         progress=advance, regrade=regrade)
        table = Table("student", "score", "failed tests", "flags", title=f"{aid} → {target}")
        for (sid, _), res in zip(students, graded):
            s = results.summary_of(res)
            table.add_row(sid, f"{s['score']:g} / {s['max_score']:g}", ", ".join(s["failed"])[:60],
                          ", ".join(s["flags"]))
        console.print(table)


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
