"""bench/gpu_check.sh, checked on the CPU: its arguments, the install step it would run, the
log and JSON it writes, and that it fails loudly (here: no CUDA device)."""

import json
import os
import subprocess
import sys

from helpers import ROOT

SCRIPT = ROOT / "bench" / "gpu_check.sh"
sys.path.insert(0, str(ROOT / "bench"))
import gpu_check  # noqa: E402


def run(*args, tmp_path):
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run([str(SCRIPT), *args], cwd=tmp_path, env=env, text=True,
                          capture_output=True, timeout=120)


def test_dry_run_shows_the_install_and_every_step_and_runs_none(tmp_path):
    proc = run("--dry-run", "--wheels", str(tmp_path / "wheels"), "--out", str(tmp_path / "o"),
               tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"pip install --no-index --find-links {tmp_path / 'wheels'}" in proc.stdout
    summary = json.loads((tmp_path / "o" / "gpu-check.json").read_text())
    assert summary["dry_run"] and [s["status"] for s in summary["steps"]] == ["not run"] * 4
    names = [s["name"] for s in summary["steps"]]
    assert names == [s["name"] for s in gpu_check.steps(tmp_path)]
    for words in ("test_selftests.py -k tiled_attention", "grade tiled_attention examples/class",
                  "bench/attention.py --json"):
        assert words in proc.stdout
    assert sum(s["limit_s"] for s in gpu_check.steps(tmp_path)) <= gpu_check.BUDGET_S


def test_bad_arguments_get_one_line_and_help_is_the_usage(tmp_path):
    proc = run("--frobnicate", tmp_path=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip() == \
        "gpu_check.sh: unknown argument '--frobnicate' (see --help)"
    usage = run("--help", tmp_path=tmp_path)
    assert usage.returncode == 0 and "--wheels DIR" in usage.stdout and "--dry-run" in usage.stdout


def test_without_cuda_it_stops_at_the_environment_and_fails_loudly(tmp_path):
    proc = run("--out", str(tmp_path / "o"), tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "GPU CHECK FAILED: environment" in proc.stderr
    summary = json.loads((tmp_path / "o" / "gpu-check.json").read_text())
    assert not summary["passed"]
    assert summary["steps"][0]["status"] == "failed"
    assert all(s["status"] == "skipped: environment failed" for s in summary["steps"][1:])
    assert "no CUDA device" in (tmp_path / "o" / "gpu-check.log").read_text()


def test_every_step_runs_and_each_failure_is_named_in_the_log_and_json(tmp_path):
    py = sys.executable
    plan = [{"name": "ok", "limit_s": 20, "command": [py, "-c", "print('fine')"]},
            {"name": "broken", "limit_s": 20, "command": [py, "-c", "raise SystemExit(3)"]},
            {"name": "stuck", "limit_s": 1, "command": [py, "-c", "import time; time.sleep(30)"]},
            {"name": "after", "limit_s": 20, "command": [py, "-c", "print('still ran')"]}]
    code = gpu_check.run_steps(plan, tmp_path / "log", tmp_path / "s.json")
    assert code == 1
    steps = json.loads((tmp_path / "s.json").read_text())["steps"]
    assert [(s["name"], s["status"], s.get("exit")) for s in steps] == [
        ("ok", "passed", 0), ("broken", "failed", 3), ("stuck", "timed out", None),
        ("after", "passed", 0)]
    log = (tmp_path / "log").read_text()
    assert "fine" in log and "still ran" in log and "broken: failed" in log
