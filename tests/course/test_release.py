"""`ulp release` on the toy course: what students get (and never get), per-student statements
that agree with the grader, and the Gradescope autograder run the way Gradescope runs it."""

import ast
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import cli
from autograder.course import release as releases
from autograder.course import secrets, statement
from autograder.course.assignment import load
from autograder.errors import ReleaseError, UsageError
from autograder.output import results
from helpers import ROOT, TOY

KEY = b"release-test course secret 8c1f"
SECRET = "release-test course secret 8c1f"
ROSTER = ["alice", "bob.smith@uni.edu", "12345"]
GRADESCOPE_USER = 4242  # users[0].id in submission_metadata.json: not the course's key
GRADESCOPE_SID = "12345"  # users[0].sid: the course's key (sid), as in the roster
ULP = shutil.which("ulp", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def toy_released():
    """The toy course with this module's course secret (the statements it draws are checked)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ULP_COURSE_DIR", str(TOY))
    mp.setenv("ULP_COURSE_SECRET", SECRET)
    yield load(TOY, "toy")
    mp.undo()


@pytest.fixture(scope="module")
def released(toy_released, tmp_path_factory):
    """`ulp release --all --out OUT --roster roster.csv`, as an instructor types it."""
    roster = tmp_path_factory.mktemp("roster") / "roster.csv"
    rows = ["name,student_id,email"] + [f"S{i},{sid},s{i}@uni.edu" for i, sid in enumerate(ROSTER)]
    roster.write_text("\ufeff" + "\n".join(rows + ["Dup,alice,x@y", "Blank,,z@y"]) + "\n")  # Excel's BOM
    out = tmp_path_factory.mktemp("release")
    res = CliRunner().invoke(cli.main, ["release", "--all", "--out", str(out), "--roster", str(roster)])
    assert res.exit_code == 0, res.output + repr(res.exception)
    return out / "toy"


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def unzip(path: Path, dest: Path) -> None:
    """Unpack as `unzip` does (Gradescope's way): with the Unix modes stored in the zip."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            target = dest / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))
            target.chmod((info.external_attr >> 16) & 0o7777 or 0o644)


# --------------------------------------------------------------------------- what students get

def forbidden_patterns(a) -> list[re.Pattern]:
    """What no student file may hold: every line of the reference and of the hidden tests that
    the stub and the public tests do not share, the hidden tests' names (as whole words), and
    the course secret. Written independently of release.leaks, on purpose."""
    shipped = a.stub.read_text() + "".join(p.read_text() for p in a.public_tests.glob("*.py"))
    patterns = [re.escape(SECRET)]
    for path in [a.reference, *a.hidden_tests.glob("*.py")]:
        source = path.read_text()
        patterns += [re.escape(line.strip()) for line in source.splitlines()
                     if line.strip() and line.strip() not in shipped]
        if path != a.reference:
            patterns.append(rf"\b{path.stem}\b")
            patterns += [rf"\b{node.name}\b" for node in ast.parse(source).body
                         if isinstance(node, ast.FunctionDef)]
    return [re.compile(p.encode()) for p in patterns]


def leaked(blobs: dict[str, bytes], patterns) -> list[str]:
    return [f"{name}: {p.pattern.decode()}" for name, data in blobs.items() for p in patterns
            if p.search(data)]


def student_facing(rel: Path) -> dict[str, bytes]:
    """Every byte handed to students: the bundle (its members and the zip itself, names
    included) and every statement."""
    zip_path = rel / "toy-student.zip"
    blobs = {f"zip:{n}": d for n, d in members(zip_path).items()}
    for name, data in list(blobs.items()):
        if name.endswith(".whl"):  # compressed: scan what is inside the engine's wheel too
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                blobs.update({f"{name}!{inner}": z.read(inner) for inner in z.namelist()})
    blobs["zip file"] = zip_path.read_bytes()
    for p in [rel / "statement.md", *(rel / "statements").glob("*.md")]:
        blobs[str(p.relative_to(rel))] = p.read_bytes()
    return blobs


def test_student_bundle_holds_statement_stub_public_tests_and_readme(released, toy_released):
    a = toy_released
    got = members(released / "toy-student.zip")
    wheel = next(n for n in got if n.startswith("toy/wheels/"))
    assert set(got) == {"toy/README.md", "toy/statement.md", "toy/toy.py", wheel,
                        "toy/assignments/toy/assignment.toml", "toy/assignments/toy/variants.py",
                        "toy/assignments/toy/tests/public/test_public_toy.py"}
    assert wheel.endswith(".whl") and "ulp_autograder-" in wheel
    with zipfile.ZipFile(io.BytesIO(got[wheel])) as z:  # the engine only
        assert all(n.startswith(("autograder/", "ulp_autograder-")) for n in z.namelist())
        assert "autograder/cli.py" in z.namelist()
    assert got["toy/toy.py"] == a.stub.read_bytes()
    assert got["toy/statement.md"].decode() == statement.render(a, None, KEY) == (released / "statement.md").read_text()
    assert "k = 7" in got["toy/statement.md"].decode(), "the class's statement shows the default value"
    assert got["toy/assignments/toy/tests/public/test_public_toy.py"] == (a.public_tests / "test_public_toy.py").read_bytes()
    readme = got["toy/README.md"].decode()
    assert "ulp check toy toy.py" in readme and f'pip install "wheels/{wheel.split("/")[-1]}' in readme
    assert "pip install ulp" not in readme, "'ulp' on PyPI is another program"


def test_nothing_handed_to_students_holds_the_reference_hidden_tests_or_secret(released, toy_released):
    patterns = forbidden_patterns(toy_released)
    assert len(patterns) >= 10, "the scan would prove nothing"
    blobs = student_facing(released)
    assert len([b for b in blobs if "!" not in b]) == 1 + 7 + 1 + len(ROSTER)
    assert len([b for b in blobs if "!" in b]) > 30, "the wheel's files are scanned too"
    assert leaked(blobs, patterns) == []
    # The same scan does see them where they are meant to be: in the Gradescope zip.
    gradescope = members(released / "toy-gradescope.zip")
    hits = leaked({n: gradescope[n] for n in ("course/reference/toy.py", "course_secret",
                                              "course/assignments/toy/tests/hidden/test_hidden_toy.py")}, patterns)
    assert {h.split(":")[0] for h in hits} == {"course/reference/toy.py", "course_secret",
                                               "course/assignments/toy/tests/hidden/test_hidden_toy.py"}


def test_release_refuses_a_bundle_that_would_leak(toy_released):
    a = toy_released
    bundle = releases.student_files(a, "statement", ("ulp_autograder-0-py3-none-any.whl", b"w"))
    assert releases.leaks(bundle, a, KEY) == []
    bundle["toy/helper.py"] = b"# copied by mistake\n" + a.reference.read_bytes()
    bundle["toy/tests/hidden/x.py"] = b""
    bundle["toy/statement.md"] = f"the secret is {SECRET}".encode()
    problems = releases.leaks(bundle, a, KEY)
    assert any("helper.py contains" in p and "reference" in p for p in problems)
    assert any("hidden/x.py" in p for p in problems)
    assert any("statement.md contains the course secret" in p for p in problems)


def test_a_public_test_that_needs_the_reference_is_refused(toy_released, tmp_path):

    course = tmp_path / "course"
    shutil.copytree(TOY, course, ignore=shutil.ignore_patterns("submissions", "__pycache__"))
    public = course / "assignments" / "toy" / "tests" / "public" / "test_public_toy.py"
    public.write_text(public.read_text() + "\n@points(1)\ndef test_uses_ref(sub, ref):\n    pass\n")
    with pytest.raises(ReleaseError, match=r"test_public_toy.py::test_uses_ref use the `ref` fixture"):
        releases.release(load(course, "toy"), tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing is written when a release is refused"


def test_ulp_check_runs_from_the_unpacked_bundle_alone(released, tmp_path):
    if ULP is None:
        pytest.skip("the ulp script is not installed beside this Python")
    unzip(released / "toy-student.zip", tmp_path)
    folder = tmp_path / "toy"
    shutil.copy(TOY / "submissions" / "good" / "toy.py", folder / "toy.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ULP_")}
    env.update(ULP_COURSE_DIR=str(folder), COLUMNS="200")
    proc = subprocess.run([ULP, "check", "toy", "toy.py"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 / 4" in proc.stdout and "test_half " not in proc.stdout  # public tests only


# --------------------------------------------------------------------------- per-student statements

def test_each_students_statement_names_the_graders_value(released, toy_released):
    a = toy_released
    written = sorted(p.name for p in (released / "statements").iterdir())
    assert written == sorted(f"{sid}.md" for sid in ROSTER), "one statement per roster student"
    values = set()
    for sid in ROSTER:
        text = (released / "statements" / f"{sid}.md").read_text()
        k = int(re.search(r"\*\*k = (\d+)\*\*", text)[1])
        assert k == secrets.variant(a, KEY, sid)["k"], f"{sid}'s statement and the grader disagree"
        assert sid in text and text == statement.render(a, sid, KEY)
        values.add(k)
    assert 7 not in values and len(values) == len(ROSTER), "the course secret must pick the values"


def test_a_roster_without_student_ids_is_refused_with_a_clear_message(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("name,email\nA,a@x\n")
    with pytest.raises(UsageError, match=r"r\.csv: no student_id column \(columns: name, email\)"):
        releases.read_roster(bad)
    bad.write_text("student_id\n../../etc/passwd\n")
    with pytest.raises(ReleaseError, match="line 2: student id '../../etc/passwd' cannot name a file"):
        releases.read_roster(bad)


# --------------------------------------------------------------------------- Gradescope

def test_gradescope_zip_layout(released, toy_released, tmp_path):
    z = zipfile.ZipFile(released / "toy-gradescope.zip")
    names = set(z.namelist())
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755, "Gradescope runs them from the zip root"
    assert {"pyproject.toml", "README.md", "ulp-release.env", "course_secret",
            "autograder/__init__.py", "autograder/cli.py", "autograder/course/release.py",
            "autograder/output/schemas/gradescope-results.schema.json",
            "autograder/output/templates/report.html.j2"} <= names
    course = sorted(n for n in names if n.startswith("course/"))
    assert course == ["course/assignments/toy/assignment.toml", "course/assignments/toy/statement.md.j2",
                      "course/assignments/toy/tests/hidden/test_hidden_toy.py",
                      "course/assignments/toy/tests/public/test_public_toy.py",
                      "course/assignments/toy/variants.py", "course/reference/toy.py",
                      "course/student_template/toy.py"]
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert z.read("course_secret").decode() == SECRET
    env = z.read("ulp-release.env").decode()
    assert "ULP_ASSIGNMENT=toy\n" in env and "ULP_EXTRAS=''\n" in env, "the toy needs no torch"
    setup = z.read("setup.sh").decode()
    assert "bubblewrap" in setup and "python3-venv" in setup and '/bin/pip" install --no-cache-dir "$spec"' in setup
    for script in ("setup.sh", "run_autograder"):
        (tmp_path / script).write_bytes(z.read(script))
        subprocess.run(["bash", "-n", str(tmp_path / script)], check=True)
    # The same release again gives the same bytes.
    again = releases.release(toy_released, tmp_path / "again", ROSTER, secret=KEY)
    assert again.gradescope_zip.read_bytes() == (released / "toy-gradescope.zip").read_bytes()
    assert again.student_zip.read_bytes() == (released / "toy-student.zip").read_bytes()


def fake_gradescope(tmp_path: Path, gradescope_zip: Path, submission: str) -> Path:
    """/autograder as Gradescope lays it out, under tmp_path."""
    root = tmp_path / "autograder"
    unzip(gradescope_zip, root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "toy.py").write_text(submission)
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps({
        "id": 987, "created_at": "2025-01-01T00:00:00Z", "submission_method": "upload",
        "users": [{"email": "student@uni.edu", "id": GRADESCOPE_USER, "sid": GRADESCOPE_SID,
                   "name": "A Student"}],
        "previous_submissions": []}))
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope does
    return root


def run_like_gradescope(root: Path) -> dict:
    """run_autograder with setup.sh's venv replaced by this project's (no network in tests), and
    nothing of ulp's in the environment: it must find the course and the secret by itself."""
    if ULP is None:
        pytest.skip("the ulp script is not installed beside this Python")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ULP_")}
    env.update(AUTOGRADER_ROOT=str(root), ULP_VENV=str(root / "no-venv-here"),
               PATH=f"{Path(ULP).parent}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}")
    proc = subprocess.run([str(root / "run_autograder")], cwd="/", env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads((root / "results" / "results.json").read_text())
    results.validate(res)
    return res


def test_run_autograder_grades_a_submission_as_gradescope_would(released, toy_released, tmp_path):
    good = (TOY / "submissions" / "good" / "toy.py").read_text()
    root = fake_gradescope(tmp_path, released / "toy-gradescope.zip", good)
    res = run_like_gradescope(root)
    ulp = res["extra_data"]["ulp"]
    assert res["score"] == 6 and ulp["max_score"] == 6
    assert ulp["student_id"] == GRADESCOPE_SID, "the course's key (sid) from submission_metadata.json"
    assert ulp["seed"] == secrets.seed(KEY, "toy", GRADESCOPE_SID), "the bundled course secret seeds the run"
    for p in [root / "source", *(root / "source").rglob("*")]:
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, f"{p} is readable by others"


MALICIOUS = '''
import os
NAME = "evil"
STEAL = {steal!r}
FORGE = {forge!r}

def add(a, b):
    leaks = 0
    for path in STEAL:
        try:
            with open(path, "rb") as f:
                if f.read(1) is not None:
                    leaks += 1
        except OSError:
            pass
    try:
        with open(FORGE, "w") as f:
            f.write('{{"score": 999}}')
    except OSError:
        pass
    return a + b + leaks

def half(x):
    if x % 2:
        raise ValueError("odd")
    return x // 2
'''


def test_a_submission_cannot_read_the_reference_tests_or_secret(released, tmp_path):
    root = tmp_path / "autograder"
    source = root / "source"
    steal = [str(source / "course" / "reference" / "toy.py"), str(source / "course_secret"),
             str(source / "course" / "assignments" / "toy" / "tests" / "hidden" / "test_hidden_toy.py"),
             str(source / "ulp-release.env"), str(root / "submission_metadata.json")]
    forge = str(root / "results" / "forged.json")
    evil = MALICIOUS.format(steal=steal, forge=forge)
    fake_gradescope(tmp_path, released / "toy-gradescope.zip", evil)
    assert all(Path(p).exists() for p in steal)
    res = run_like_gradescope(root)
    add = next(t for t in res["tests"] if t["name"] == "test_add")
    assert add["status"] == "passed", "the submission read a file of the grader: " + add["output"]
    assert res["score"] == 6 and not (root / "results" / "forged.json").exists()


# --------------------------------------------------------------------------- answer digests

def test_answer_digest_compares_without_revealing():
    import numpy as np

    answer = ("1", "10000010", "10110100000000000000000")
    d = secrets.answer_digest(KEY, "fp32_encode", "alice", answer)
    assert re.fullmatch(r"[0-9a-f]{64}", d) and d == secrets.answer_digest(KEY, "fp32_encode", "alice", list(answer))
    assert secrets.answer_matches(KEY, "fp32_encode", "alice", answer, d)
    assert not secrets.answer_matches(KEY, "fp32_encode", "alice", ("0",) + answer[1:], d)
    assert d != secrets.answer_digest(KEY, "fp32_encode", "bob", answer)
    assert d != secrets.answer_digest(KEY, "kahan_sum", "alice", answer)
    assert secrets.answer_digest(KEY, "a", "s", np.float32(1.5)) == secrets.answer_digest(KEY, "a", "s", 1.5)
    assert len({secrets.answer_digest(KEY, "a", "s", v) for v in (1, 1.0, True, "1")}) == 4
    assert d != secrets.answer_digest(b"another course", "fp32_encode", "alice", answer), \
        "keyed by the course secret"


def test_a_student_installs_the_bundle_as_its_readme_says_and_checks_their_work(tmp_path):
    """A fresh virtual environment, the bundle's own instructions, no course repository: the
    stub fails the public tests, a correct file passes them."""
    course = ROOT
    out = tmp_path / "release"
    res = CliRunner().invoke(cli.main, ["release", "kahan_sum", "--out", str(out)],
                             env={"ULP_COURSE_DIR": str(course)})
    assert res.exit_code == 0, res.output
    unzip(out / "kahan_sum" / "kahan_sum-student.zip", tmp_path / "student")
    bundle = tmp_path / "student" / "kahan_sum"
    readme = (bundle / "README.md").read_text()
    block = re.search(r"```\n(python3 -m venv \.venv\n\.venv/bin/pip install [^\n]+)\n```", readme)
    assert block, readme
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ULP_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    for line in block.group(1).splitlines():  # exactly what the student types
        line = line.replace("python3", sys.executable, 1) if line.startswith("python3") else line
        done = subprocess.run(line, shell=True, cwd=bundle, env=env, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, f"{line}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
    ulp_cmd = [str(bundle / ".venv" / "bin" / "ulp"), "check", "kahan_sum", "kahan_sum.py"]
    stub = subprocess.run(ulp_cmd, cwd=bundle, env=env, capture_output=True, text=True, timeout=600)
    assert stub.returncode == 1 and "not implemented yet" in stub.stdout, stub.stdout[-2000:] + stub.stderr
    shutil.copy(course / "assignments" / "kahan_sum" / "selftest" / "correct_float32_scalars.py",
                bundle / "kahan_sum.py")
    good = subprocess.run(ulp_cmd, cwd=bundle, env=env, capture_output=True, text=True, timeout=600)
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr
    origin = subprocess.run([str(bundle / ".venv" / "bin" / "python"), "-c",
                             "import autograder; print(autograder.__file__)"], env=env,
                            cwd=bundle, capture_output=True, text=True)
    assert str(bundle / ".venv") in origin.stdout, "the checker must come from the bundle's wheel"


def test_a_requirement_with_bounds_replaces_the_bare_name_its_imports_give():
    """fp8_formats' tests import ml_dtypes and its toml bounds it: the bundle installs the
    bounded requirement alone, and the student's README quotes it for the shell."""
    a = load(ROOT, "fp8_formats")
    extras, packages = releases.requirements(a)
    assert [p for p in packages if "dtypes" in p] == ["ml_dtypes>=0.4,<0.7"]
    assert releases.requirements(load(ROOT, "nf4"))[1] == ["mpmath"]
    readme = releases.student_files(a, "statement", ("ulp.whl", b""))["fp8_formats/README.md"]
    assert b"'ml_dtypes>=0.4,<0.7'" in readme
