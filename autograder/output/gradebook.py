"""The gradebook: every graded attempt, kept with its history, in a SQL database.

The default is a SQLite file beside the grades (``OUT/gradebook.sqlite``: embedded, nothing to
set up); a course that shares one gradebook between graders gives a SQLAlchemy URL instead
(``--db postgresql+psycopg://user@host/course`` or ``$ULP_DB``). Every query goes through
SQLAlchemy, so both run the same code.

What is kept, and why:

- an **attempt** is one distinct submission (its sha256) of one student for one assignment,
  numbered 1, 2, ... in the order they were first recorded; recording the same file again (a
  resumed batch calls back for students it already graded) adds nothing;
- a **grading** is one result of running the tests on an attempt: the tests' hash, the score,
  the per-test verdicts and the whole results.json (so reports can be rebuilt from here alone),
  and the late-policy numbers. A regrade after a test fix (a new tests hash) adds a grading and
  keeps the old one; the same result recorded twice is stored once.
- the **current grade** of a student is the latest grading of their latest attempt, as on
  Gradescope and Canvas, where the last submission counts.

The late penalty is applied here, never in results.json (which is what the tests found):
raw score, days late, penalty and final score are stored side by side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
                        create_engine, event, inspect, select, text)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (DeclarativeBase, Mapped, Session, mapped_column, relationship,
                            selectinload)

from autograder.course.assignment import LatePolicy
from autograder.errors import GradebookError
from autograder.model import Adjustment, Grade, Late, Submission
from autograder.output import results

ENV = "ULP_DB"
DEFAULT_NAME = "gradebook.sqlite"


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Student(Base):
    __tablename__ = "students"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(400))
    email: Mapped[str | None] = mapped_column(String(400))
    sis_id: Mapped[str | None] = mapped_column(String(200))  # Gradescope's :sid:, for Canvas


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("student_id", "assignment_id", "submission_sha256"),
                      UniqueConstraint("student_id", "assignment_id", "number"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"), index=True)
    assignment_id: Mapped[str] = mapped_column(String(200), index=True)
    number: Mapped[int] = mapped_column(Integer)
    submission_sha256: Mapped[str] = mapped_column(String(64))  # "" when nothing was submitted
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    gradings: Mapped[list[Grading]] = relationship(back_populates="attempt",
                                                   order_by="Grading.id")


class Grading(Base):
    __tablename__ = "gradings"
    __table_args__ = (UniqueConstraint("attempt_id", "tests_hash", "outcome_sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    tests_hash: Mapped[str] = mapped_column(String(64))
    outcome_sha256: Mapped[str] = mapped_column(String(64))  # score and verdicts, not timings
    score: Mapped[float] = mapped_column(Float)  # raw: what the tests gave
    max_score: Mapped[float] = mapped_column(Float)
    days_late: Mapped[int] = mapped_column(Integer, default=0)
    penalty: Mapped[float] = mapped_column(Float, default=0.0)  # a fraction of the raw score
    final_score: Mapped[float] = mapped_column(Float)
    due: Mapped[str | None] = mapped_column(String(40), nullable=True)  # ISO, course's offset
    flags: Mapped[list] = mapped_column(JSON, default=list)
    results_json: Mapped[str] = mapped_column(Text)
    graded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # the last time a grader reported this very result: a regrade that comes back to an older
    # result (tests reverted) makes it current again without storing it twice
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    attempt: Mapped[Attempt] = relationship(back_populates="gradings")
    tests: Mapped[list[TestResult]] = relationship(back_populates="grading",
                                                   order_by="TestResult.id")


class TestResult(Base):
    __tablename__ = "test_results"
    __test__ = False  # not a pytest test class
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grading_id: Mapped[int] = mapped_column(ForeignKey("gradings.id"), index=True)
    name: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    hidden: Mapped[bool] = mapped_column(default=False)
    grading: Mapped[Grading] = relationship(back_populates="tests")


class Override(Base):
    """A grade changed by hand (`ulp override`): kept, never deleted; an undo marks it undone."""
    __tablename__ = "overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"), index=True)
    assignment_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # set | add
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(200), default="")
    made_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def as_adjustment(self) -> Adjustment:
        return Adjustment(self.kind, self.points, self.reason, _iso(self.made_at), self.made_by)


@dataclass
class Current:
    """A student's current grade for one assignment, as reports and exports read it: the grade
    (with its late record, attempt number and any change by hand) and who and when."""
    student_id: str
    name: str | None
    email: str | None
    assignment_id: str
    attempts: int
    submitted_at: dt.datetime | None
    graded_at: dt.datetime
    grade: Grade

    @property
    def attempt(self) -> int:
        return self.grade.attempt

    @property
    def score(self) -> float:
        """What the tests gave (raw)."""
        return self.grade.score

    @property
    def max_score(self) -> float:
        return self.grade.max_score

    @property
    def days_late(self) -> int:
        return self.grade.late.days_late if self.grade.late else 0

    @property
    def penalty(self) -> float:
        return self.grade.late.penalty if self.grade.late else 0.0

    @property
    def final_score(self) -> float:
        return self.grade.final_score

    @property
    def tests_hash(self) -> str:
        return self.grade.tests_hash or ""


def _attempt_order(a: Attempt):
    """Latest attempt first by submission time (Gradescope's or the file's), then by the order
    they were recorded in."""
    return (_aware(a.submitted_at or a.recorded_at), a.number)


def _iso(when: dt.datetime | None) -> str | None:
    return _aware(when).isoformat() if when else None


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """Stored in UTC: SQLite keeps a datetime's wall clock and drops its offset."""
    if when is None:
        return None
    if when.tzinfo is None:
        raise GradebookError(f"submission time {when.isoformat()} has no UTC offset: pass an "
                             "aware datetime to Gradebook.record")
    return when.astimezone(dt.timezone.utc)


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes (we store UTC): make them aware again."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=dt.timezone.utc)
    return when


def outcome_digest(g: Grade) -> str:
    """What decides a grade (score and each test's verdict), not how long it took."""
    key = {"score": g.score, "max": g.max_score, "flags": list(g.flags),
           "tests": [[t.name, t.status, t.score, t.points]
                     for t in g.tests]}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def url_for(out: Path | None, db: str | None = None) -> str:
    """The database URL: ``db`` (``--db``, or ``$ULP_DB`` read by the command line), else
    ``OUT/gradebook.sqlite``. A bare path is a SQLite file."""
    if not db:
        if out is None:
            raise GradebookError(f"no gradebook given: pass --db URL, set ${ENV}, or give the OUT "
                                 f"folder of `ulp grade` (it holds {DEFAULT_NAME})")
        db = str(Path(out) / DEFAULT_NAME)
    if "://" not in db:
        return f"sqlite:///{Path(db).resolve()}"
    return db


class Gradebook:
    """One database; open with :func:`open`, record with :meth:`record`."""

    def __init__(self, url: str, *, create: bool = True):
        self.url = url
        try:
            if url.startswith("sqlite:///"):
                path = Path(url.removeprefix("sqlite:///"))
                if not create and not path.exists():
                    raise GradebookError(f"no gradebook at {path}: grade first (`ulp grade ... "
                                         f"--out {path.parent}`), or pass --db / ${ENV}")
                path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(url, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            Base.metadata.create_all(self.engine)
            _add_missing_columns(self.engine)
        except GradebookError:
            raise
        except Exception as e:  # noqa: BLE001 - any driver error: say which database and what to do
            raise GradebookError(f"cannot open the gradebook {safe_url(url)}: {e}. Check --db / "
                                 f"${ENV} (a SQLAlchemy URL such as postgresql+psycopg://user@host/"
                                 "db, or a file path for SQLite)") from e
        self._lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ----------------------------------------------------------------------- writing

    def record(self, grade: Grade, submission: Submission | None = None, *,
               due: dt.datetime | None = None, late: LatePolicy | None = None) -> Grading | None:
        """Store one grade; return the new grading, or None if it was stored already.

        ``submission`` gives the time (for ``late``, the assignment's
        :class:`~autograder.course.assignment.LatePolicy`; none: no penalty) and the student's
        name, email and institution id where known. Safe to call from several threads, and from
        several graders sharing a PostgreSQL database (a lost race on an attempt number is
        retried)."""
        sid = grade.student_id
        with self._lock:
            for _ in range(5):
                try:
                    with Session(self.engine, expire_on_commit=False) as session, session.begin():
                        return self._record(session, grade, submission, due, late)
                except IntegrityError:
                    continue  # another grader inserted the same attempt or grading first
            raise GradebookError(f"could not record {sid}/{grade.assignment} in "
                                 f"{safe_url(self.url)}: the same row kept being written by "
                                 "another grader; run again")

    def _record(self, session: Session, grade: Grade, sub: Submission | None, due,
                late) -> Grading | None:
        aid, sid = grade.assignment, grade.student_id
        submitted_at = _utc(sub.submitted_at if sub else None)
        student = session.get(Student, sid)
        name, email, sis_id = (sub.name, sub.email, sub.sis_id) if sub else (None, None, None)
        if student is None:
            student = Student(id=sid, name=name, email=email, sis_id=sis_id)
            session.add(student)
            session.flush()
        else:
            student.name = name or student.name
            student.email = email or student.email
            student.sis_id = sis_id or student.sis_id
        sha = grade.submission_sha256 or ""
        attempt = session.scalar(select(Attempt).where(
            Attempt.student_id == sid, Attempt.assignment_id == aid,
            Attempt.submission_sha256 == sha))
        if attempt is None:
            last = session.scalar(select(Attempt.number).where(
                Attempt.student_id == sid, Attempt.assignment_id == aid)
                .order_by(Attempt.number.desc()).limit(1)) or 0
            attempt = Attempt(student_id=sid, assignment_id=aid, number=last + 1,
                              submission_sha256=sha, submitted_at=submitted_at,
                              source=sub.source if sub else None)
            session.add(attempt)
            session.flush()
        elif submitted_at is not None and attempt.submitted_at is None:
            attempt.submitted_at = submitted_at
        tests_hash = grade.tests_hash or ""
        digest = outcome_digest(grade)
        same = session.scalar(select(Grading).where(
            Grading.attempt_id == attempt.id, Grading.tests_hash == tests_hash,
            Grading.outcome_sha256 == digest))
        if same is not None:
            same.confirmed_at = _now()
            return None
        assessed = (late or LatePolicy()).assess(due, _aware(attempt.submitted_at), grade.score)
        grading = Grading(attempt_id=attempt.id, tests_hash=tests_hash, outcome_sha256=digest,
                          score=grade.score, max_score=grade.max_score,
                          days_late=assessed["days_late"], penalty=assessed["penalty"],
                          final_score=assessed["final_score"], due=assessed["due"], flags=list(grade.flags),
                          results_json=json.dumps(results.to_json(grade), allow_nan=False),
                          graded_at=_now(), confirmed_at=_now())
        session.add(grading)
        session.flush()
        for t in grade.tests:
            session.add(TestResult(grading_id=grading.id, name=t.name,
                                   status=t.status, score=t.score,
                                   max_score=t.points, hidden=t.hidden))
        return grading

    # ----------------------------------------------------------------------- reading

    def agrees(self, grade: Grade) -> bool:
        """Whether a results.json read back for a resume agrees with what was recorded here: the
        gradebook holds no grading of this submission under these tests, or holds this very one.
        A changed results.json (a different verdict than the one recorded) is graded again, not
        trusted; one that was written but not yet recorded (a batch killed in between) is kept
        and recorded now."""
        with Session(self.engine) as session:
            digests = set(session.scalars(
                select(Grading.outcome_sha256).join(Attempt).where(
                    Attempt.student_id == grade.student_id,
                    Attempt.assignment_id == grade.assignment,
                    Attempt.submission_sha256 == (grade.submission_sha256 or ""),
                    Grading.tests_hash == (grade.tests_hash or ""))))
        return not digests or outcome_digest(grade) in digests

    def assignments(self) -> list[str]:
        with Session(self.engine) as session:
            return sorted(session.scalars(select(Attempt.assignment_id).distinct()))

    def students(self) -> list[Student]:
        with Session(self.engine) as session:
            return list(session.scalars(select(Student).order_by(Student.id)))

    def current(self, assignment_id: str) -> list[Current]:
        """Each student's current grade: the latest grading of their latest attempt."""
        with Session(self.engine) as session:
            attempts = session.scalars(select(Attempt).where(Attempt.assignment_id == assignment_id)
                                       .options(selectinload(Attempt.gradings))
                                       .order_by(Attempt.student_id, Attempt.number)).all()
            people = {p.id: p for p in session.scalars(select(Student).where(
                Student.id.in_({a.student_id for a in attempts})))}
            overrides = self._active_overrides(session, assignment_id)
            by_student: dict[str, list[Attempt]] = {}
            for a in attempts:
                if a.gradings:
                    by_student.setdefault(a.student_id, []).append(a)
            rows = []
            for sid in sorted(by_student):
                count = len(by_student[sid])
                a = max(by_student[sid], key=_attempt_order)
                g = max(a.gradings, key=lambda g: (_aware(g.confirmed_at), g.id))
                student = people[sid]
                stored = results.from_json(json.loads(g.results_json))
                stored.late = Late(submitted_at=_iso(a.submitted_at), days_late=g.days_late,
                                   penalty=g.penalty, raw_score=g.score,
                                   final_score=g.final_score, due=g.due)
                stored.attempt = a.number
                if sid in overrides:
                    stored.adjustment = overrides[sid].as_adjustment()
                rows.append(Current(
                    student_id=sid, name=student.name, email=student.email,
                    assignment_id=assignment_id, attempts=count,
                    submitted_at=_aware(a.submitted_at), graded_at=_aware(g.graded_at),
                    grade=stored))
            return rows

    # ----------------------------------------------------------------------- overrides

    @staticmethod
    def _active_overrides(session: Session, assignment_id: str) -> dict[str, Override]:
        """Each student's latest override that was not undone."""
        found: dict[str, Override] = {}
        for o in session.scalars(select(Override).where(
                Override.assignment_id == assignment_id, Override.undone_at.is_(None))
                .order_by(Override.id)):
            found[o.student_id] = o
        return found

    def override(self, assignment_id: str, student_id: str, kind: str, points: float,
                 reason: str, made_by: str = "") -> Override:
        """Change one student's grade by hand: ``set`` the final score, or ``add`` points to it
        (negative: take off). Needs a reason; replaces an earlier override, which stays in the
        history."""
        if kind not in ("set", "add"):
            raise GradebookError(f"an override sets or adds points, not {kind!r}")
        if not reason.strip():
            raise GradebookError("an override needs a reason (--reason): it is kept in the "
                                 "history and shown with the grade")
        graded = {c.student_id for c in self.current(assignment_id)}
        if student_id not in graded:
            raise GradebookError(f"no grade of {student_id} for {assignment_id} in "
                                 f"{safe_url(self.url)}: grade first (students with a grade: "
                                 f"{', '.join(sorted(graded)[:20]) or 'none'})")
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            for earlier in session.scalars(select(Override).where(
                    Override.assignment_id == assignment_id, Override.student_id == student_id,
                    Override.undone_at.is_(None))):
                earlier.undone_at = _now()  # replaced: kept in the history, no longer in force
            o = Override(student_id=student_id, assignment_id=assignment_id, kind=kind,
                         points=float(points), reason=reason.strip(), made_by=made_by)
            session.add(o)
        return o

    def undo_override(self, assignment_id: str, student_id: str) -> Override:
        """Undo the student's active override (an earlier one does not come back)."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            active = self._active_overrides(session, assignment_id).get(student_id)
            if active is None:
                raise GradebookError(f"{student_id} has no override for {assignment_id} to undo")
            active.undone_at = _now()
        return active

    def overrides(self, assignment_id: str, student_id: str) -> list[dict]:
        """Every override of one student's grade, undone ones included, oldest first."""
        with Session(self.engine) as session:
            return [{"kind": o.kind, "points": o.points, "reason": o.reason,
                     "made_by": o.made_by, "made_at": _iso(o.made_at),
                     "undone_at": _iso(o.undone_at)}
                    for o in session.scalars(select(Override).where(
                        Override.assignment_id == assignment_id,
                        Override.student_id == student_id).order_by(Override.id))]

    def history(self, assignment_id: str, student_id: str) -> list[dict]:
        """Every grading of every attempt of one student, oldest first (for staff)."""
        with Session(self.engine) as session:
            attempts = session.scalars(select(Attempt).where(
                Attempt.assignment_id == assignment_id, Attempt.student_id == student_id)
                .order_by(Attempt.number)).all()
            return [{"attempt": a.number, "submission_sha256": a.submission_sha256,
                     "submitted_at": _iso(a.submitted_at), "tests_hash": g.tests_hash,
                     "score": g.score, "max_score": g.max_score, "days_late": g.days_late,
                     "penalty": g.penalty, "final_score": g.final_score,
                     "graded_at": _iso(g.graded_at),
                     "tests": {t.name: t.status for t in g.tests}}
                    for a in attempts for g in a.gradings]


def _add_missing_columns(engine) -> None:
    """Bring a gradebook written by an older ulp up to date: add each nullable column it lacks
    (create_all makes missing tables, never missing columns). No data is changed."""
    have = inspect(engine)
    for table in Base.metadata.sorted_tables:
        present = {c["name"] for c in have.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                kind = column.type.compile(dialect=engine.dialect)
                with engine.begin() as conn:
                    conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}'))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Wait for a lock instead of failing at once (two `ulp` commands on one file), keep the
    foreign keys honest, and write-ahead log: readers (``ulp report``) never block the grader,
    and a commit costs one sync at checkpoints, not two per grade."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL too broken to parse is shown as given
        return url


def open_gradebook(out: Path | None = None, db: str | None = None, *, create: bool = True) -> Gradebook:
    return Gradebook(url_for(out, db), create=create)
