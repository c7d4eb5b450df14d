"""One grading of a quiz: the student's answers file, read as data, against their questions.

No student code runs: the answers are TOML values (:func:`autograder.course.quiz.read_answers`),
so there is no sandbox and no pytest session. Each answer blank is one verdict named by its key,
scored alone; the grade has the same shape as a code assignment's, so results.json, reports, the
gradebook and the exports need nothing of their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from autograder.course import secrets
from autograder.course.assignment import Assignment
from autograder.course.quiz import Hex, Malformed, Part, Quiz, Text, as_written, read_answers
from autograder.model import Grade, Submission, TestVerdict, describe_flags
from autograder.settings import GradingSettings

# no student code runs, so nothing is isolated: the answers are read as data (threat-model.md)
ISOLATION = {"level": "data", "layers": []}


def _spelled(part: Part, raw) -> str:
    """An answer as the student wrote it (a TOML hex integer as hex, not its decimal value),
    cut short; free text whole (staff read it)."""
    if isinstance(part.answer, Text) and isinstance(raw, str):
        return raw
    if isinstance(part.answer, Hex) and isinstance(raw, int) and not isinstance(raw, bool):
        return f"{raw:#X}".replace("0X", "0x")
    return as_written(raw)


def _verdict(part: Part, raw, answered: bool, line: int | None, reveal: bool,
             visibility: str, broken: int | None = None) -> TestVerdict:
    """The verdict on one answer blank: its answer as written, right or wrong or malformed."""
    points = part.answer.points
    where = f" (line {line})" if line else ""
    shown = _spelled(part, raw) if answered else None
    if broken is not None and not isinstance(part.answer, Text):
        return TestVerdict(part.key, points, False, visibility=visibility,
                           output=f"Line {broken} of your answers, for {part.key}, could not be "
                           "read (see the summary). It scores 0.")
    if isinstance(part.answer, Text):
        try:
            text = part.parse(raw) if answered else None
        except Malformed as e:
            text, note = None, f"Your answer is not well-formed: {e}."
        else:
            note = "No answer." if text is None else "Your answer was kept."
        if broken is not None:
            note = f"Line {broken} of your answers, for {part.key}, could not be read."
        return TestVerdict(part.key, points, False, output=f"{note} Course staff grade this "
                           f"answer by hand ({points:g} points).", manual=True,
                           answer=text, visibility=visibility)
    if not answered or raw == "":
        return TestVerdict(part.key, points, False, output=f"Not answered ({part.answer.hint()}).",
                           answer=shown, visibility=visibility)
    try:
        fraction = part.earned(raw)
    except Malformed as e:
        return TestVerdict(part.key, points, False, answer=shown, visibility=visibility,
                           output=f"Your answer{where} is not well-formed: {e}. It scores 0.")
    earned = round(points * fraction, 6)
    if fraction == 1:
        lines = [f"Your answer{where}: {shown}. Right."]
    elif fraction > 0:
        lines = [f"Your answer{where}: {shown}. Partly right: {earned:g} of {points:g} points."]
    else:
        lines = [f"Your answer{where}: {shown}. Wrong."]
    if reveal and fraction < 1:
        lines.append(f"The right answer: {part.show()}.")
    return TestVerdict(part.key, points, fraction == 1, output=" ".join(lines),
                       earned=earned if 0 < fraction < 1 else None, answer=shown,
                       visibility=visibility)


def grade_quiz(a: Assignment, submission: Submission, settings: GradingSettings,
               file, now: dt.datetime | None = None) -> Grade:
    """Grade ``file`` (the answers, or None when nothing was found) for ``submission``'s
    student. ``now`` (the grading time) decides whether answers are revealed after the due date."""
    started = time.monotonic()
    now = now or dt.datetime.now(dt.timezone.utc)
    sid = submission.student_id
    questions = Quiz(a).questions(settings.secret, sid)
    reveal = a.quiz.reveal_answers and a.due is not None and now > a.due
    visibility = "visible" if a.quiz.feedback == "immediate" else "after_due_date"
    flags, messages = [], []
    if file is None:
        flags.append("no submission")
        names = " or ".join(a.submission_names)
        messages.append(f"No answers file ({names}) was found in the submission; nothing was "
                        f"graded. Submit your answers as {a.id}.toml.")
        answers = None
    else:
        answers = read_answers(file)
        messages += answers.problems
        known = {p.key for q in questions for p in q.parts}
        unknown = sorted(set(answers.values) - known)
        if unknown:
            messages.append(f"{file.name}: unknown key(s) {', '.join(unknown[:10])} ignored; the "
                            f"keys are those of the answers template ({len(known)} in all).")
    tests = []
    for q in questions:
        for p in q.parts:
            answered = answers is not None and p.key in answers.values
            raw = answers.values.get(p.key) if answered else None
            tests.append(_verdict(p, raw, answered, answers.lines.get(p.key) if answered else None,
                                  reveal, visibility,
                                  answers.broken.get(p.key) if answers is not None else None))
    score = round(sum(t.score for t in tests), 6)
    max_score = sum(t.points for t in tests)
    summary = [f"{a.id}: {score:g} / {max_score:g} points from the answers.", *messages]
    manual = sum(t.points for t in tests if t.manual)
    if manual:
        summary.append(f"{manual:g} points are for answers graded by hand, added later.")
    if visibility == "after_due_date":
        summary.append("Each question's result is shown after the due date.")
    summary += describe_flags(flags)
    digest = None
    if file is not None:  # of what was handed in, even a file too large to read as answers
        with open(file, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
    return Grade(
        assignment=a.id, student_id=sid, score=score, max_score=max_score, tests=tests,
        output="\n".join(summary), execution_time=round(time.monotonic() - started, 3),
        flags=flags, seed=secrets.seed(settings.secret, a.id, sid),
        tests_hash=a.tests_hash(settings), submission_sha256=digest, device="cpu",
        isolation=dict(ISOLATION))
