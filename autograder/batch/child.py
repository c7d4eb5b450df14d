"""One grading in a grader process of its own, writing its files into one output folder.

What a fresh grader process runs (``python -m autograder.batch.child``, the request as JSON on
stdin, so the course secret never shows in a process listing) and what each child of the fork
server (:mod:`autograder.batch.pool`) does. Both are the trusted grader: student code runs only
in the sandboxed worker that the grading session starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder.course.assignment import Assignment, load
from autograder.model import Submission
from autograder.output.report import write_student_files
from autograder.session.grade import grade_submission
from autograder.settings import GradingSettings


def request(a: Assignment, submission: Submission, out_dir: Path, settings: GradingSettings,
            public_only: bool = False) -> dict:
    """The plain data a grader process needs for one grading."""
    return {"assignment": a.id, "student_id": submission.student_id,
            "submission": str(submission.path),
            "file": str(submission.file) if submission.file else None, "out": str(out_dir),
            "public_only": public_only, "settings": settings.to_dict()}


def run(req: dict) -> None:
    """Grade as ``req`` says and write results.json and the reports into ``req["out"]``."""
    settings = GradingSettings.from_dict(req["settings"])
    a = load(settings.course_dir, req["assignment"])
    submission = Submission(req["student_id"], Path(req["submission"]),
                            Path(req["file"]) if req.get("file") else None)
    grade = grade_submission(a, submission, settings, include_hidden=not req["public_only"])
    write_student_files(grade, Path(req["out"]))


if __name__ == "__main__":
    run(json.loads(sys.stdin.read()))
