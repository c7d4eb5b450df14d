"""Who a student is: one canonical key for the whole course.

A student has several ids: the institution's student id (Gradescope's ``sid``, a roster's),
an email, and Gradescope's internal user id. ulp uses one of them everywhere (seeds, per-student
values and statements, output folders, the gradebook, exports), chosen once for the course in
``course.toml`` at the course folder's top::

    student_key = "sid"      # or "email", or "user_id" (Gradescope's)

The default is ``sid``: rosters and Canvas know it. The other ids are mapped to it where they
arrive (Gradescope's ``submission_metadata.json`` for an autograder run, the submitters of an
export); a submission whose submitter lacks the key is refused with a message, never graded
under another id (which would draw other per-student values than the student's statement).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from autograder.errors import CourseError, SubmissionError

FILE = "course.toml"
KEYS = {"sid": "a student id (sid)", "email": "an email", "user_id": "a Gradescope user id"}
DEFAULT = "sid"


def student_key(course_dir: Path) -> str:
    """The course's canonical student key (``course.toml``; default ``sid``)."""
    path = Path(course_dir) / FILE
    if not path.is_file():
        return DEFAULT
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise CourseError(f"{path} is not valid TOML: {e}") from e
    unknown = set(data) - {"student_key"}
    if unknown:
        raise CourseError(f"{path}: unknown key {sorted(unknown)[0]!r}; allowed: student_key")
    key = data.get("student_key", DEFAULT)
    if key not in KEYS:
        raise CourseError(f"{path}: student_key = {key!r} must be one of {', '.join(KEYS)}")
    return key


def from_gradescope_user(user: dict, key: str, where: str) -> str:
    """The canonical id of a user of Gradescope's ``submission_metadata.json`` (``id``,
    ``email``, ``sid``), or a SubmissionError that says what to add."""
    field = "id" if key == "user_id" else key
    value = str(user.get(field) or "").strip() if isinstance(user, dict) else ""
    if not value:
        raise SubmissionError(f"{where}: the submitter lacks {KEYS[key]} ({field!r}), which "
                              f"this course uses to tell students apart ({FILE}: student_key = "
                              f"{key!r}); add it to the Gradescope roster, or choose another "
                              "student_key")
    return value
