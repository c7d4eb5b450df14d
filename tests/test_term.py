"""A term, scripted from the README's commands alone: a release with a roster and a secret, three
students who unpack their bundle, install it in a fresh virtual environment and check their
work, a Gradescope export (one late, one with a helper module, one with no module) and a folder
of submissions for a second assignment graded into one OUT, a grade changed by hand, `ulp
report` with a roster for Canvas. At the end every number agrees: grades.csv, the gradebook,
results.json and the Canvas CSV, and each student appears once."""

from __future__ import annotations

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
from helpers import ROOT, copy_assignments

ULP = shutil.which("ulp", path=str(Path(sys.executable).parent))
SECRET = "term secret 4d2c"
STUDENTS = {"s001": "Ada Lovelace", "s002": "Blaise Pascal", "s003": "Carl Gauss"}
DUE = dt.datetime(2026, 10, 1, 23, 59, tzinfo=dt.timezone.utc)
SELFTEST = ROOT / "assignments" / "kahan_sum" / "selftest"


def run(*args, cwd: Path, env: dict, ok: bool = True) -> subprocess.CompletedProcess:
    cmd = [ULP] if ULP else [sys.executable, "-m", "autograder.cli"]
    done = subprocess.run(cmd + [str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)
    if ok:
        assert done.returncode == 0, f"ulp {args}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
    return done


def export(dest: Path, entries: dict[str, tuple[dict[str, str], dt.datetime]]) -> Path:
    """Gradescope's Export Submissions zip for kahan_sum: sid -> (files, created_at)."""
    top, lines = "assignment_77_export", []
    with zipfile.ZipFile(dest, "w") as z:
        for n, (sid, (files, when)) in enumerate(sorted(entries.items()), start=501):
            for name, text in files.items():
                z.writestr(f"{top}/submission_{n}/{name}", text)
            lines += [f"submission_{n}:", "  :submitters:", f"  - :name: {STUDENTS[sid]}",
                      f"    :sid: '{sid}'", f"    :email: {sid}@uni.edu",
                      f"  :created_at: {when.strftime('%Y-%m-%d %H:%M:%S.%f000 %z')}",
                      "  :history: []"]
        z.writestr(f"{top}/submission_metadata.yml", "\n".join(lines) + "\n")
    return dest


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_term(tmp_path):
    work = tmp_path
    course = copy_assignments(work / "course", ["kahan_sum", "kv_cache"])
    toml = course / "assignments" / "kahan_sum" / "assignment.toml"
    toml.write_text(f"due = {DUE.isoformat()}\n" + toml.read_text()
                    + "\n[late]\npenalty_per_day = 0.25\n")
    (course / "course.toml").write_text('student_key = "sid"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ULP_", "VIRTUAL_ENV"))}
    env.update(ULP_COURSE_DIR=str(course), ULP_COURSE_SECRET=SECRET, COLUMNS="200",
               ULP_CACHE_DIR=str(work / "cache"))
    roster = work / "roster.csv"
    roster.write_text("student_id,name,sis_user_id,section\n"
                      + "".join(f"{sid},{name},{sid},A\n" for sid, name in STUDENTS.items()))

    # 1. the release, with the roster and the secret
    run("release", "--all", "--out", "release", "--roster", roster, cwd=work, env=env)

    # 2. three students unpack their bundle and check their work. The first installs it as its
    #    README says; the others use that environment, as on a lab machine (the bundle is the
    #    same zip for all three, and an install is a pip run of its own: tests/course/
    #    test_release.py installs a bundle too).
    student_env = {k: v for k, v in env.items() if not k.startswith("ULP_")}
    student_env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                          if not p.startswith(str(ROOT)))
    ulp = None
    for i, sid in enumerate(STUDENTS):
        home = work / "students" / sid
        with zipfile.ZipFile(work / "release" / "kahan_sum" / "kahan_sum-student.zip") as z:
            z.extractall(home)
        bundle = home / "kahan_sum"
        if ulp is None:
            readme = (bundle / "README.md").read_text()
            install = readme.split("```\npython3 -m venv .venv\n", 1)[1].split("\n```", 1)[0]
            for line in (f"{sys.executable} -m venv .venv", install):
                done = subprocess.run(line, shell=True, cwd=bundle, env=student_env,
                                      capture_output=True, text=True, timeout=900)
                assert done.returncode == 0, done.stderr[-1500:]
            ulp = bundle / ".venv" / "bin" / "ulp"
        if i == 0:
            shutil.copy(SELFTEST / "correct_float32_scalars.py", bundle / "kahan_sum.py")
        checked = subprocess.run([str(ulp), "check", "kahan_sum", "kahan_sum.py"], cwd=bundle,
                                 env=student_env, capture_output=True, text=True, timeout=600)
        assert checked.returncode == (0 if i == 0 else 1), checked.stdout[-1500:]

    # 3. submissions: kahan_sum from Gradescope (s002 late, with a helper; s003 no module),
    #    kv_cache from a folder
    helper_user = ("from kahan_impl import kahan_sum, naive_sum, neumaier_sum  # noqa: F401\n")
    zip_path = export(work / "kahan_export.zip", {
        "s001": ({"kahan_sum.py": (SELFTEST / "correct_float32_scalars.py").read_text()},
                 DUE - dt.timedelta(hours=1)),
        "s002": ({"kahan_sum.py": helper_user,
                  "kahan_impl.py": (SELFTEST / "correct_indexed_casts.py").read_text()},
                 DUE + dt.timedelta(days=1, hours=3)),
        "s003": ({"notes.txt": "I ran out of time\n"}, DUE - dt.timedelta(hours=2)),
    })
    kv = work / "kv_class"
    for sid, sample in (("s001", "correct_straightforward"), ("s002", "buggy_int4_rounds_down"),
                        ("s003", "correct_fractions")):
        (kv / sid).mkdir(parents=True)
        shutil.copy(ROOT / "assignments" / "kv_cache" / "selftest" / f"{sample}.py",
                    kv / sid / "kv_cache.py")

    # 4. both assignments into one OUT
    run("grade", "kahan_sum", zip_path, "--out", "out", cwd=work, env=env)
    run("grade", "kv_cache", kv, "--out", "out", cwd=work, env=env)
    out = work / "out"

    # 5. a grade changed by hand, with a reason
    run("override", "kv_cache", "s002", "--out", "out", "--add", "2", "--reason",
        "rounding was explained correctly in office hours", cwd=work, env=env)

    # 6. the reports and Canvas
    run("report", "out", "--roster", roster, cwd=work, env=env)

    # 7. every number agrees, and each student appears once
    canvas = rows(out / "canvas.csv")
    students = [r for r in canvas if r["Student"] != "Points Possible"]
    assert sorted(r["SIS User ID"] for r in students) == sorted(STUDENTS)
    with gradebook.open_gradebook(out, create=False) as book:
        for aid in ("kahan_sum", "kv_cache"):
            current = {c.student_id: c for c in book.current(aid)}
            assert sorted(current) == sorted(STUDENTS), aid
            csv_rows = {r["student_id"]: r for r in rows(out / aid / "grades.csv")}
            assert sorted(csv_rows) == sorted(STUDENTS), aid
            for sid, c in current.items():
                res = json.loads((out / aid / sid / "results.json").read_text())
                canvas_score = next(r[aid] for r in students if r["SIS User ID"] == sid)
                numbers = (c.final_score, float(csv_rows[sid]["score"]), res["score"],
                           float(canvas_score))
                assert numbers == pytest.approx((c.final_score,) * 4, abs=0.01), (aid, sid, numbers)
        kahan = {c.student_id: c for c in book.current("kahan_sum")}
        assert kahan["s001"].final_score == kahan["s001"].max_score > 0
        assert kahan["s002"].days_late == 2 and kahan["s002"].score == kahan["s002"].max_score
        assert kahan["s002"].final_score == pytest.approx(0.5 * kahan["s002"].max_score)
        assert kahan["s003"].final_score == 0 and "no submission" in kahan["s003"].grade.flags
        kv_now = {c.student_id: c for c in book.current("kv_cache")}
        assert kv_now["s002"].final_score == kv_now["s002"].score + 2
        assert kv_now["s002"].grade.adjustment.reason.startswith("rounding")
    assert "no submission" in rows(out / "kahan_sum" / "grades.csv")[2]["flags"]
    assert "Helper modules beside kahan_sum.py: kahan_impl.py" in json.loads(
        (out / "kahan_sum" / "s002" / "results.json").read_text())["output"]
