"""The batch backends: the pre-loaded grader (autograder/batch/pool.py) grades exactly as fresh
processes do and loses one grade, not the batch, when a grader dies; the Ray backend grades the
same on a real local Ray instance, retrying a task whose worker was killed."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from autograder.batch import child, pool, ray_cluster
from autograder.errors import UsageError
from autograder.model import Outcome, Submission
from autograder.output import results
from helpers import ROOT, TOY, assignment, grade_folder, needs, settings

KV = ["correct_straightforward", "buggy_int4_rounds_down", "malicious_exit_at_import"]


def verdicts(rows: list[dict]) -> list[tuple]:
    """What must not differ between two ways of grading: scores and every test's status."""
    return [(r["extra_data"]["ulp"]["student_id"], r["score"],
             sorted((t["name"], t["status"]) for t in r["tests"])) for r in rows]


@pytest.fixture(scope="module")
def kv_class(tmp_path_factory):
    klass = tmp_path_factory.mktemp("kv") / "class"
    for name in KV:
        (klass / name).mkdir(parents=True)
        shutil.copy(ROOT / "assignments" / "kv_cache" / "selftest" / f"{name}.py", klass / name / "kv_cache.py")
    (klass / "no_module").mkdir()  # submitted nothing: a zero that says what to submit
    return klass


@pytest.fixture(scope="module")
def local_grades(kv_class, tmp_path_factory):
    """The class graded with the default local backend: the pre-loaded grader."""
    rows = grade_folder("kv_cache", kv_class, tmp_path_factory.mktemp("pool"), workers=2)
    assert not any("grader failure" in r["extra_data"]["ulp"]["flags"] for r in rows), \
        [r["extra_data"]["ulp"].get("grader_error") for r in rows]
    return rows


def test_fork_server_grades_exactly_like_fresh_processes(kv_class, local_grades, tmp_path, monkeypatch):
    monkeypatch.setenv("ULP_NO_FORK_SERVER", "1")
    fresh = grade_folder("kv_cache", kv_class, tmp_path / "fresh", workers=2)
    assert verdicts(fresh) == verdicts(local_grades)
    scores = {r["extra_data"]["ulp"]["student_id"]: r["score"] for r in local_grades}
    assert scores["correct_straightforward"] == local_grades[0]["extra_data"]["ulp"]["max_score"]
    assert 0 < scores["buggy_int4_rounds_down"] < scores["correct_straightforward"]
    assert scores["malicious_exit_at_import"] == 0
    assert scores["no_module"] == 0


def _zygote_children(zygote_pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{zygote_pid}/task/{zygote_pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _request(sid: str, out: Path, aid: str = "toy") -> dict:
    good = TOY / "submissions" / "good"
    req = child.request(assignment("toy"), Submission(sid, good, good / "toy.py"), out, settings())
    return dict(req, assignment=aid)


def test_pool_a_dead_or_slow_grader_costs_one_grade_not_the_batch(tmp_path, monkeypatch):
    monkeypatch.setenv("ULP_COURSE_DIR", str(TOY))
    with pool.GraderPool() as grader:
        assert grader.run(_request("s1", tmp_path / "a"), timeout=120) == (Outcome.OK, "")
        assert json.loads((tmp_path / "a" / "results.json").read_text())["score"] == 6
        # A grader that raises: its traceback is the reason, and the next grade is unaffected.
        outcome, problem = grader.run(_request("s2", tmp_path / "b", "no_such_assignment"), timeout=120)
        assert outcome is Outcome.FAILED and "no_such_assignment" in problem
        # A grader past its time is killed (with its child), and says so.
        assert grader.run(_request("s3", tmp_path / "c"), timeout=0.05) == \
            (Outcome.TIMED_OUT, "grading took longer than 0.05 s")
        # The zygote itself dies mid-grade: that grade fails, the next starts a new zygote.
        zygote = grader._proc.pid
        killer = threading.Thread(target=lambda: (_wait_for(lambda: _zygote_children(zygote)),
                                                  os.kill(zygote, signal.SIGKILL)))
        killer.start()
        outcome, problem = grader.run(_request("s4", tmp_path / "d"), timeout=120)
        killer.join()
        assert outcome is Outcome.FAILED and "grader pool stopped" in problem
        assert grader.run(_request("s5", tmp_path / "e"), timeout=120) == (Outcome.OK, "")
        assert grader.starts == 2
    assert not (tmp_path / "c" / "results.json").exists()
    assert not (tmp_path / "d" / "results.json").exists(), "an orphaned grader wrote a grade"


def _wait_for(condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def test_grade_class_grades_a_class_through_the_fork_server(tmp_path, monkeypatch):
    monkeypatch.setenv("ULP_COURSE_DIR", str(TOY))
    klass = tmp_path / "class"
    for sid in ("a", "b"):
        shutil.copytree(TOY / "submissions" / "good", klass / sid)
    rows = grade_folder("toy", klass, tmp_path / "out", workers=2)
    assert [r["score"] for r in rows] == [6, 6]
    assert (tmp_path / "out" / "grades.csv").read_text().count("\n") == 3


# --------------------------------------------------------------------------- Ray

def _ray_workers_grading() -> list[int]:
    """Ray worker processes whose pre-loaded grader is grading right now."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            if b"autograder.batch.pool" not in cmd or not _zygote_children(int(proc.name)):
                continue
            parent = int(re.search(r"PPid:\s+(\d+)", (proc / "status").read_text()).group(1))
            if b"ray" in Path(f"/proc/{parent}/cmdline").read_bytes().lower():
                found.append(parent)
        except (OSError, AttributeError):
            continue
    return found


def test_ray_backend_grades_like_local_and_retries_a_killed_worker(kv_class, local_grades, tmp_path):
    try:
        import ray
    except ImportError as e:
        needs("the Ray backend", f"ray is not importable ({e}); pip install 'ray>=2.9'")

    def too_long(*_):
        raise TimeoutError("the Ray test ran past 420 s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(420)
    killed = []

    def kill_one_worker():
        try:
            pid = _wait_for(_ray_workers_grading, timeout=240)[0]
        except AssertionError:
            return
        os.kill(pid, signal.SIGKILL)  # as if its node died mid-grade
        killed.append(pid)

    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        killer = threading.Thread(target=kill_one_worker, daemon=True)
        killer.start()
        rows = grade_folder("kv_cache", kv_class, tmp_path / "ray", backend="ray")
        killer.join(timeout=5)
        # A result from a node with another secret or other tests is refused, not recorded.
        forged = results.from_json(rows[0])
        forged.seed += 1
        assert "ULP_COURSE_SECRET" in ray_cluster._mismatch(assignment("kv_cache"), settings(), forged)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        ray.shutdown()
    assert killed, "no Ray worker was caught grading, so the retry was not exercised"
    assert verdicts(rows) == verdicts(local_grades)
    missing = next(r for r in rows if r["extra_data"]["ulp"]["student_id"] == "no_module")
    assert "No kv_cache.py (or kv_cache.ipynb) was found" in missing["output"]
    for sid in KV + ["no_module"]:
        stored = json.loads((tmp_path / "ray" / sid / "results.json").read_text())
        assert stored["score"] == next(r["score"] for r in rows if r["extra_data"]["ulp"]["student_id"] == sid)
        assert (tmp_path / "ray" / sid / "report.html").exists()
    assert (tmp_path / "ray" / "grades.csv").read_text().count("\n") == len(KV) + 2


def test_ray_asks_for_a_gpu_only_where_the_cluster_has_one():
    """On a CPU-only cluster a GPU assignment's tasks must run (interpreted), not wait forever."""
    gpu, cpu = assignment("tiled_attention", ROOT), assignment("kv_cache", ROOT)
    assert ray_cluster.gpus_per_task(gpu, {"CPU": 16.0, "GPU": 2.0}) == 1
    assert ray_cluster.gpus_per_task(gpu, {"CPU": 2.0}) == 0
    assert ray_cluster.gpus_per_task(cpu, {"CPU": 16.0, "GPU": 2.0}) == 0


def test_unknown_backend_names_the_choices(tmp_path):
    from autograder.batch import runner
    with pytest.raises(UsageError, match="use one of local, ray"):
        runner.backend_for("slurm")


def test_a_grade_past_its_timeout_is_flagged_timeout_both_ways(tmp_path, monkeypatch):
    """The assignment's submission_timeout_s bounds one grading, fork server or fresh process."""
    course = tmp_path / "course"
    shutil.copytree(TOY, course)
    toml = course / "assignments" / "toy" / "assignment.toml"
    toml.write_text(toml.read_text() + "submission_timeout_s = 0.05\n")
    monkeypatch.setenv("ULP_COURSE_DIR", str(course))
    klass = tmp_path / "class"
    shutil.copytree(TOY / "submissions" / "good", klass / "s")
    forked, = grade_folder("toy", klass, tmp_path / "a")
    fresh, = grade_folder("toy", klass, tmp_path / "b", fork_server=False)
    for res in (forked, fresh):
        assert res["score"] == 0 and res["extra_data"]["ulp"]["flags"] == ["grader failure", "timeout"]
        assert res["extra_data"]["ulp"]["grader_error"] == "grading took longer than 0.05 s"


def test_a_ray_task_carries_the_helper_modules_beside_the_module(toy_env, tmp_path):
    """A Ray node once received the module alone: its `import arith` failed there."""
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "arith.py").write_text("def plus(a, b):\n    return a + b\n")
    (folder / "toy.py").write_text(
        "from arith import plus\nNAME = 'me'\n\ndef add(a, b):\n    return plus(a, b)\n\n"
        "def half(x):\n    if x % 2:\n        raise ValueError('odd')\n    return x // 2\n")
    module, files = ray_cluster.submission_files(Submission("s", folder, folder / "toy.py"))
    assert module == "toy.py" and set(files) == {"toy.py", "arith.py"}
    answer = ray_cluster.grade_on_node("toy", "s", module, files,
                                       settings().to_dict(with_secret=False))
    assert isinstance(answer, dict) and answer["score"] == 6, answer
    assert ray_cluster.submission_files(Submission("s", folder, None)) == (None, {})
