"""Quizzes: answers are read as data (never run), each blank scores alone, per-student values and
option orders come from the course secret, and a quiz goes through the same grading, results,
release and check as a code assignment. A small quiz of this file's own keeps the checks
independent of the course's quiz sets (their self-tests grade those)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import quiz
from autograder.course import release as releases
from autograder.course import statement as statements
from autograder.course.assignment import load
from autograder.errors import ReleaseError
from autograder.model import Submission
from autograder.output import results
from autograder.session.grade import grade_submission
from helpers import settings

ULP = shutil.which("ulp", path=str(Path(sys.executable).parent))

Q1 = '''\
"""FP32 by hand"""
import struct
from autograder.course.quiz import Bits, Hex, Integer

TEXT = "Encode v = {{ v }} in FP32."
DEFAULTS = {"v": -13.625}


def draw(rng):
    return {"v": rng.choice([-1, 1]) * rng.randint(1, 255) / 8}


def answer(v):
    bits = struct.unpack(">I", struct.pack(">f", v))[0]
    return {"sign": Integer(bits >> 31), "exponent": Bits((bits >> 23) & 0xFF, width=8),
            "hex": Hex(bits, width=32, points=2)}
'''
Q2 = '''\
"""Epsilon"""
from autograder.course.quiz import Choices, Number

TEXT = "The gap between 1 and the next FP32 number, and every true statement."
DEFAULTS = {}


def answer():
    return {"eps": Number(2.0 ** -23, sig=3),
            "true": Choices(("FP32 has 23 fraction bits", "FP64 has 23 fraction bits",
                             "BF16 has 7 fraction bits", "FP16 has 8 exponent bits"),
                            (0, 2), points=2)}
'''
Q3 = '''\
"""In your words"""
from autograder.course.quiz import Choice, Text

TEXT = "Why does Kahan summation help?"
DEFAULTS = {}


def answer():
    return {"why": Text(guide="it carries the lost low-order bits", points=2),
            "best": Choice(("Kahan", "naive", "reversed"), 0)}
'''
STATEMENT = "# {{ title }}\n\n{{ questions }}\n\n{{ answering }}\n"
RIGHT = {"q1_sign": "1", "q1_exponent": "10000010", "q1_hex": "0xC15A0000",
         "q2_eps": "1.19e-7", "q2_true": ["A", "C"], "q3_why": "it keeps the lost bits",
         "q3_best": "A"}


def write_quiz(root: Path, toml_extra: str = "", q1: str = Q1) -> Path:
    folder = root / "assignments" / "tq"
    (folder / "questions").mkdir(parents=True)
    (folder / "assignment.toml").write_text(f'title = "A test quiz"\nkind = "quiz"\n{toml_extra}')
    (folder / "statement.md.j2").write_text(STATEMENT)
    for name, text in (("q1", q1), ("q2", Q2), ("q3", Q3)):
        (folder / "questions" / f"{name}.py").write_text(text)
    a = load(root, "tq")
    questions = quiz.Quiz(a).questions()
    (root / "reference").mkdir()
    (root / "student_template").mkdir()
    a.reference.write_text(quiz.answer_key(questions))
    a.stub.write_text(quiz.answers_template(questions, a.title))
    return root


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = write_quiz(tmp_path / "course")
    monkeypatch.setenv("ULP_COURSE_DIR", str(root))
    monkeypatch.delenv("ULP_COURSE_SECRET", raising=False)
    return root


def answers_file(folder: Path, answers: dict | str, name: str = "tq.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = answers if isinstance(answers, str) else "".join(
        f"{k} = {json.dumps(v)}\n" for k, v in answers.items())
    (folder / name).write_text(text)
    return folder


def grade(course: Path, folder: Path, student: str = "alice", secret: bytes | None = None):
    s = settings().replace(secret=secret)
    g = grade_submission(load(course, "tq"), Submission(student, folder), s)
    results.validate(results.to_json(g))  # every quiz grade is a valid results.json
    return g


def verdicts(g) -> dict:
    return {t.name: t for t in g.tests}


# --------------------------------------------------------------------------- answer types

@pytest.mark.parametrize(("answer", "raw"), [
    (quiz.Hex(0xC15A0000, width=32), "0xC15A0000"), (quiz.Hex(0xC15A0000, width=32), "c15a 0000"),
    (quiz.Hex(0xC15A0000, width=32), 0xC15A0000), (quiz.Hex(0x1, width=32), "0x1"),
    (quiz.Bits(0b10000010, width=8), "1000 0010"), (quiz.Bits(0b10000010, width=8), "0b1000_0010"),
    (quiz.Integer(11000), "1.1e4"), (quiz.Integer(11000), 1.1e4), (quiz.Integer(11000), "11,000"),
    (quiz.Integer(10**23), "1e23"), (quiz.Integer(-3), "-3"),
    (quiz.Number(2.0 ** -23, sig=3), "2^-23"), (quiz.Number(2.0 ** -23, sig=3), "2**-23"),
    (quiz.Number(2.0 ** -23, sig=3), 1.19e-7), (quiz.Number(0.1875, abs=1e-9), "1.5 * 2^-3"),
    (quiz.Number(float("nan"), abs=0), "nan"), (quiz.Number(float("-inf"), abs=0), "-inf"),
    (quiz.Number(65504.0, rel=1e-3), "65,504"),
])
def test_every_accepted_spelling_of_a_right_answer_is_right(answer, raw):
    assert answer.earned(answer.parse(raw)) == 1.0


@pytest.mark.parametrize(("answer", "raw"), [
    (quiz.Number(2.0 ** -23, sig=3), "1.2e-7"),  # rounded to 2 figures: not 3
    (quiz.Number(2.0 ** -23, sig=3), 2.0 ** -52),  # FP64's epsilon
    (quiz.Integer(11000), 11001), (quiz.Bits(0b10000010, width=8), "10000011"),
    (quiz.Number(float("nan"), abs=0), "inf"), (quiz.Number(1.0, abs=0.5), "nan"),
])
def test_near_misses_are_wrong(answer, raw):
    assert answer.earned(answer.parse(raw)) == 0.0


@pytest.mark.parametrize(("answer", "raw", "says"), [
    (quiz.Bits(5, width=8), "101", "exactly 8 bits"), (quiz.Bits(5, width=8), 101, "in quotes"),
    (quiz.Hex(5, width=8), "0x123", "at most 2 hex digits"), (quiz.Hex(5, width=8), "0xZZ", "hexadecimal"),
    (quiz.Integer(3), "3.5", "whole number"), (quiz.Integer(3), True, "whole number"),
    (quiz.Integer(3), "1" * 5000, "whole number"), (quiz.Integer(3), "1e999999", "whole number"),
    (quiz.Number(1.0, abs=1), "one", "not a number"), (quiz.Number(1.0, abs=1), [1], "a number"),
    (quiz.Number(1.0, abs=1), "2^4096", "beyond the range"),
    (quiz.Number(1.0, abs=1), "1024^4096", "beyond the range"),
    (quiz.Choice(("a", "b", "c"), 1), "D", "among A, B, C"),
    (quiz.Choice(("a", "b", "c"), 1), ["A", "B"], "one option letter"),
    (quiz.Text(), 3, "in quotes"),
])
def test_malformed_answers_say_what_is_expected(answer, raw, says):
    with pytest.raises(quiz.Malformed, match=says):
        answer.parse(raw)


def test_several_choices_earn_partial_credit_as_stated():
    several = quiz.Choices(("a", "b", "c", "d"), (0, 2))
    assert [several.earned(several.parse(r)) for r in (["A", "C"], "a, c", ["A"], ["A", "B"],
                                                        ["B", "D"], ["A", "B", "C"])] \
        == [1.0, 1.0, 0.5, 0.0, 0.0, 0.5]


# --------------------------------------------------------------------------- grading

def test_the_answer_key_scores_full_marks_and_the_blank_template_zero(course, tmp_path):
    a = load(course, "tq")
    full = grade(course, answers_file(tmp_path / "alice", a.reference.read_text()))
    assert full.score == full.max_score - full.manual_points == 8 and full.manual_points == 2
    blank = grade(course, answers_file(tmp_path / "bob", a.stub.read_text()))
    assert blank.score == 0 and all("Not answered" in t.output for t in blank.tests if not t.manual)


def test_each_blank_scores_alone_and_a_broken_line_costs_only_its_answer(course, tmp_path):
    text = "".join(f"{k} = {json.dumps(v)}\n" for k, v in RIGHT.items())
    text = text.replace('q1_exponent = "10000010"', 'q1_exponent = "10000010')  # unterminated
    text = text.replace('q2_eps = "1.19e-7"', 'q2_eps = __import__("os").system("touch pwned")')
    g = grade(course, answers_file(tmp_path / "alice", text))
    v = verdicts(g)
    assert sorted(g.failed) == ["q1_exponent", "q2_eps"], g.output
    assert "Line 2" in v["q1_exponent"].output and "Line 4" in v["q2_eps"].output
    assert "tq.toml, line 2" in g.output and "tq.toml, line 4" in g.output
    assert g.score == 8 - 1 - 1 and not (tmp_path / "alice" / "pwned").exists()


def test_an_answers_file_of_100_mb_scores_zero_with_one_clear_line(course, tmp_path):
    folder = tmp_path / "mallory"
    folder.mkdir()
    with open(folder / "tq.toml", "wb") as f:
        f.write(b'q1_sign = "1"\n')
        f.truncate(100 * 1024**2)
    g = grade(course, folder, "mallory")
    assert g.score == 0
    assert "tq.toml is 104,857,600 bytes; an answers file may have at most 65,536" in g.output


@pytest.mark.parametrize("text", [
    "q1_sign = " + "[" * 20000 + "]" * 20000 + "\n",  # deeper than the TOML reader recurses
    "\n".join(f"k{n} = {n}" for n in range(5000)),  # junk keys
    b"\xff\xfe not utf-8".decode("latin-1"),
])
def test_hostile_answers_files_score_zero_and_grading_goes_on(course, tmp_path, text):
    g = grade(course, answers_file(tmp_path / "mallory", text), "mallory")
    assert g.score == 0 and g.tests and not g.is_grader_failure


def test_a_notebooks_code_cells_are_read_as_answers_and_never_run(course, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("q1_sign = 0  (markdown is not read)"),
        nbformat.v4.new_code_cell('import os\nos.system("touch pwned")'),
        nbformat.v4.new_code_cell("".join(f"{k} = {json.dumps(v)}\n" for k, v in RIGHT.items())),
    ])
    folder = tmp_path / "alice"
    folder.mkdir()
    nbformat.write(nb, str(folder / "tq.ipynb"))
    g = grade(course, folder)
    assert g.score == 8 and not (folder / "pwned").exists()
    assert "code cell 1, line 1" in g.output  # the import line, reported as unreadable


def test_table_spellings_and_their_lines(course, tmp_path):
    text = ('q1_sign = 0\n[q1]\nexponent = "10000010"\nhex = 0xC15A0000\n')
    g = grade(course, answers_file(tmp_path / "alice", text))
    v = verdicts(g)
    assert v["q1_exponent"].passed and v["q1_hex"].passed and not v["q1_sign"].passed
    assert "(line 3)" in v["q1_exponent"].output  # a table's rows are found by their line
    assert "0xC15A0000" in v["q1_hex"].output  # a TOML hex integer is shown as hex


def test_per_student_values_and_option_orders_come_from_the_secret(course, tmp_path):
    """The class's answer key is not another student's: their v and their option letters differ."""
    key = load(course, "tq").reference.read_text()
    secret = b"s3cret"
    scores = {sid: grade(course, answers_file(tmp_path / sid, key), sid, secret).score
              for sid in ("s1", "s2", "s3", "s4", "s5", "s6")}
    assert all(score < 8 for score in scores.values()), scores
    own = quiz.answer_key(quiz.Quiz(load(course, "tq")).questions(secret, "s1"))
    g = grade(course, answers_file(tmp_path / "own", own), "s1", secret)
    assert g.score == 8
    orders = {tuple(p.order) for sid in ("s1", "s2", "s3", "s4", "s5", "s6")
              for p in quiz.Quiz(load(course, "tq")).question("q2", secret, sid).parts if p.order}
    assert len(orders) > 1


def test_partial_and_by_hand_verdicts_survive_results_json(course, tmp_path):
    answers = dict(RIGHT, q2_true=["A"])
    g = grade(course, answers_file(tmp_path / "alice", answers))
    back = results.from_json(results.to_json(g))
    v = verdicts(back)
    assert v["q2_true"].score == 1.0 and v["q2_true"].points == 2 and not v["q2_true"].passed
    assert v["q3_why"].manual and v["q3_why"].answer == "it keeps the lost bits"
    assert "q3_why" not in back.failed and back.score == 7
    d = results.to_json(g)
    why = next(t for t in d["tests"] if t["name"] == "q3_why")
    assert "status" not in why and "manual" in why["tags"]


@pytest.mark.parametrize(("extra", "visibility", "revealed"), [
    ("", "after_due_date", False),
    ('due = 2000-01-01T00:00:00Z\n[quiz]\nreveal_answers = true\n', "after_due_date", True),
    ('due = 2999-01-01T00:00:00Z\n[quiz]\nreveal_answers = true\nfeedback = "immediate"\n',
     "visible", False),
])
def test_feedback_and_answers_follow_the_due_date(tmp_path, monkeypatch, extra, visibility,
                                                  revealed):
    root = write_quiz(tmp_path / "course", extra)
    monkeypatch.setenv("ULP_COURSE_DIR", str(root))
    g = grade(root, answers_file(tmp_path / "alice", dict(RIGHT, q1_hex="0xC15A0001")))
    hex_ = verdicts(g)["q1_hex"]
    assert hex_.visibility == visibility
    assert ("The right answer: 0xC15A0000" in hex_.output) == revealed, hex_.output


# --------------------------------------------------------------------------- the course's side

def test_validate_finds_an_ill_defined_question(tmp_path):
    broken = Q1.replace("Bits((bits >> 23) & 0xFF, width=8)", "Bits(bits >> 23, width=8)")
    root = write_quiz(tmp_path / "course", q1=broken)
    problems = quiz.problems(load(root, "tq"), students=50)
    assert any("q1_exponent" in p and "does not fit in 8 bits" in p for p in problems), problems


def test_release_ships_the_form_and_never_the_questions_or_answers(course, tmp_path):
    a = load(course, "tq")
    r = releases.release(a, tmp_path / "out", ["ann", "ben"], secret=b"s3cret",
                         wheel=("ulp-0-py3-none-any.whl", b"wheel"))
    names = zipfile.ZipFile(r.student_zip).namelist()
    assert "tq/tq.toml" in names and "tq/tq.ipynb" in names
    assert "tq/assignments/tq/form.json" in names
    assert not [n for n in names if "questions" in n or "reference" in n]
    assert sorted(p.name for p in r.statements) == ["ann.ipynb", "ann.md", "ben.ipynb", "ben.md"]
    nb = nbformat.reads((tmp_path / "out" / "statements" / "ann.ipynb").read_text(), 4)
    assert any('q1_sign = ""' in c.source for c in nb.cells if c.cell_type == "code")
    # an answer line in the statement stops the release
    (a.folder / "statement.md.j2").write_text(STATEMENT + '\nq1_hex = "0xC15A0000"\n')
    with pytest.raises(ReleaseError, match="q1_hex"):
        releases.release(a, tmp_path / "again", wheel=("w.whl", b"w"))


def run(*args, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    cmd = [ULP] if ULP else [sys.executable, "-m", "autograder.cli"]
    return subprocess.run(cmd + [str(x) for x in args], capture_output=True, text=True, cwd=cwd,
                          env={**{k: v for k, v in os.environ.items() if not k.startswith("ULP_")},
                               **env}, timeout=300)


def test_check_in_the_bundle_says_which_answers_are_well_formed_never_right(course, tmp_path):
    a = load(course, "tq")
    r = releases.release(a, tmp_path / "out", wheel=("ulp-0-py3-none-any.whl", b"wheel"))
    zipfile.ZipFile(r.student_zip).extractall(tmp_path / "bundle")
    here = tmp_path / "bundle" / "tq"
    (here / "tq.toml").write_text(textwrap.dedent('''\
        q1_sign = 1
        q1_exponent = "1111"
        q1_hex = "0xFFFFFFFF"
        '''))
    proc = run("check", "tq", "tq.toml", cwd=here, env={"ULP_COURSE_DIR": str(here)})
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "3 of 7 answers are well-formed" not in out and "2 of 7 answers are well-formed" in out
    assert "exactly 8 bits" in out and "Wrong" not in out and "Right." not in out
    assert "Traceback" not in proc.stderr


def test_a_quiz_grades_through_ulp_grade_into_the_gradebook(course, tmp_path):
    klass = tmp_path / "class"
    answers_file(klass / "alice", RIGHT)
    answers_file(klass / "bob", dict(RIGHT, q1_sign=0), name="answers.toml")
    (klass / "carol").mkdir()
    proc = run("grade", "tq", klass, "--out", tmp_path / "out", cwd=tmp_path,
               env={"ULP_COURSE_DIR": str(course)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {s: json.loads((tmp_path / "out" / "tq" / s / "results.json").read_text())
           for s in ("alice", "bob", "carol")}
    assert [got[s]["score"] for s in ("alice", "bob", "carol")] == [8, 7, 0]
    assert got["carol"]["extra_data"]["ulp"]["flags"] == ["no submission"]
    report = (tmp_path / "out" / "tq" / "bob" / "report.md").read_text()
    assert "q1_sign" in report and "Wrong" in report and "BY HAND" in report
    by_hand = (tmp_path / "out" / "tq" / "by-hand.csv").read_text().splitlines()
    assert by_hand[0] == "student_id,answer_key,points,answer"
    assert "alice,q3_why,2,it keeps the lost bits" in by_hand and len(by_hand) == 4


def test_run_autograder_grades_a_quiz_as_gradescope_calls_it(course, tmp_path):
    submission = answers_file(tmp_path / "autograder" / "submission", RIGHT, name="answers.toml")
    out = tmp_path / "autograder" / "results" / "results.json"
    proc = run("run-autograder", "tq", "--submission", submission, "--results", out,
               "--student-id", "alice", cwd=tmp_path, env={"ULP_COURSE_DIR": str(course)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(out.read_text())
    results.validate(got)
    assert got["score"] == 8 and {t["visibility"] for t in got["tests"]} == {"after_due_date"}


def test_the_statement_lists_every_blank_with_its_form(course):
    text = statements.render(load(course, "tq"))
    for key in ("q1_sign", "q1_exponent", "q1_hex", "q2_eps", "q2_true", "q3_why", "q3_best"):
        assert f"`{key}`" in text
    assert "exactly 8 bits" in text and "read as data and never run" in text
    assert "0xC15A0000" not in text and "10000010" not in text  # no answer in the statement



def test_a_free_text_line_that_cannot_be_read_stays_for_grading_by_hand(course, tmp_path):
    text = "".join(f"{k} = {json.dumps(v)}\n" for k, v in RIGHT.items() if k != "q3_why")
    g = grade(course, answers_file(tmp_path / "alice", text + 'q3_why = "unterminated\n'))
    why = verdicts(g)["q3_why"]
    assert why.manual and "could not be read" in why.output and not g.failed
    assert g.score == g.max_score - g.manual_points


def test_the_answer_key_keeps_the_figures_it_promises():
    assert quiz.Number(65504.0, sig=4).show() == "65504.0"  # exact, short: as it is
    assert quiz.Number(2.0 ** -23, sig=3).show() == "1.19e-07"
    assert quiz.Number(3.4028234663852886e38, sig=4).show() == "3.403e+38"
    assert quiz.Number(0.30000001192092896, sig=3).show() == "0.300"  # trailing zeros kept
