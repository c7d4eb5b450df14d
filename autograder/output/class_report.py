"""The class report: one HTML page an instructor reads after ``ulp grade``.

Built from the students' grades alone (like the per-student report), so it can be rebuilt from
the gradebook or a stored OUT folder. It shows the score histogram, the pass rate of every test,
the test most students failed with one anonymised example of its feedback (every student id of
the class replaced, and only a count of who hit it), and a table linking each student's own
report. Scores are final scores: where the gradebook recorded a late penalty (``Grade.late``)
the final score counts, and the table shows both.
One self-contained file (plots are ``data:`` PNGs, no JavaScript).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from autograder.model import Grade
from autograder.output import plots
from autograder.output.exports import BY_HAND, write_by_hand_csv, write_grades_csv
from autograder.output.report import atomic_write, jinja_env, split_example, write_student_files

ANONYMOUS = "<student>"


def anonymise(text: str, student_ids: list[str]) -> str:
    """``text`` with every student id of the class (as a whole word) replaced by <student>."""
    for sid in sorted({s for s in student_ids if s}, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(sid)}(?![A-Za-z0-9_])", ANONYMOUS, text)
    return text


def summarise(graded: list[Grade]) -> dict:
    """The numbers and rows of the class report (no HTML, no plots): tests use it directly."""
    ids = [g.student_id for g in graded]
    finals = [g.final_score for g in graded]
    max_score = max([g.max_score for g in graded] or [0.0])
    tests: dict[str, dict] = {}
    for g in graded:
        for t in g.tests:
            if t.manual:  # graded by hand: no pass rate to show
                continue
            row = tests.setdefault(t.name, {"name": t.name, "max_score": t.points,
                                            "hidden": t.hidden, "passed": 0, "failed": 0,
                                            "outputs": []})
            if t.passed:
                row["passed"] += 1
            else:
                row["failed"] += 1
                row["outputs"].append(t.output)
    for row in tests.values():
        row["graded"] = row["passed"] + row["failed"]
        row["rate"] = row["passed"] / row["graded"] if row["graded"] else 0.0
    # the most failed test; at a tie a visible one, whose feedback says more than a hidden one's
    common = max(tests.values(), key=lambda r: (r["failed"], not r["hidden"]), default=None)
    if common is not None and common["failed"] == 0:
        common = None
    example = None
    if common is not None:
        message, failing_input = split_example(anonymise(common["outputs"][0], ids))
        example = {"message": message, "input": failing_input}
    students = [{"id": g.student_id, "href": quote(g.student_id, safe="") + "/report.html",
                 "score": g.score, "final": g.final_score, "max_score": g.max_score,
                 "late": g.lateness,
                 "failed": len(g.failed), "flags": list(g.flags)} for g in graded]
    levels = Counter(str(g.isolation.get("level", "?")) for g in graded if not g.is_grader_failure)
    return {
        "isolation": sorted(levels.items()),
        "weak": sum(n for level, n in levels.items() if level != "bwrap"),
        "n": len(graded), "max_score": max_score, "finals": finals,
        "mean": statistics.fmean(finals) if finals else 0.0,
        "median": statistics.median(finals) if finals else 0.0,
        "best": max(finals, default=0.0), "worst": min(finals, default=0.0),
        "full_marks": sum(f >= max_score > 0 for f in finals),
        "late": sum(s["late"] is not None for s in students),
        "adjusted": any(s["final"] != s["score"] for s in students),
        "flagged": sum(bool(s["flags"]) for s in students),
        "tests": list(tests.values()), "common": common, "example": example, "students": students,
    }


def render(assignment_id: str, graded: list[Grade]) -> str:
    s = summarise(graded)
    figures = {}
    if s["n"]:
        figures["histogram"] = plots.safely(plots.score_histogram, s["finals"], s["max_score"])
    if s["tests"]:
        figures["pass_rates"] = plots.safely(plots.pass_rates, [t["name"] for t in s["tests"]],
                                             [t["rate"] for t in s["tests"]])
    return jinja_env().get_template("class_report.html.j2").render(assignment_id=assignment_id,
                                                             figures=figures, **s)


def write(out_dir: Path, assignment_id: str, graded: list[Grade]) -> Path:
    """Write ``class-report.html`` and ``grades.csv`` for the graded class; return the page.

    Links in the table point at ``<student>/report.html`` (relative), as ``ulp grade``
    writes them, so the folder can be moved or zipped whole. Those student reports were written
    at grading time, before the gradebook knew of lateness or of a change by hand: for those,
    the student's results.json, report.html and report.md (if the folder exists) are written
    again, so they show the same final score as this page and grades.csv."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(out_dir / "class-report.html", render(assignment_id, graded))
    for g in graded:
        folder = out_dir / g.student_id
        if (g.lateness or g.adjustment) and folder.parent == out_dir \
                and folder.name not in ("", ".", "..") \
                and (folder / "report.html").is_file():
            write_student_files(g, folder)  # the final score everywhere: results.json too
    write_grades_csv(out_dir / "grades.csv", graded)
    write_by_hand_csv(out_dir / BY_HAND, graded)
    return out_dir / "class-report.html"
