"""An assignment's statement, rendered for the class or for one student.

The template sees the same per-student values (``variant``) as the grader's ``variant``
fixture, both derived from the course secret by HMAC, so nothing per student is stored.
"""

from __future__ import annotations

import jinja2

from autograder.assignment import Assignment, declared_points


def render(a: Assignment, student_id: str | None = None) -> str:
    path = a.folder / "statement.md.j2"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(a.folder)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    tests = declared_points(a)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: every assignment needs a statement")
    return env.get_template(path.name).render(
        title=a.title, points=sum(p for _, p, _ in tests), student_id=student_id,
        variant=a.variant(student_id), tests=tests, assignment=a)
