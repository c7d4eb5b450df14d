"""The engine end to end on a toy course (tests/fixtures/toycourse): grading, isolation, and
every way a submission can fail while the grader keeps going."""

import json
import shutil
import socket
import threading

import pytest

from autograder.output import results
from autograder.sandbox import isolation as sandbox
from helpers import TOY, discover, grade_folder, grade_one


@pytest.fixture(scope="module")
def listener():
    """A TCP listener on loopback: a sandboxed worker must not reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append(conn)
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield server.getsockname()[1], hits
    stop.set()
    t.join()
    server.close()


@pytest.fixture(scope="module")
def graded(toy_env, listener, tmp_path_factory):
    port, _ = listener
    klass = tmp_path_factory.mktemp("class")
    for sub in (TOY / "submissions").iterdir():
        shutil.copytree(sub, klass / sub.name)
    evil = (klass / "evil" / "toy.py").read_text()
    evil = evil.replace('os.environ.get("ULP_TOY_REFERENCE", "/nonexistent")', repr(str(TOY / "reference" / "toy.py")))
    evil = evil.replace('os.environ.get("ULP_TOY_PORT", "9")', repr(str(port)))
    (klass / "evil" / "toy.py").write_text(evil)
    out = tmp_path_factory.mktemp("out")
    rows = grade_folder("toy", klass, out, workers=2)
    return {sid: res for (sid, _), res in zip(discover(klass, "toy"), rows)}, out


def failed(res):
    return sorted(t["name"] for t in res["tests"] if t["status"] == "failed")


def test_every_result_follows_gradescope_schema_and_reports_exist(graded):
    by_student, out = graded
    for sid, res in by_student.items():
        results.validate(res)
        assert (out / sid / "report.html").read_text().count(sid) >= 1
        assert (out / sid / "report.md").exists()
    rows = (out / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("student_id,score,max_score") and len(rows) == 1 + len(by_student)


def test_correct_submission_scores_full(graded):
    res = graded[0]["good"]
    assert res["score"] == 6 and failed(res) == []


def test_one_bug_loses_exactly_its_test_with_the_shrunk_input(graded):
    res = graded[0]["bad"]
    assert failed(res) == ["test_add"] and res["score"] == 4
    out = next(t["output"] for t in res["tests"] if t["name"] == "test_add")
    assert "add(1000, 0) = 1001, expected 1000" in out and "a=1000" in out and "sub=" not in out


def test_stub_scores_only_what_needs_no_code(graded):
    res = graded[0]["stub"]
    assert "not implemented yet" in res["tests"][0]["output"]
    assert failed(res) == ["test_add", "test_half", "test_half_rejects_odd"]


def test_exit_at_import_scores_zero_with_a_message(graded):
    res = graded[0]["exit"]
    assert res["score"] == 0 and "could not be imported" in res["output"]
    assert "exited early" in res["extra_data"]["ulp"]["flags"]


def test_endless_loop_fails_its_test_only_and_the_worker_restarts(graded):
    res = graded[0]["loop"]
    assert failed(res) == ["test_add"] and "did not return within 3 s" in res["tests"][0]["output"]
    assert "timeout" in res["extra_data"]["ulp"]["flags"]


def test_answers_that_lie_about_equality_fail(graded):
    assert failed(graded[0]["eq"]) == ["test_add", "test_half", "test_half_rejects_odd"]


def test_sandbox_hides_reference_secret_and_network(graded, listener):
    res = graded[0]["evil"]
    assert "test_add" not in failed(res), "the worker read the reference or the secret, or reached the network"
    assert listener[1] == []
    assert "`struct.unpack` (line 28, in half)" in next(t["output"] for t in res["tests"] if t["name"] == "test_half_rejects_odd")


def test_isolation_is_recorded(graded):
    iso = graded[0]["good"]["extra_data"]["ulp"]["isolation"]
    assert iso["level"] == sandbox.choose().level
    if shutil.which("bwrap"):
        assert iso["level"] == "bwrap" and iso["warnings"] == []


def test_regrade_gives_the_same_result(graded, toy_env, tmp_path):
    again = grade_one("toy", "bad", TOY / "submissions" / "bad", tmp_path)
    assert [t["output"] for t in again["tests"]] == [t["output"] for t in graded[0]["bad"]["tests"]]


@pytest.mark.parametrize("level", ["uid", "rlimits"])
def test_weaker_isolation_levels_still_grade(toy_env, tmp_path, level):
    res = grade_one("toy", "good", TOY / "submissions" / "good", tmp_path, isolation=level,
                    untrusted=False)  # as `ulp check` does: untrusted code is refused there
    assert res["score"] == 6, json.dumps(res)[:2000]
    assert res["extra_data"]["ulp"]["isolation"]["level"] in (level, "rlimits")


def test_missing_file_and_folder_without_module(toy_env, tmp_path):
    """No module: one message naming what was found, every test unrun, and the flag 'no
    submission' that tells it apart from a zero (the class table, grades.csv, the gradebook)."""
    (tmp_path / "empty").mkdir()
    res = grade_one("toy", "empty", tmp_path / "empty", tmp_path / "o")
    assert res["score"] == 0 and "No toy.py (or toy.ipynb) was found" in res["output"]
    assert "holds no file" in res["output"]
    assert res["extra_data"]["ulp"]["flags"] == ["no submission"]
    assert res["extra_data"]["ulp"]["max_score"] == 6 and len(res["tests"]) == 4
    assert all(t["output"] == "Not run: no submission." for t in res["tests"])
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "solution.py").write_text("x = 1\n")
    res = grade_one("toy", "other", tmp_path / "other", tmp_path / "o2")
    assert "found: solution.py" in res["output"]


def test_a_file_named_in_another_case_is_graded_with_a_note(toy_env, tmp_path):
    (tmp_path / "s").mkdir()
    shutil.copy(TOY / "submissions" / "good" / "toy.py", tmp_path / "s" / "Toy.py")
    res = grade_one("toy", "s", tmp_path / "s", tmp_path / "o")
    assert res["score"] == 6 and "Toy.py was graded as toy.py" in res["output"]
    assert res["extra_data"]["ulp"]["flags"] == []


def test_a_notebook_beside_the_module_is_named_in_a_note(toy_env, tmp_path):
    (tmp_path / "s").mkdir()
    shutil.copy(TOY / "submissions" / "good" / "toy.py", tmp_path / "s" / "toy.py")
    (tmp_path / "s" / "toy.ipynb").write_text("{}")
    res = grade_one("toy", "s", tmp_path / "s", tmp_path / "o")
    assert res["score"] == 6 and "Both toy.py and toy.ipynb were submitted" in res["output"]


def test_killed_batch_resumes_without_losing_or_repeating_a_grade(toy_env, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    klass = tmp_path / "class"
    for i in range(6):
        shutil.copytree(TOY / "submissions" / ("good" if i % 2 else "bad"), klass / f"s{i}")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "autograder.cli", "grade", "toy", str(klass), "--out", str(out), "--workers", "1"]
    out = out / "toy"  # where `ulp grade` puts an assignment's students
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/results.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    assert 2 <= len(done_before) < 6
    subprocess.run(cmd, check=True, capture_output=True)
    after = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    assert set(after) == {f"s{i}" for i in range(6)}
    assert all(after[s] == t for s, t in done_before.items()), "a finished grade was repeated"
    scores = [json.loads((out / f"s{i}" / "results.json").read_text())["score"] for i in range(6)]
    assert scores == [4, 6, 4, 6, 4, 6]
    (klass / "s0" / "toy.py").write_text((TOY / "submissions" / "good" / "toy.py").read_text())
    subprocess.run(cmd, check=True, capture_output=True)
    assert json.loads((out / "s0" / "results.json").read_text())["score"] == 6, "a changed submission was not regraded"


def test_notebook_submission_grades_like_its_module(toy_env, tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    code = (TOY / "submissions" / "good" / "toy.py").read_text()
    nb.cells = [nbformat.v4.new_markdown_cell("# my toy"), nbformat.v4.new_code_cell("%matplotlib inline\n!pip install nothing"),
                nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("%%bash\necho hi")]
    (tmp_path / "nb").mkdir()
    nbformat.write(nb, str(tmp_path / "nb" / "toy.ipynb"))
    res = grade_one("toy", "nb", tmp_path / "nb", tmp_path / "o1")
    assert res["score"] == 6, res["output"]
    assert "removed `%matplotlib inline`" in res["output"] and "%%bash cell was left out" in res["output"]


def test_notebook_that_does_not_parse_gets_a_clear_message(toy_env, tmp_path):
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "toy.ipynb").write_text('{"cells": [ this is not json')
    res = grade_one("toy", "nb", tmp_path / "nb", tmp_path / "o2")
    assert res["score"] == 0 and "toy.ipynb is not a notebook Jupyter can read" in res["output"]
    assert "save it again" in res["output"]


def test_a_worker_that_cannot_start_is_a_grader_failure_not_a_zero(toy_env, tmp_path, monkeypatch):
    """If the sandbox itself is broken, no student may be given a grade."""
    from autograder.errors import SandboxError
    from autograder.model import Submission
    from autograder.sandbox import isolation as sb
    from autograder.session.grade import grade_submission
    from helpers import assignment, settings

    real = sb.worker_command

    def broken(*args, **kwargs):
        argv, env, config = real(*args, **kwargs)
        return ["false"] + argv[1:], env, config

    monkeypatch.setattr(sb, "worker_command", broken)
    good = TOY / "submissions" / "good" / "toy.py"
    with pytest.raises(SandboxError, match="worker could not start"):
        grade_submission(assignment("toy"), Submission("good", good, good), settings())


def test_max_examples_bounds_every_test_and_a_run_may_change_it(tmp_path, monkeypatch):
    """[limits] max_examples caps a test whose own @settings asks for more; --max-examples
    (ULP_MAX_EXAMPLES) overrides it for one run, and is part of the tests hash, so grades made
    with another count are not taken for current ones."""
    from helpers import assignment, settings

    course = tmp_path / "course"
    shutil.copytree(TOY, course)
    (course / "assignments" / "toy" / "tests" / "public" / "test_counted.py").write_text(
        "from hypothesis import given, settings, strategies as st\n"
        "from autograder.testing import points, observe\n\n"
        "@points(1)\n@settings(max_examples=200)\n@given(st.integers())\n"
        "def test_counted(sub, a):\n"
        "    observe(0.0, 1.0, 'examples')\n"
        "    assert sub.add(a, 0) == a\n")
    toml = course / "assignments" / "toy" / "assignment.toml"
    toml.write_text(toml.read_text().replace("[limits]", "[limits]\nmax_examples = 7"))
    monkeypatch.setenv("ULP_COURSE_DIR", str(course))
    counts, hashes = [], []
    for override in (None, "3"):
        if override:
            monkeypatch.setenv("ULP_MAX_EXAMPLES", override)
        res = grade_one("toy", "s", TOY / "submissions" / "good", tmp_path / f"out{override}")
        assert res["score"] == 7, json.dumps(res)[:2000]
        counts.append(res["extra_data"]["ulp"]["observations"]["test_counted"][0]["count"])
        hashes.append(res["extra_data"]["ulp"]["tests_hash"])
    assert counts == [7, 3]
    assert hashes[0] != hashes[1] and hashes[1] == assignment("toy").tests_hash(settings())


def test_a_hidden_failure_is_not_shrunk_and_a_visible_one_is(tmp_path, monkeypatch):
    """Nobody is shown a hidden test's input, so its failure is not shrunk (shrinking a buggy
    long run took 40 s of a grade); a visible test's is, to show the smallest input. Both fail
    alike: each test below runs its body once per example, and logs it."""
    course = tmp_path / "course"
    shutil.copytree(TOY, course)
    tests = course / "assignments" / "toy" / "tests"
    for folder in ("public", "hidden"):
        (tests / folder / f"test_{folder}_logged.py").write_text(
            "from hypothesis import given, strategies as st\n"
            "from autograder.testing import points\n\n"
            "@points(1)\n@given(st.integers(0, 10**9))\n"
            f"def test_{folder}_logged(sub, a):\n"
            f"    with open({str(tmp_path / folder)!r}, 'a') as log:\n"
            "        log.write('.')\n"
            "    assert sub.add(a, 0) == a\n")
    monkeypatch.setenv("ULP_COURSE_DIR", str(course))
    res = grade_one("toy", "s", TOY / "submissions" / "bad", tmp_path / "out")  # wrong from 1000
    failed = {t["name"] for t in res["tests"] if t["score"] == 0}
    assert {"test_public_logged", "test_hidden_logged"} <= failed, json.dumps(res)[:2000]
    runs = {f: len((tmp_path / f).read_text()) for f in ("public", "hidden")}
    assert runs["hidden"] <= 10 + 2, runs  # the examples (10 at most) and the failure's replay
    assert runs["public"] > runs["hidden"] + 5, runs  # shrunk towards 1000


def test_many_calls_in_one_round_trip_answer_and_fail_like_single_calls(tmp_path):
    """sub.many(name, inputs) returns what the calls one by one would, and the first call
    that raises fails the same way, naming that call's arguments; a reply that is not one
    answer per input is garbage."""
    from autograder.sandbox.process import Worker
    from autograder.session.student import StudentModule
    from autograder.settings import Limits
    from autograder.testing import BadAnswer

    def module(source: str) -> StudentModule:
        (tmp_path / "toy.py").write_text(source)
        worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=3), sandbox.choose())
        return StudentModule(worker, ["add", "half"], ["NAME"])

    sub = module((TOY / "submissions" / "good" / "toy.py").read_text())
    try:
        inputs = [(a, b) for a in range(-3, 40) for b in (0, 7, 2**70)]
        assert sub.many("add", inputs) == [a + b for a, b in inputs]
        assert sub.many("half", []) == []
        with pytest.raises(ValueError, match=r"half\(5\) raised ValueError: odd"):
            sub.many("half", [(2,), (4,), (5,), (6,)])
        assert sub.half(8) == 4, "the worker goes on after a call that raised"
    finally:
        sub._worker.close()
    forged = module("def add(a, b): return a + b\n"
                    "def half(x): return x // 2\n"
                    "import sys\n"
                    "w = sys.modules['__main__']  # the worker itself, forging its replies\n"
                    "_send = w._send\n"
                    "w._send = lambda fd, reply: _send(fd, ('return', [1], {}) if reply[0] == 'return' else reply)\n")
    try:
        with pytest.raises(BadAnswer, match="one answer per input"):
            forged.many("half", [(2,), (4,)])
    finally:
        forged._worker.close()


def test_a_forbidden_import_made_as_the_module_loads_counts_against_every_call(tmp_path):
    """The worker's own record, with no static report behind it: an import done while the
    module loads (for its side effects, say) is charged to every function, at run time."""
    from autograder.sandbox.process import Worker
    from autograder.session.student import StudentModule
    from autograder.settings import Limits
    from autograder.testing import ForbiddenUse

    (tmp_path / "toy.py").write_text("import struct  # noqa\n\ndef add(a, b):\n    return a + b\n")
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=3), sandbox.choose(),
                    forbidden_modules=["struct"])
    sub = StudentModule(worker, ["add"], [])
    try:
        with pytest.raises(ForbiddenUse, match=r"add uses .*`import struct` \(seen at run time\)"):
            sub.add(1, 2)
        with pytest.raises(ForbiddenUse):
            sub.many("add", [(1, 2)])
    finally:
        worker.close()
    (tmp_path / "toy.py").write_text("def add(a, b):\n    import math\n    return a + b\n")
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=3), sandbox.choose(),
                    forbidden_modules=["struct"])
    try:
        assert StudentModule(worker, ["add"], []).add(1, 2) == 3
    finally:
        worker.close()


def test_helper_modules_beside_the_module_are_importable_and_checked(toy_env, tmp_path):
    """A Gradescope-style folder: toy.py imports its own helper; a forbidden name in a helper
    counts against every function, like module-level code."""
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "arith.py").write_text("def plus(a, b):\n    return a + b\n")
    (tmp_path / "s" / "toy.py").write_text(
        "from arith import plus\nNAME = 'me'\n\ndef add(a, b):\n    return plus(a, b)\n\n"
        "def half(x):\n    if x % 2:\n        raise ValueError('odd')\n    return x // 2\n")
    res = grade_one("toy", "s", tmp_path / "s", tmp_path / "o")
    assert res["score"] == 6, res["output"]
    assert "Helper modules beside toy.py: arith.py" in res["output"]
    (tmp_path / "s" / "arith.py").write_text("import math\n\ndef plus(a, b):\n"
                                            "    return math.fsum([a, b])\n")
    res = grade_one("toy", "s", tmp_path / "s", tmp_path / "o2")
    failed = [t for t in res["tests"] if t["status"] == "failed" and "hidden" not in t["tags"]]
    assert failed and all("math.fsum in arith.py" in t["output"] for t in failed), res["tests"]


def test_files_the_module_does_not_import_are_neither_copied_nor_checked(toy_env, tmp_path):
    """A student's folder with a scratch script (a forbidden name in it) and a helper imported
    through another helper: the scratch file costs nothing, the chain of helpers travels."""
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "scratch.py").write_text("import math\nprint(math.fsum([1.0, 2.0]))\n")
    (tmp_path / "s" / "low.py").write_text("def plus(a, b):\n    return a + b\n")
    (tmp_path / "s" / "arith.py").write_text("from low import plus\n")
    (tmp_path / "s" / "toy.py").write_text(
        "import arith\nNAME = 'me'\n\ndef add(a, b):\n    return arith.plus(a, b)\n\n"
        "def half(x):\n    if x % 2:\n        raise ValueError('odd')\n    return x // 2\n")
    res = grade_one("toy", "s", tmp_path / "s", tmp_path / "o")
    assert res["score"] == 6, res["output"]
    assert "Helper modules beside toy.py: arith.py, low.py" in res["output"]
    assert "scratch.py" not in res["output"]


def test_a_watching_check_preloads_what_the_assignment_uses_and_never_a_forbidden_module(tmp_path):
    """The held worker of `ulp check --watch` imports torch for group_int4 (its stub and
    reference use it) but not for stochastic_rounding, which forbids it, even when the
    student's file imports it (that import must stay the student's own, to be seen)."""
    from autograder.session.watch import preloads
    from helpers import ROOT, assignment

    mine = tmp_path / "mine.py"
    mine.write_text("import torch\n")
    assert preloads(assignment("group_int4", ROOT), mine) == ["torch"]
    assert preloads(assignment("online_softmax", ROOT), mine) == ["torch", "triton"]
    assert preloads(assignment("stochastic_rounding", ROOT), mine) == []
    assert preloads(assignment("kahan_sum", ROOT), tmp_path / "missing.py") == []
