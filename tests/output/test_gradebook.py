"""The gradebook (attempts, history, late policy, Canvas CSV). The gradebook tests take a ``db_url`` fixture: here a SQLite file;
tests/output/test_postgres.py runs the same tests against a real PostgreSQL server."""

import csv
import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from autograder.course import assignment as assignments
from autograder.course.assignment import LatePolicy
from autograder.errors import CourseError, GradebookError, UsageError
from autograder.model import Grade, Submission, TestVerdict
from autograder.output import exports, gradebook
from helpers import ROOT

UTC = dt.timezone.utc
DUE = dt.datetime(2026, 10, 1, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-7)))


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'gradebook.sqlite'}"


@pytest.fixture
def book(db_url):
    with gradebook.Gradebook(db_url) as b:
        yield b


def result(student="alice", aid="kv_cache", sha="a" * 64, tests_hash="t1",
           verdicts=(("test_one", 2.0, True), ("test_two", 3.0, False))) -> Grade:
    """A grade as the grading session makes one (the fields the gradebook reads)."""
    tests = [TestVerdict(n, p, ok) for n, p, ok in verdicts]
    return Grade(aid, student, sum(t.score for t in tests), sum(t.points for t in tests), tests,
                 execution_time=1.0, seed=1, tests_hash=tests_hash, submission_sha256=sha,
                 isolation={"level": "bwrap", "layers": [], "warnings": []})


def record(b, g: Grade, *, submitted_at=None, name=None, email=None, sis_id=None, due=None,
           late=None, source="folder"):
    """Record ``g`` as ulp grade does, with what intake knew of the submission."""
    sub = Submission(g.student_id, Path("."), None, submitted_at, source, name, email, sis_id)
    return b.record(g, sub, due=due, late=late)


def count(b: gradebook.Gradebook, table) -> int:
    with Session(b.engine) as s:
        return s.scalar(select(func.count()).select_from(table))


def test_the_same_result_recorded_twice_is_one_attempt_and_one_grading(book):
    """A resumed batch reports already-graded students again: nothing may be duplicated."""
    first = record(book, result())
    assert first is not None
    assert record(book, result()) is None
    res = result()
    res.execution_time = 9.0  # a rerun differs in timings only: still the same grade
    assert record(book, res) is None
    assert (count(book, gradebook.Attempt), count(book, gradebook.Grading),
            count(book, gradebook.TestResult)) == (1, 1, 2)
    [cur] = book.current("kv_cache")
    assert (cur.attempt, cur.attempts, cur.score, cur.max_score, cur.final_score) == (1, 1, 2, 5, 2)
    assert cur.grade.tests[1].passed is False  # the whole results.json is kept


def test_a_new_submission_is_a_new_attempt_and_becomes_current(book):
    t0 = dt.datetime(2026, 9, 30, 12, tzinfo=UTC)
    record(book, result(), submitted_at=t0)
    record(book, result(sha="b" * 64, verdicts=(("test_one", 2.0, True), ("test_two", 3.0, True))),
                submitted_at=t0 + dt.timedelta(hours=1))
    record(book, result(student="bob", sha="c" * 64), submitted_at=t0)
    cur = {c.student_id: c for c in book.current("kv_cache")}
    assert (cur["alice"].attempt, cur["alice"].attempts, cur["alice"].score) == (2, 2, 5)
    assert cur["alice"].submitted_at == t0 + dt.timedelta(hours=1)
    assert (cur["bob"].attempt, cur["bob"].score) == (1, 2)
    assert [h["attempt"] for h in book.history("kv_cache", "alice")] == [1, 2]


def test_a_regrade_after_a_test_fix_keeps_the_history(book):
    """New tests hash: a new grading of the same attempt; the old one stays; the newest counts.
    Going back to the old tests makes the old result current again, without a copy of it."""
    record(book, result(tests_hash="t1"))
    fixed = result(tests_hash="t2", verdicts=(("test_one", 2.0, True), ("test_two", 3.0, True)))
    assert record(book, fixed) is not None
    hist = book.history("kv_cache", "alice")
    assert [(h["attempt"], h["tests_hash"], h["score"]) for h in hist] == [(1, "t1", 2), (1, "t2", 5)]
    assert hist[0]["tests"] == {"test_one": "passed", "test_two": "failed"}
    assert book.current("kv_cache")[0].score == 5
    assert record(book, result(tests_hash="t1")) is None  # the tests were reverted
    assert book.current("kv_cache")[0].score == 2
    assert count(book, gradebook.Grading) == 2


def test_concurrent_records_of_one_result_store_it_once(book):
    errors = []

    def go():
        try:
            record(book, result())
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert (count(book, gradebook.Attempt), count(book, gradebook.Grading)) == (1, 1)


def test_a_second_connection_sees_the_grades(db_url):
    """The database is the record: a new process (here a new engine) reads what was written."""
    with gradebook.Gradebook(db_url) as b:
        record(b, result(), submitted_at=DUE)
    with gradebook.Gradebook(db_url, create=False) as b:
        [cur] = b.current("kv_cache")
        assert cur.submitted_at == DUE and cur.submitted_at.tzinfo is not None
        assert b.assignments() == ["kv_cache"]


# ------------------------------------------------------------------------------------ late policy

POLICY = LatePolicy(penalty_per_day=0.1, grace_minutes=15, max_penalty=0.3, max_days=5)


@pytest.mark.parametrize("late_by, days, penalty", [
    (dt.timedelta(minutes=-5), 0, 0.0),          # early
    (dt.timedelta(minutes=14), 0, 0.0),          # inside the grace period
    (dt.timedelta(minutes=16), 1, 0.1),          # a started day counts
    (dt.timedelta(days=1, minutes=20), 2, 0.2),
    (dt.timedelta(days=4), 4, 0.3),              # capped at max_penalty
    (dt.timedelta(days=5, minutes=16), 6, 1.0),  # past max_days: zero
])
def test_late_policy(late_by, days, penalty):
    got = POLICY.assess(DUE, DUE + late_by, 10.0)
    assert (got["days_late"], got["penalty"]) == (days, pytest.approx(penalty))
    assert got["raw_score"] == 10.0 and got["final_score"] == pytest.approx(10.0 * (1 - penalty))


def test_no_policy_no_due_date_or_no_time_takes_nothing_off():
    late = DUE + dt.timedelta(days=3)
    assert LatePolicy().assess(DUE, late, 7.0)["final_score"] == 7.0
    assert POLICY.assess(None, late, 7.0)["final_score"] == 7.0
    assert POLICY.assess(DUE, None, 7.0)["final_score"] == 7.0


def test_the_gradebook_applies_the_late_policy_and_keeps_the_raw_score(book):
    record(book, result(), submitted_at=DUE + dt.timedelta(days=1, hours=1), due=DUE, late=POLICY)
    [cur] = book.current("kv_cache")
    assert (cur.score, cur.days_late, cur.penalty, cur.final_score) == (2, 2, pytest.approx(0.2),
                                                                        pytest.approx(1.6))
    late = cur.grade.late
    assert late.raw_score == 2 and late.final_score == pytest.approx(1.6)
    assert late.days_late == 2 and late.submitted_at.startswith("2026-10-03T")
    assert late.due == "2026-10-01T23:59:00-07:00"  # in the course's zone, for the reports
    with Session(book.engine) as s:  # the stored results.json itself is untouched
        stored = s.scalars(select(gradebook.Grading.results_json)).one()
    assert '"late"' not in stored


def test_a_gradebook_from_an_older_ulp_gains_the_new_columns_and_keeps_its_grades(db_url):
    """A gradebook written before gradings had a due column opens, gains the column, keeps
    every grade, and records new ones with their due date."""
    with gradebook.Gradebook(db_url) as b:
        record(b, result("old"))
        with b.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE gradings DROP COLUMN due")
    with gradebook.Gradebook(db_url, create=False) as b:
        record(b, result("new"), submitted_at=DUE, due=DUE, late=POLICY)
        got = {c.student_id: c.grade.late.due for c in b.current("kv_cache")}
    assert got == {"old": None, "new": "2026-10-01T23:59:00-07:00"}


def _course(tmp_path: Path, toml_extra: str) -> Path:
    folder = tmp_path / "course" / "assignments" / "x"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(f'title = "X"\nfunctions = ["f"]\n{toml_extra}\n')
    return tmp_path / "course"


def test_due_date_and_late_table_are_read_from_assignment_toml(tmp_path):
    root = _course(tmp_path, 'due = 2026-10-01T23:59:00-07:00\n[late]\npenalty_per_day = 0.25\n'
                             'grace_minutes = 10\nmax_days = 3')
    a = assignments.load(root, "x")
    assert a.due == DUE
    assert a.late == LatePolicy(penalty_per_day=0.25, grace_minutes=10, max_days=3)
    assert assignments.load(ROOT, "kv_cache").late == LatePolicy()  # absent: no penalty


@pytest.mark.parametrize("toml, words", [
    ("due = 2026-10-01T23:59:00", "no UTC offset"),
    ("due = 2026-10-01T23:59:00Z\n[late]\npenalty_per_dya = 0.1", "unknown key [late] 'penalty_per_dya'"),
    ("due = 2026-10-01T23:59:00Z\n[late]\npenalty_per_day = 10", "fractions"),
])
def test_a_wrong_late_setting_names_the_file_and_the_fix(tmp_path, toml, words):
    root = _course(tmp_path, toml)
    with pytest.raises(CourseError) as e:
        assignments.load(root, "x")
    assert "assignment.toml" in str(e.value) and words in str(e.value)


# ------------------------------------------------------------------------------------ Canvas CSV

def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_csv_has_the_columns_canvas_imports(book, tmp_path):
    record(book, result(), name="Alice Liddell", email="alice@uni.edu",
                submitted_at=DUE + dt.timedelta(days=1), due=DUE, late=POLICY)
    record(book, result(student="bob", sha="c" * 64), sis_id="B-42")
    record(book, result(student="bob", aid="fp32_encode", sha="d" * 64,
                       verdicts=(("test_a", 4.0, True),)))
    rows = exports.canvas_rows(book, ["kv_cache", "fp32_encode"])
    path = exports.write_canvas_csv(tmp_path / "canvas.csv", rows)
    got = read_csv(path)
    assert got[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "kv_cache",
                      "fp32_encode"]
    assert got[1] == ["Points Possible", "", "", "", "", "5", "4"]
    assert got[2] == ["Alice Liddell", "", "alice", "alice@uni.edu", "", "1.8", ""]  # late, no fp32
    assert got[3] == ["bob", "", "B-42", "", "", "2", "4"]  # Gradescope's sid, for Canvas


def test_a_roster_fills_names_canvas_ids_and_sections(book, tmp_path):
    record(book, result())
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeffstudent_id,name,canvas_id,sis_login_id,section\n"
                      "alice,\"Liddell, Alice\",4711,al42,Lab 1\n"
                      "carol,=HYPERLINK(\"x\"),4712,ca,Lab 2\n")
    rows = exports.canvas_rows(book, ["kv_cache"], exports.read_canvas_roster(roster))
    got = read_csv(exports.write_canvas_csv(tmp_path / "c.csv", rows))
    assert got[2] == ["Liddell, Alice", "4711", "alice", "al42", "Lab 1", "2"]
    assert got[3] == ["'=HYPERLINK(\"x\")", "4712", "carol", "ca", "Lab 2", ""]  # no formula


def test_a_roster_without_student_id_says_what_to_add(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nA,a@b\n")
    with pytest.raises(UsageError, match="no student_id column"):
        exports.read_canvas_roster(roster)


def test_a_missing_gradebook_says_how_to_make_one(tmp_path):
    with pytest.raises(GradebookError, match="grade first"):
        gradebook.open_gradebook(tmp_path, None, create=False)


def test_an_unreachable_database_names_it_without_its_password(tmp_path):
    with pytest.raises(GradebookError) as e:
        gradebook.Gradebook("postgresql+psycopg://u:sekrit@127.0.0.1:1/none?connect_timeout=2")
    assert "sekrit" not in str(e.value) and "127.0.0.1:1" in str(e.value) and "--db" in str(e.value)


# ------------------------------------------------------------------------------------ overrides

def test_an_override_changes_the_current_grade_keeps_history_and_can_be_undone(book):
    record(book, result())  # alice: 2 / 5
    record(book, result(student="bob", sha="b" * 64))
    book.override("kv_cache", "alice", "set", 4.5, "regrade request #12", "ta")
    [cur] = [c for c in book.current("kv_cache") if c.student_id == "alice"]
    assert cur.score == 2 and cur.final_score == 4.5
    assert cur.grade.adjustment.reason == "regrade request #12" and cur.grade.final_score == 4.5
    assert exports.canvas_rows(book, ["kv_cache"])[2][-1] == "4.5"
    book.override("kv_cache", "alice", "add", -1, "late slip", "ta")  # replaces the first
    assert {c.student_id: c.final_score for c in book.current("kv_cache")}["alice"] == 1
    book.undo_override("kv_cache", "alice")  # the first does not come back
    assert {c.student_id: c.final_score for c in book.current("kv_cache")} == {"alice": 2, "bob": 2}
    history = book.overrides("kv_cache", "alice")
    assert [(h["kind"], h["points"], h["undone_at"] is not None) for h in history] == [
        ("set", 4.5, True), ("add", -1.0, True)]  # replaced, then undone
    with pytest.raises(GradebookError, match="needs a reason"):
        book.override("kv_cache", "alice", "set", 5, "  ")
    with pytest.raises(GradebookError, match="no grade of carol"):
        book.override("kv_cache", "carol", "set", 5, "why")
    with pytest.raises(GradebookError, match="no override"):
        book.undo_override("kv_cache", "bob")
