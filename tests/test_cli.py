"""The command line as a user meets it: every user mistake is one line and a non-zero exit code
(never a traceback), points come from pytest's own collection, and `ulp new` starts an
assignment that validates at once."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course.assignment import load
from autograder.course.tests import collect
from helpers import ROOT, TOY

ULP = shutil.which("ulp", path=str(Path(sys.executable).parent))


def ulp(*args, env_extra: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("ULP_")}
    env.update(env_extra or {})
    cmd = [ULP] if ULP else [sys.executable, "-m", "autograder.cli"]
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def one_line_error(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """The run failed with ``code`` and said so in one line, naming ``words``, no traceback."""
    err = proc.stderr.strip()
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], err[-2000:])
    assert "Traceback" not in err + proc.stdout, err
    assert len(err.splitlines()) == 1, err
    for word in words:
        assert word in err, (word, err)
    return err


def copy_of_toy(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(TOY, course, ignore=shutil.ignore_patterns("__pycache__"))
    return course


@pytest.mark.parametrize(("args", "code"), [(["--version"], 0), (["check", "nope"], 3)])
def test_ulp_ends_after_its_exit_handlers_ran_and_waits_for_a_thread_still_running(args, code):
    """`ulp` skips the interpreter's teardown at exit (cli.entry): the exit handlers still run,
    the output is all there, the exit code is the command's, and a thread the command left
    running is waited for (then Python ends as usual)."""
    script = ("import atexit, sys, threading, time\n"
              "from autograder import cli\n"
              "atexit.register(lambda: print('handler ran', flush=True))\n"
              "if sys.argv[1] == 'thread':\n"
              "    threading.Thread(target=lambda: (time.sleep(0.5), print('thread ended'))\n"
              "                     ).start()\n"
              "sys.argv = ['ulp', *sys.argv[2:]]\n"
              "cli.entry()\n")
    for thread in ("none", "thread"):
        done = subprocess.run([sys.executable, "-c", script, thread, *args], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == code, done.stderr
        assert done.stdout.rstrip().endswith("handler ran"), done.stdout
        assert ("thread ended" in done.stdout) == (thread == "thread"), done.stdout
        assert "ulp" in done.stdout + done.stderr  # the version line, or the one-line error


def test_grading_an_unknown_assignment(tmp_path):
    (tmp_path / "class").mkdir()
    proc = ulp("grade", "nosuch", tmp_path / "class", "--out", tmp_path / "out")
    one_line_error(proc, 3, "no assignment 'nosuch'", "ulp list")


def test_the_statement_of_an_unknown_assignment():
    one_line_error(ulp("statement", "nosuch"), 3, "no assignment 'nosuch'", "known: ")


def test_out_pointing_at_a_file(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "out.txt").write_text("not a folder")
    proc = ulp("grade", "kahan_sum", tmp_path / "class", "--out", tmp_path / "out.txt")
    one_line_error(proc, 2, "--out", "out.txt", "is a file", "give a folder")


def test_missing_submissions_folder(tmp_path):
    proc = ulp("grade", "kahan_sum", tmp_path / "nowhere", "--out", tmp_path / "out")
    one_line_error(proc, 2, "nowhere", "does not exist")


TOY_TOML = """title = "Toy"
functions = ["add", "half"]
attributes = ["NAME"]
[limits]
call_timeout_s = 3
"""


@pytest.mark.parametrize("old, new, words", [
    ("functions =", "fuctions =", ["assignment.toml", "unknown key 'fuctions'", "functions"]),
    ('functions = ["add", "half"]', 'functions = "add"', ["assignment.toml", "functions = 'add'",
                                                          "a list of strings"]),
    ('title = "Toy"', "title = 1", ["assignment.toml", "title = 1", "a string"]),
    ("call_timeout_s = 3", "call_timeout = 3", ["unknown key [limits] 'call_timeout'",
                                                "call_timeout_s"]),
    ("call_timeout_s = 3", 'memory_mb = "lots"', ["[limits] memory_mb", "a whole number"]),
])
def test_a_wrong_assignment_toml_under_ulp_grade(tmp_path, old, new, words):
    course = copy_of_toy(tmp_path)
    (course / "assignments" / "toy" / "assignment.toml").write_text(TOY_TOML.replace(old, new))
    proc = ulp("grade", "toy", course / "submissions", "--out", tmp_path / "out",
               env_extra={"ULP_COURSE_DIR": str(course)})
    one_line_error(proc, 3, *words)


def test_an_assignment_without_functions(tmp_path):
    course = copy_of_toy(tmp_path)
    path = course / "assignments" / "toy" / "assignment.toml"
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if not line.startswith(("functions", "attributes"))) + "\n")
    proc = ulp("list", env_extra={"ULP_COURSE_DIR": str(course)})
    one_line_error(proc, 3, "assignment.toml", "no functions")


def test_check_without_a_package_the_tests_need(tmp_path):
    """A student whose Python lacks mpmath (stable_softmax's oracle uses it) is told what to
    install."""
    fake = tmp_path / "site"
    fake.mkdir()
    (fake / "mpmath.py").write_text("raise ModuleNotFoundError(\"No module named 'mpmath'\", name='mpmath')\n")
    stub = ROOT / "student_template" / "stable_softmax.py"
    proc = ulp("check", "stable_softmax", stub, env_extra={"PYTHONPATH": str(fake)})
    one_line_error(proc, 3, "needs the Python package 'mpmath'", "pip install mpmath")


def test_check_a_file_that_does_not_exist(tmp_path):
    proc = ulp("check", "kahan_sum", tmp_path / "mine.py")
    one_line_error(proc, 2, "mine.py does not exist", "kahan_sum.py")


def test_report_without_a_gradebook(tmp_path):
    one_line_error(ulp("report", tmp_path / "out"), 5, "no gradebook", "grade first")


def test_points_come_from_pytest_collection(tmp_path, monkeypatch):
    """A constant in @points and a parametrized test count the same for `ulp list`, the
    statement and the grade: each case of a parametrize is worth the test's points."""
    course = copy_of_toy(tmp_path)
    (course / "assignments" / "toy" / "tests" / "public" / "test_cases.py").write_text(
        "import pytest\n"
        "from autograder.testing import points\n\n"
        "PTS = 2\n\n\n"
        "@points(PTS)\n"
        "@pytest.mark.parametrize('a', [0, 1, -5])\n"
        "def test_add_zero(sub, a):\n"
        "    assert sub.add(a, 0) == a\n")
    a = load(course, "toy")
    tests = collect(a)
    cases = [t for t in tests if t.name.startswith("test_add_zero[")]
    assert [t.points for t in cases] == [2.0, 2.0, 2.0]
    total = sum(t.points for t in tests)
    env = {"ULP_COURSE_DIR": str(course)}
    listing = ulp("list", env_extra=env)
    assert listing.returncode == 0 and re.search(rf"toy .*\b{total:g}\b", listing.stdout), listing.stdout
    statement = ulp("statement", "toy", env_extra=env)
    assert f"{total:g}" in statement.stdout and "test_add_zero[-5]" in statement.stdout
    graded = ulp("run-autograder", "toy", "--submission", course / "submissions" / "good",
                 "--results", tmp_path / "r" / "results.json", env_extra=env)
    assert graded.returncode == 0, graded.stderr
    assert f"toy: {total:g} / {total:g}" in graded.stdout


def test_ulp_new_scaffolds_an_assignment_that_validates(tmp_path):
    course = copy_of_toy(tmp_path)
    env = {"ULP_COURSE_DIR": str(course)}
    made = ulp("new", "my_first", env_extra=env)
    assert made.returncode == 0, made.stderr
    for path in ("assignments/my_first/assignment.toml", "assignments/my_first/statement.md.j2",
                 "assignments/my_first/selftest/expected.toml", "reference/my_first.py",
                 "student_template/my_first.py"):
        assert (course / path).is_file(), path
    checked = ulp("validate", "my_first", env_extra=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok" in checked.stdout
    again = ulp("new", "my_first", env_extra=env)
    one_line_error(again, 2, "already exist")
    one_line_error(ulp("new", "My-First", env_extra=env), 2, "cannot be an assignment id")


def test_a_personal_statement_without_the_course_secret_is_refused(tmp_path):
    """Without ULP_COURSE_SECRET every student has the defaults: a page "for s001" would lie."""
    env = {"ULP_COURSE_DIR": str(TOY)}
    one_line_error(ulp("statement", "toy", "--student-id", "s001", env_extra=env), 2,
                   "per-student values", "ULP_COURSE_SECRET")
    assert ulp("statement", "toy", env_extra=env).returncode == 0  # the class's own is fine
    signed = ulp("statement", "toy", "--student-id", "s001",
                 env_extra={**env, "ULP_COURSE_SECRET": "s"})
    assert signed.returncode == 0 and "s001" in signed.stdout
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns001\ns002\n")
    refused = ulp("release", "toy", "--out", tmp_path / "rel", "--roster", roster, env_extra=env)
    one_line_error(refused, 2, "ULP_COURSE_SECRET")
    assert not (tmp_path / "rel" / "toy" / "statements").exists()


def test_grading_assignments_one_at_a_time_into_one_out_keeps_each(tmp_path):
    """`ulp grade A ... --out out` then `ulp grade B ... --out out`: both are kept, in the same
    layout as --all (OUT/<assignment>/<student>/), with one gradebook for the course."""
    klass = tmp_path / "class"
    for sid in ("alice", "bob"):
        (klass / sid).mkdir(parents=True)
        for aid in ("kahan_sum", "kv_cache"):
            shutil.copy(ROOT / "examples" / "class" / sid / f"{aid}.py", klass / sid / f"{aid}.py")
    for aid in ("kahan_sum", "kv_cache"):
        done = ulp("grade", aid, klass, "--out", tmp_path / "out")
        assert done.returncode == 0, done.stderr[-2000:]
    for aid in ("kahan_sum", "kv_cache"):
        assert sorted(p.parent.name for p in (tmp_path / "out" / aid).glob("*/results.json")) \
            == ["alice", "bob"], aid
        assert (tmp_path / "out" / aid / "grades.csv").is_file()
        assert (tmp_path / "out" / aid / "class-report.html").is_file()
    report = ulp("report", tmp_path / "out")
    assert report.returncode == 0, report.stderr
    header = (tmp_path / "out" / "canvas.csv").read_text().splitlines()[0]
    assert header.endswith("kahan_sum,kv_cache")


def test_run_autograder_applies_the_late_policy_from_gradescopes_metadata(tmp_path):
    """On Gradescope, [late] in assignment.toml takes off points by the submission's created_at
    (Gradescope's own late policy is the other way: then leave [late] out)."""
    import json

    course = copy_of_toy(tmp_path)
    toml = course / "assignments" / "toy" / "assignment.toml"
    toml.write_text("due = 2026-10-01T23:59:00Z\n" + toml.read_text()
                    + "[late]\npenalty_per_day = 0.1\n")
    root = tmp_path / "autograder"
    shutil.copytree(TOY / "submissions" / "good", root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps({
        "created_at": "2026-10-03T10:00:00+00:00", "users": [{"id": 7, "sid": "s7", "name": "S"}],
        "assignment": {"due_date": "2026-09-01T00:00:00+00:00"}}))
    done = ulp("run-autograder", "toy", "--submission", root / "submission", "--results",
               root / "results" / "results.json", env_extra={"ULP_COURSE_DIR": str(course)})
    assert done.returncode == 0, done.stderr
    res = json.loads((root / "results" / "results.json").read_text())
    late = res["extra_data"]["ulp"]["late"]
    assert (late["days_late"], late["raw_score"]) == (2, 6) and res["score"] == pytest.approx(4.8)
    assert "toy: 4.8 / 6" in done.stdout


def test_an_override_by_hand_reaches_every_output_and_can_be_undone(tmp_path):
    env = {"ULP_COURSE_DIR": str(TOY)}
    out = tmp_path / "out"
    assert ulp("grade", "toy", TOY / "submissions", "--out", out, env_extra=env).returncode == 0

    def outputs():
        import csv
        import json

        rows = {r["student_id"]: r for r in csv.DictReader(open(out / "toy" / "grades.csv"))}
        res = json.loads((out / "toy" / "bad" / "results.json").read_text())
        assert ulp("report", out, env_extra=env).returncode == 0
        canvas = {r[2]: r[-1] for r in csv.reader(open(out / "canvas.csv"))}
        return rows["bad"]["score"], res["score"], canvas["bad"]

    assert outputs() == ("4", 4, "4")
    done = ulp("override", "toy", "bad", "--out", out, "--set", "5.5", "--reason",
               "partial credit for the odd case", env_extra=env)
    assert done.returncode == 0 and "5.5 / 6" in done.stdout, done.stderr
    assert outputs() == ("5.5", 5.5, "5.5")
    report = (out / "toy" / "bad" / "report.md").read_text()
    assert "Changed by hand" in report and "partial credit for the odd case" in report
    undone = ulp("override", "toy", "bad", "--out", out, "--undo", env_extra=env)
    assert undone.returncode == 0, undone.stderr
    assert outputs() == ("4", 4, "4")
    one_line_error(ulp("override", "toy", "bad", "--out", out, "--set", "1", env_extra=env), 5,
                   "needs a reason")
    one_line_error(ulp("override", "toy", "bad", "--out", out, env_extra=env), 2, "exactly one")


def test_run_autograder_refuses_a_submitter_without_the_course_key(tmp_path):
    """Graded under Gradescope's user id, a student would get other per-student values than
    the statement drawn for their roster id: without a sid, no grade, and the reason."""
    import json

    root = tmp_path / "autograder"
    shutil.copytree(TOY / "submissions" / "good", root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps({
        "created_at": "2026-10-01T10:00:00+00:00", "users": [{"id": 4242, "name": "S"}]}))
    done = ulp("run-autograder", "toy", "--submission", root / "submission", "--results",
               root / "results" / "results.json", env_extra={"ULP_COURSE_DIR": str(TOY)})
    one_line_error(done, 4, "lacks a student id (sid)", "course.toml")
    res = json.loads((root / "results" / "results.json").read_text())
    assert res["score"] == 0 and "lacks a student id" in res["extra_data"]["ulp"]["grader_error"]


def test_check_says_the_hidden_tests_are_worth_more_and_tables_cut_no_name():
    from autograder.cli import _names

    stub = ROOT / "student_template" / "kahan_sum.py"
    done = ulp("check", "kahan_sum", stub)
    assert "hidden tests worth 9 more points" in " ".join(done.stdout.split()), done.stdout[-1500:]
    names = [f"test_function_number_{i}_is_exact" for i in range(5)]
    shown = _names(names, width=60)
    assert len(shown) <= 60 and shown.endswith("+4 more") and shown.startswith(names[0] + ",")


def test_a_ray_address_in_the_environment_does_not_stop_a_local_grade(tmp_path):
    """RAY_ADDRESS is Ray's: set for a cluster, it must not make `ulp grade` (local) refuse."""
    done = ulp("grade", "toy", TOY / "submissions", "--out", tmp_path / "out",
               env_extra={"ULP_COURSE_DIR": str(TOY), "RAY_ADDRESS": "head:6379"})
    assert done.returncode == 0, done.stderr[-1000:]


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_check_watch_grades_each_save_until_ctrl_c(tmp_path, stop):
    """`ulp check --watch`: a report at once, another after each save of the file (here a bug
    fixed, from a worker started before the save), and Ctrl-C (or a plain `kill`) ends it with
    exit 0, leaving no scratch folder behind."""
    import os
    import signal
    import time

    mine = tmp_path / "toy.py"
    shutil.copy(TOY / "submissions" / "bad" / "toy.py", mine)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ULP_")}
    env["ULP_COURSE_DIR"] = str(TOY)
    env["TMPDIR"] = str(tmp_path / "tmp")  # where its scratch folders go
    (tmp_path / "tmp").mkdir()
    cmd = [ULP] if ULP else [sys.executable, "-m", "autograder.cli"]
    # Ctrl-C as in a terminal: a suite started in the background (`cmd &` in a script) has
    # SIGINT ignored, and the child would inherit that
    proc = subprocess.Popen(cmd + ["check", "toy", str(mine), "--watch"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def next_summary() -> str:
        """The next '[time] score / max in s. Watching' line."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()[-2000:]
            if "Watching toy.py" in line:
                return line
        raise AssertionError("no report within 120 s")

    try:
        first = next_summary()
        assert re.search(r"\] (\d+) / (\d+) in", first).group(1) != re.search(
            r"/ (\d+) in", first).group(1), first  # the bad file loses points
        shutil.copy(TOY / "submissions" / "good" / "toy.py", mine)
        score, total = re.search(r"\] (\d+) / (\d+) in", next_summary()).groups()
        assert score == total
        proc.send_signal(getattr(signal, stop))
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "Stopped watching." in out and "Traceback" not in err, err
    assert not list((tmp_path / "tmp").iterdir())


def test_check_watch_of_a_quiz_is_one_line():
    one_line_error(ulp("check", "quiz_formats", "--watch"), 2, "--watch checks code",
                   "quiz_formats")
