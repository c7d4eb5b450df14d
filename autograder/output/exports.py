"""Files for other systems: the class's ``grades.csv`` and a CSV Canvas's gradebook imports.

Canvas's layout: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
assignment, with a "Points Possible" row; cells a spreadsheet could run as formulas are quoted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import roster as rosters
from autograder.model import Grade

if TYPE_CHECKING:  # only the type: `ulp check` never loads the gradebook's database layer
    from autograder.output.gradebook import Gradebook

CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def write_grades_csv(path: Path, graded: list[Grade]) -> None:
    """One row per student: the final score (after any late penalty), the points possible, the
    raw score with the days late and the penalty that led there, failed tests and flags."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "score", "max_score", "raw_score", "days_late", "penalty",
                    "failed_tests", "flags"])
        for g in graded:
            late = g.late
            w.writerow([g.student_id, f"{g.final_score:g}", f"{g.max_score:g}", f"{g.score:g}",
                        late.days_late if late else 0, f"{late.penalty:g}" if late else "0",
                        ";".join(g.failed), ";".join(g.flags)])


BY_HAND = "by-hand.csv"


def write_by_hand_csv(path: Path, graded: list[Grade]) -> Path | None:
    """The answers left for grading by hand (a quiz's free text), one row per student and
    blank, for staff to read and score (``ulp override --add``); None where there are none."""
    rows = [[g.student_id, t.name, f"{t.points:g}", t.answer or ""]
            for g in graded for t in g.tests if t.manual]
    if not rows:
        return None
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "answer_key", "points", "answer"])
        w.writerows([[_cell(c) for c in row] for row in rows])
    return path


@dataclass
class RosterEntry:
    name: str | None = None
    canvas_id: str | None = None
    sis_user_id: str | None = None
    sis_login_id: str | None = None
    section: str | None = None


def read_canvas_roster(path: Path) -> dict[str, RosterEntry]:
    """Optional names and Canvas ids by student id, from a roster CSV with a ``student_id``
    column and any of ``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``
    (a Canvas gradebook export works too: ``ID``, ``SIS User ID``, ... with ``student_id`` added)."""
    aliases = {"name": ["name", "student"], "canvas_id": ["canvas_id", "id"],
               "sis_user_id": ["sis_user_id", "sis user id"],
               "sis_login_id": ["sis_login_id", "sis login id", "email"],
               "section": ["section"]}
    return {sid: RosterEntry(**{attr: next((values[n] for n in names if values.get(n)), None)
                                for attr, names in aliases.items()})
            for _, sid, values in rosters.rows(path)}


def canvas_rows(book: Gradebook, assignment_ids: list[str],
                roster: dict[str, RosterEntry] | None = None) -> list[list[str]]:
    """The rows of a CSV that Canvas's Gradebook → Import accepts.

    Canvas's own export layout: Student, ID, SIS User ID, SIS Login ID, Section, then one column
    per assignment; the second row, "Points Possible", gives each assignment's points. Canvas
    matches a row to a student by ID (Canvas's user id), else SIS User ID, else SIS Login ID:
    without a roster the SIS User ID is Gradescope's student id (:sid:), else ulp's student id
    (the folder name), and the SIS Login ID the email Gradescope had. A student without a grade gets an empty cell
    (Canvas leaves it alone), never a made-up zero. Scores are the final ones (after the late
    penalty). Each assignment's column is named by its id: Canvas creates an assignment of that
    name on the first import and matches it on the next ones."""
    roster = roster or {}
    current = {aid: {c.student_id: c for c in book.current(aid)} for aid in assignment_ids}
    students = {s.id: s for s in book.students()}
    ids = sorted({sid for rows in current.values() for sid in rows} | set(roster))
    header = CANVAS_FIXED + list(assignment_ids)
    points = ["Points Possible", "", "", "", ""]
    for aid in assignment_ids:
        maxima = [c.max_score for c in current[aid].values() if c.max_score]
        points.append(_num(max(maxima)) if maxima else "")
    rows = [header, points]
    for sid in ids:
        r = roster.get(sid, RosterEntry())
        s = students.get(sid)
        row = [r.name or (s.name if s and s.name else sid), r.canvas_id or "",
               r.sis_user_id or (s.sis_id if s and s.sis_id else sid),
               r.sis_login_id or (s.email if s and s.email else ""), r.section or ""]
        for aid in assignment_ids:
            c = current[aid].get(sid)
            row.append(_num(c.final_score) if c else "")
        rows.append(row)
    return rows


def _num(x: float) -> str:
    return f"{round(x, 2):g}"


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (a student name may start with '=')."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(value) \
        else value


def _is_number(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def write_canvas_csv(path: Path, rows: list[list[str]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[_cell(str(v)) for v in row] for row in rows])
    return path
