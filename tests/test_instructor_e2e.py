"""The README's instructor walkthrough, step by step, through the real `ulp` command:
release → a student's bundle → grade a folder → grade a Gradescope export → reports and a
Canvas CSV → a test fix and a regrade of one student, with the gradebook keeping the history.

One assignment (kv_cache, fast) in a copy of the course whose assignment.toml has a due date and
a late policy, so the late penalty is exercised end to end.
"""

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.output import gradebook
from helpers import copy_assignments

REPO = Path(__file__).resolve().parent.parent
CLASS = REPO / "examples" / "class"
AID = "kv_cache"
DUE = dt.datetime(2026, 10, 1, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
ULP = shutil.which("ulp", path=str(Path(sys.executable).parent))


def ulp(*args, cwd: Path, env: dict, ok=True) -> subprocess.CompletedProcess:
    cmd = [ULP] if ULP else [sys.executable, "-m", "autograder.cli"]
    proc = subprocess.run(cmd + [str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    if ok:
        assert proc.returncode == 0, f"ulp {' '.join(map(str, args))}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder with kv_cache, due 2026-10-01 23:59 -07:00, 10 % a day after 15 minutes."""
    root = copy_assignments(tmp_path_factory.mktemp("course"), [AID])
    toml = root / "assignments" / AID / "assignment.toml"
    toml.write_text(f"due = {DUE.isoformat()}\n" + toml.read_text()
                    + "\n[late]\npenalty_per_day = 0.1\ngrace_minutes = 15\n")
    return root


@pytest.fixture(scope="module")
def env(course, tmp_path_factory) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ULP_")}
    e.update(ULP_COURSE_DIR=str(course), ULP_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
             COLUMNS="200")
    return e


def stamp(path: Path, when: dt.datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def gradescope_export(dest: Path, entries: dict[str, tuple[str, Path, dt.datetime]]) -> Path:
    """A zip in the layout of Gradescope's Export Submissions: assignment_<n>_export/ holding
    submission_metadata.yml (Ruby symbol keys) and one submission_<n>/ folder each."""
    top = "assignment_4242_export"
    lines = []
    with zipfile.ZipFile(dest, "w") as z:
        for n, (sid, (name, file, when)) in enumerate(sorted(entries.items()), start=9001):
            z.write(file, f"{top}/submission_{n}/{AID}.py")
            stamp_text = when.strftime("%Y-%m-%d %H:%M:%S.%f000 %z")
            lines += [f"submission_{n}:", "  :submitters:", f"  - :name: {name}",
                      f"    :sid: '{sid}'", f"    :email: {sid}@uni.edu",
                      f"  :created_at: {stamp_text}", "  :score: 0.0", "  :status: processed",
                      "  :history: []"]
        z.writestr(f"{top}/submission_metadata.yml", "\n".join(lines) + "\n")
    return dest


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def score(out: Path, sid: str) -> float:
    return json.loads((out / sid / "results.json").read_text())["score"]


def test_instructor_walkthrough(course, env, tmp_path):
    work = tmp_path

    # 1. release: the student bundle, statements and the Gradescope autograder zip
    ulp("release", AID, "--out", "release", cwd=work, env=env)
    bundle = work / "release" / AID / f"{AID}-student.zip"
    assert bundle.is_file() and (work / "release" / AID / f"{AID}-gradescope.zip").is_file()

    # 2. a student unpacks the bundle and checks the stub: the public tests run, and fail
    student = work / "student"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(student)
    stub = student / AID / f"{AID}.py"
    assert "reference" not in {p.name for p in (student / AID).iterdir()}
    checked = ulp("check", AID, f"{AID}.py", cwd=student / AID,
                  env=dict(env, ULP_COURSE_DIR="."), ok=False)
    assert checked.returncode == 1, checked.stdout + checked.stderr

    # 3. grade a folder: one sub-folder per student; the time is the file's (or submission_times.csv)
    klass = work / "class"
    for sid, src in (("alice", CLASS / "alice" / f"{AID}.py"), ("bob", CLASS / "bob" / f"{AID}.py"),
                     ("stan", stub)):
        (klass / sid).mkdir(parents=True)
        shutil.copy(src, klass / sid / f"{AID}.py")
        stamp(klass / sid / f"{AID}.py", DUE - dt.timedelta(hours=2))
    (klass / "submission_times.csv").write_text("student_id,submitted_at\n"
                                                "stan,2026-10-03T09:00:00-07:00\n")
    out = work / "out"
    res = out / AID  # one OUT for the course: OUT/<assignment>/<student>/
    ulp("grade", AID, "class", "--out", "out", "--workers", "2", cwd=work, env=env)
    assert score(res, "alice") == 39 and 0 < score(res, "bob") < 39 and score(res, "stan") == 0
    assert (out / "gradebook.sqlite").is_file() and (res / "class-report.html").is_file()

    # 4. grade a Gradescope export: alice again (same file: no new attempt), bob resubmitted
    #    late (a new attempt, 1 day 1 hour late: two started days, 20 %), carol new
    export = gradescope_export(work / "assignment_4242_export.zip", {
        "alice": ("Alice Liddell", klass / "alice" / f"{AID}.py", DUE - dt.timedelta(hours=2)),
        "bob": ("Bob Builder", CLASS / "alice" / f"{AID}.py", DUE + dt.timedelta(days=1, hours=1)),
        "carol": ("Carol Danvers", CLASS / "carol" / f"{AID}.py", DUE - dt.timedelta(minutes=1)),
    })
    alice_results = (res / "alice" / "results.json").stat().st_mtime_ns
    ulp("grade", AID, export.name, "--out", "out", "--workers", "2", cwd=work, env=env)
    assert (res / "alice" / "results.json").stat().st_mtime_ns == alice_results  # resumed
    assert score(res, "bob") == pytest.approx(0.8 * 39)  # results.json holds the final score

    with gradebook.open_gradebook(out, create=False) as book:
        cur = {c.student_id: c for c in book.current(AID)}
        assert sorted(cur) == ["alice", "bob", "carol", "stan"]
        assert (cur["alice"].attempt, cur["alice"].attempts, cur["alice"].days_late) == (1, 1, 0)
        assert (cur["bob"].attempt, cur["bob"].days_late, cur["bob"].final_score) == (
            2, 2, pytest.approx(0.8 * 39))
        assert cur["bob"].name == "Bob Builder" and cur["carol"].days_late == 0
        assert cur["stan"].days_late == 2  # 1 day 9 hours after the due date
        assert len(book.history(AID, "alice")) == 1

    # 5. reports and the Canvas CSV, from the gradebook alone
    ulp("report", "out", cwd=work, env=env)
    html = (res / "class-report.html").read_text()
    assert "Final score" in html and "31.2" in html and "2 days" in html  # bob, late
    rows = read_csv(out / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", AID]
    assert rows[1] == ["Points Possible", "", "", "", "", "39"]
    by_id = {r[2]: r for r in rows[2:]}
    assert by_id["alice"] == ["Alice Liddell", "", "alice", "alice@uni.edu", "", "39"]
    assert by_id["bob"][-1] == "31.2" and by_id["stan"][-1] == "0"
    assert float(by_id["carol"][-1]) == score(res, "carol")

    # 6. a test fix, then a regrade of bob alone: his new grade joins the history
    hidden = next((course / "assignments" / AID / "tests" / "hidden").glob("test_*.py"))
    hidden.write_text(hidden.read_text() + "\n# fixed a tolerance\n")
    ulp("grade", AID, export.name, "--out", "out", "--regrade", "--student", "bob", cwd=work,
        env=env)
    assert (res / "alice" / "results.json").stat().st_mtime_ns == alice_results  # not regraded
    with gradebook.open_gradebook(out, create=False) as book:
        history = book.history(AID, "bob")
        assert [h["attempt"] for h in history] == [1, 2, 2]
        assert history[1]["tests_hash"] != history[2]["tests_hash"]
        assert book.current(AID)[1].tests_hash == history[2]["tests_hash"]
    grades = {r[0]: r for r in read_csv(res / "grades.csv")[1:]}
    assert sorted(grades) == ["alice", "bob", "carol", "stan"]  # everyone graded, once each
    assert grades["bob"][1:6] == ["31.2", "39", "39", "2", "0.2"]  # final, max, raw, days, penalty
    assert json.loads((res / "bob" / "results.json").read_text())["score"] == pytest.approx(31.2)

    # a student missing from the export is an error that names the students there
    proc = ulp("grade", AID, export.name, "--out", "out", "--student", "zed", cwd=work, env=env,
               ok=False)
    assert proc.returncode != 0 and "no submission for zed" in proc.stderr
