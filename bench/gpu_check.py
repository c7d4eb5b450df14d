"""What only a GPU can check, in one run: see bench/gpu_check.sh (the command to use)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 8 * 60  # the whole check must fit a short GPU lease


def steps(out: Path, python: str = sys.executable) -> list[dict]:
    """The checks, in order, each with the seconds it may take."""
    return [
        {"name": "environment", "limit_s": 30, "gate": True, "command": [python, "-c", (
            "import torch, triton; assert torch.cuda.is_available(), 'no CUDA device'; "
            "print('GPU', torch.cuda.get_device_name(), 'torch', torch.__version__, "
            "'CUDA', torch.version.cuda, 'triton', triton.__version__)")]},
        {"name": "selftests compiled on CUDA", "limit_s": 150, "command": [
            python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/course/test_selftests.py", "-k", "tiled_attention"]},
        {"name": "the sample class's tiled_attention", "limit_s": 60, "command": [
            python, "-m", "autograder.cli", "grade", "tiled_attention", "examples/class",
            "--out", str(out / "class")]},
        {"name": "reference against SDPA", "limit_s": 200, "command": [
            python, "bench/attention.py", "--json", str(out / "attention.json")]},
    ]


def run_steps(plan: list[dict], log_path: Path, json_path: Path, dry_run: bool = False,
              env: dict | None = None) -> int:
    """Run each step (all of them, so one lease shows every failure, unless a ``gate`` step
    such as the environment fails), its output into one log; the summary into ``json_path``.
    Returns 0 only if every step passed."""
    results, started, gate_failed = [], time.monotonic(), None
    with open(log_path, "a", encoding="utf-8") as log:
        for step in plan:
            line = " ".join(shlex.quote(str(c)) for c in step["command"])
            header = f"==> {step['name']} (at most {step['limit_s']} s)\n$ {line}\n"
            print(header, end="", flush=True)
            log.write(header)
            if dry_run or gate_failed:
                status = "not run" if dry_run else f"skipped: {gate_failed} failed"
                results.append({"name": step["name"], "command": line, "status": status})
                continue
            t0 = time.monotonic()
            try:
                proc = subprocess.run(step["command"], cwd=ROOT, env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      timeout=step["limit_s"])
                output, code = proc.stdout, proc.returncode
            except subprocess.TimeoutExpired as e:
                output = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode()
                code = None
            seconds = round(time.monotonic() - t0, 1)
            status = "passed" if code == 0 else ("timed out" if code is None else "failed")
            log.write(output + f"<== {step['name']}: {status} in {seconds} s (exit {code})\n")
            log.flush()
            print(output[-3000:], end="" if output.endswith("\n") else "\n")
            print(f"<== {step['name']}: {status.upper()} in {seconds} s", flush=True)
            results.append({"name": step["name"], "command": line, "status": status,
                            "exit": code, "seconds": seconds})
            if step.get("gate") and status != "passed":
                gate_failed = step["name"]
    total = round(time.monotonic() - started, 1)
    failed = [r["name"] for r in results if r["status"] in ("failed", "timed out")]
    summary = {"dry_run": dry_run, "seconds": total, "budget_s": BUDGET_S,
               "passed": not failed, "steps": results}
    bench = json_path.parent / "attention.json"
    if bench.exists():
        summary["attention"] = json.loads(bench.read_text())
    json_path.write_text(json.dumps(summary, indent=1))
    if failed:
        print(f"GPU CHECK FAILED: {', '.join(failed)} (log: {log_path})", file=sys.stderr)
        return 1
    if not dry_run and total > BUDGET_S:
        print(f"GPU CHECK TOO SLOW: {total} s, over the {BUDGET_S} s budget", file=sys.stderr)
        return 1
    print(f"gpu check {'planned' if dry_run else 'passed'} in {total} s; "
          f"summary in {json_path}, log in {log_path}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check on a CUDA GPU what CI cannot.")
    parser.add_argument("--out", type=Path, default=Path("gpu-check"),
                        help="folder for gpu-check.log, gpu-check.json and what the steps write")
    parser.add_argument("--dry-run", action="store_true", help="show the steps, run none")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("TRITON_INTERPRET", None)  # compiled kernels: the point of a GPU run
    env.setdefault("PYTHONUNBUFFERED", "1")
    return run_steps(steps(out), out / "gpu-check.log", out / "gpu-check.json",
                     dry_run=args.dry_run, env=env)


if __name__ == "__main__":
    sys.exit(main())
