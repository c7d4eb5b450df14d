"""An assignment's statement (the students' contract), rendered for the class or for one student.

The template sees the same per-student values (``variant``) as the grader's ``variant``
fixture, both derived from the course secret by HMAC, so nothing per student is stored, and
the tests with their points as pytest collects them (:mod:`autograder.course.tests`).
"""

from __future__ import annotations

import jinja2

from autograder.course import secrets
from autograder.course.assignment import Assignment
from autograder.course.quiz import MAX_ANSWERS_BYTES, Quiz, markdown
from autograder.course.tests import collect
from autograder.errors import CourseError, UsageError
from autograder.settings import MAX_HELPER_BYTES, MAX_HELPERS

# What every statement says about what is graded (the engine's rules, so one text for all).
SUBMITTING = """\
Submit `{id}.py`, or a notebook `{id}.ipynb` whose code cells, in order, form the module
(IPython-only `%` and `!` lines, and `%%` cells other than `%%time`, `%%timeit` and `%%capture`,
are dropped; with both, `{id}.py` is graded). Other `.py` files beside it that your module
imports (`import helpers`, directly or through each other; at most {max_files} files,
{max_mib} MiB in all) are its helper modules: the forbidden names below count in them too,
against every function. Forbidden names are read from the code as whole names, never from
comments or strings (`next_power_of_2` is not `pow`). Files it does not import are ignored. A file named in
another case (`{Id}.py`) is graded with a note; a submission without the module scores 0 and
says what it found. Once calls have run past the time limit in three tests, a function that ran
past it is not called again: its later tests fail at once."""


# What every quiz says about its answers file (the engine's rules, so one text for all).
ANSWERING = """\
Answer in `{id}.toml` (start from the answers template: one `key = value` line per answer
blank, keys as listed under each question), or in a notebook `{id}.ipynb` whose code cells hold
the same lines (they are valid Python too). Your file is read as data and never run. Numbers may
be written as numbers (`-13.625`, `1.1e4`) or in quotes (`"2^-23"`, `"1.5 * 2^-3"`, `"11,000"`;
`nan`, `inf`); bit strings and hexadecimal in quotes (`"0101 1100"`, `"0x4049_0FDB"`; spaces,
`_` and the `0x`/`0b` prefix are ignored, hex case too); options by their letter (`"B"`, or
`["A", "C"]` where several are right). A choice question with several right options gives
each right option its share of the points and takes a share away for each wrong one picked,
never below zero. A line that cannot be read costs only its own answer, and the report names
it; an answers file over {max_kib} KiB is not read at all. Your choice options, like your
numbers, are yours: another student's letters are not your answers."""


def per_student(a: Assignment) -> bool:
    """Whether students get values of their own (variants.py, or a quiz question's draw)."""
    return (a.folder / "variants.py").is_file() or (a.is_quiz and Quiz(a).per_student)


def render(a: Assignment, student_id: str | None = None, secret: bytes | None = None) -> str:
    """The statement; for one student only where the course secret can draw their values."""
    if not a.statement.is_file():
        raise CourseError(f"{a.statement} is missing: every assignment needs a statement "
                             "(`ulp new` writes one to start from)")
    if student_id is not None and secret is None and per_student(a):
        raise UsageError(f"{a.id} has per-student values, and without the course secret every "
                         f"student gets the class's defaults, so a statement 'for {student_id}' "
                         "would be the class's: set ULP_COURSE_SECRET (the one the grader uses) "
                         "and run again, or leave out the student id")
    tests = collect(a)
    quiz = {}
    if a.is_quiz:
        quiz = {"questions": markdown(Quiz(a).questions(secret, student_id)),
                "answering": ANSWERING.format(id=a.id, max_kib=MAX_ANSWERS_BYTES // 1024)}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(a.folder)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    try:
        return env.get_template(a.statement.name).render(
            title=a.title, points=sum(t.points for t in tests), student_id=student_id,
            variant=secrets.variant(a, secret, student_id), tests=tests, assignment=a,
            submitting=SUBMITTING.format(id=a.id, Id=a.id.capitalize(), max_files=MAX_HELPERS,
                                         max_mib=MAX_HELPER_BYTES // 2**20), **quiz)
    except jinja2.TemplateError as e:
        where = f", line {e.lineno}" if getattr(e, "lineno", None) else ""
        raise CourseError(f"{a.statement}{where}: {type(e).__name__}: {e}") from e
