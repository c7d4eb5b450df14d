"""The red-team suite: every attack in tests/fixtures/attacks graded in one batch, as a class.

Each attack is a submission of the toy course (tests/fixtures/toycourse: add, half, NAME; 6
points) that tries one thing a student's code must not be able to do, and turns success into
points where it can (a leaked reference or secret, a connection, a forged grade make its
answers change). The tests below say, per attack, exactly which tests must fail, which flags
an instructor must see, and check from outside that nothing escaped: no file written, no
connection, no process left, no grade or report forged. docs/threat-model.md says which layer
stops which attack.

The grading runs on a private copy of the toy course, and every path or port an attack needs
is written into its source here (``@@NAME@@`` placeholders). The attacks are bounded (short
loops, timeouts, exclusive creation of files named after this run's token), so that a broken
sandbox costs a failing test, not a damaged machine. Sandbox-specific claims need bubblewrap:
without it the suite is skipped (CI installs it).
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import site
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from autograder.model import FLAGS
from autograder.output import results
from autograder.sandbox import isolation as sandbox
from autograder.session.grade import STUDENT_OUTPUT_KEEP
from autograder.settings import Limits
from helpers import ATTACKS, ROOT, TOY, discover, grade_folder, grade_one, needs

REPO = ROOT

pytestmark = pytest.mark.skipif(
    sandbox.choose().level != "bwrap" and not os.environ.get("ULP_CI"),
    reason="the attack suite checks the bubblewrap sandbox; install bubblewrap (and run as root "
           "for the drop to nobody) to run it")

ADD, HALF, ODD, NAME = "test_add", "test_half", "test_half_rejects_odd", "test_name"
POINTS = {ADD: 2, HALF: 2, ODD: 1, NAME: 1}
ALL = sorted(POINTS)
HIDDEN_TEXT = "Failed. This is a hidden test: its inputs and messages are not shown."
SECRET = "ulp-attack-secret-5d1e"  # fixed, so that hypothesis's examples are the same every run

# attack -> (the tests it must fail, the flags results.json must carry). An attack gains
# nothing when it scores exactly the points of the tests it answers honestly.
EXPECTED = {
    "forge_results": ([ADD, HALF, ODD], {"tampering"}),
    "forge_everywhere": ([ADD, HALF, ODD], {"process spawn"}),
    "exit_import_sys": (ALL, {"exited early"}),
    "exit_import_os": (ALL, {"exited early"}),
    "exit_midcall": ([ADD, ODD], {"exited early"}),
    "kill_parent": ([], {"tampering"}),
    "killpg": ([ODD], {"crash"}),
    "monkeypatch": ([ADD, HALF, ODD, NAME], {"forbidden call"}),  # __builtins__ taints all
    "liar_python": ([ADD, HALF], set()),
    "liar_dunder": ([ADD, HALF], {"unsendable answer"}),
    "liar_arrays": ([ADD, HALF], set()),
    "read_secrets": ([], {"tampering"}),
    "exfil_hidden": ([HALF], set()),
    "gc_frames": ([], set()),
    "infinite_loop": ([ADD], {"timeout"}),
    "sleep_forever": ([HALF], {"timeout"}),
    "memory_growth": ([ADD], {"memory limit"}),
    "fork_bomb": ([], {"process spawn"}),
    "zz_survivor": ([], {"process spawn", "tampering"}),  # writes into the host's /tmp
    "network": ([], {"network attempt"}),
    "silence_events": ([], {"network attempt", "tampering"}),
    "huge_output": ([], {"output truncated", "file size limit"}),
    "write_outside": ([], {"tampering"}),
    "tamper_course": ([ADD, HALF, ODD], {"tampering"}),
    "persist": ([], {"tampering"}),
    "zz_victim": ([], set()),
    "protocol_garbage": ([ADD], {"garbage answer"}),
    "protocol_forged": ([ADD, HALF, ODD, NAME], set()),
    "protocol_decode_bomb": ([ADD], {"garbage answer"}),
    "gradebook": ([], {"tampering"}),
    "report_injection": ([ADD], set()),
    "forbidden_evasion": ([ADD, HALF, ODD, NAME], {"forbidden call"}),  # __builtins__ taints all
    "plots_with_matplotlib": ([], set()),  # a library's own process is not the student's
}
KNOWN_WEAKNESSES: dict[str, str] = {}  # attack -> why it still works (strict xfail)


def test_every_attack_has_an_expectation():
    assert sorted(p.stem for p in ATTACKS.glob("*.py")) == sorted(EXPECTED)


# ------------------------------------------------------------------------------ the batch

class Listener:
    """TCP and UDP on one loopback port, and a Unix socket: a worker must reach none."""

    def __init__(self, unix_path: Path):
        self.hits: list[str] = []
        self.stop = threading.Event()
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(5)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.udp.bind(("127.0.0.1", self.port))
        except OSError:
            self.udp.close()
            self.udp = None
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(str(unix_path))
        self.unix.listen(5)
        self.threads = [threading.Thread(target=self._accept, args=(s, n), daemon=True)
                        for s, n in [(self.tcp, "tcp"), (self.unix, "unix")]]
        if self.udp is not None:
            self.threads.append(threading.Thread(target=self._receive, daemon=True))
        for t in self.threads:
            t.start()

    def _accept(self, server, name):
        server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = server.accept()
                self.hits.append(name)
                conn.close()
            except OSError:
                pass

    def _receive(self):
        self.udp.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.udp.recvfrom(100)
                self.hits.append("udp")
            except OSError:
                pass

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join()
        for s in (self.tcp, self.udp, self.unix):
            if s is not None:
                s.close()


def marker_processes(mark: str) -> list[int]:
    """Host pids whose name is the run's marker (fork_bomb's children, zz_survivor)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() == mark:
                    found.append(int(pid))
            except OSError:
                pass
    return found


def copy_course(dest: Path, **limits) -> Path:
    """A private copy of the toy course (the attacks may try to change it), with ``limits``
    added to its assignment.toml's [limits] table (the last table of the file)."""
    shutil.copytree(TOY, dest, ignore=shutil.ignore_patterns("submissions", "__pycache__"))
    toml = dest / "assignments" / "toy" / "assignment.toml"
    assert toml.read_text().rstrip().splitlines()[-2] == "[limits]"
    toml.write_text(toml.read_text() + "".join(f"{k} = {v}\n" for k, v in limits.items()))
    return dest


@pytest.fixture
def course_env(monkeypatch):
    """Point the engine (and the graders it starts) at a course folder."""

    def use(course: Path):
        monkeypatch.setenv("ULP_COURSE_DIR", str(course))
        monkeypatch.setenv("ULP_COURSE_SECRET", SECRET)
    yield use


def make_gradebook(path: Path, token: str) -> None:
    """A real SQLite gradebook with one row (gradebook.py tries to destroy it)."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE grades (student TEXT PRIMARY KEY, score REAL, note TEXT)")
        db.execute("INSERT INTO grades VALUES ('old_student', 5.0, ?)", (token,))


def read_gradebook(path: Path) -> tuple[str, list]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return (db.execute("PRAGMA integrity_check").fetchone()[0],
                db.execute("SELECT student, score, note FROM grades").fetchall())


def tree_digest(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", params=["system bwrap", "bundled bwrap"])
def batch(request, tmp_path_factory):
    """The attack batch, graded twice: with the system's bubblewrap, and on a machine without
    it (PATH hides it) where the wheel's bubblewrap must give the same verdicts. On this machine
    Python lives under a 0700 home (/root), which the worker must still not run as root for."""
    if request.param == "system bwrap" and not shutil.which("bwrap"):
        needs("the attack suite with the system's bubblewrap", "bwrap is not on PATH")
    token = secrets.token_hex(5)
    root = tmp_path_factory.mktemp("attacks")
    course, klass, out, outside = root / "course", root / "class", root / "out", root / "outside"
    copy_course(course, max_examples=25)  # a fixed count: the attacks do not depend on it
    for d in (klass, out, outside):
        d.mkdir()
    listener = Listener(outside / "attack.sock")
    site_packages = site.getsitepackages()[0]
    values = {
        "OUT": str(out), "COURSE": str(course), "CLASS": str(klass), "REPO": str(REPO),
        "TMP": str(outside), "TOKEN": token, "MARK": f"ulpa{token}", "PORT": str(listener.port),
        "UNIX": str(outside / "attack.sock"), "SITE": site_packages,
        "TESTPID": str(os.getpid()), "TESTPGID": str(os.getpgid(0)),
    }
    for attack in sorted(ATTACKS.glob("*.py")):
        source = attack.read_text()
        for key, value in values.items():
            source = source.replace(f"@@{key}@@", value)
        assert "@@" not in source, f"{attack.name} has a placeholder this test does not fill"
        (klass / attack.stem).mkdir()
        (klass / attack.stem / "toy.py").write_text(source)
    # What an earlier grade left in the output folder: gradebook.py tries to destroy it.
    (out / "old_student").mkdir()
    (out / "old_student" / "results.json").write_text('{"score": 5}')
    make_gradebook(out / "gradebook.sqlite", token)
    course_before = tree_digest(course)
    planted = ([Path(f"/tmp/ulp-attack-{token}-write_outside"), REPO / f"ulp-attack-{token}-write_outside"]
               + [Path(d) / n for d in site.getsitepackages()
                  for n in (f"ulp_attack_{token}.pth", "sitecustomize.py", "usercustomize.py")]
               + [Path("/tmp/sitecustomize.py")])
    existed = {p for p in planted if p.exists()}

    mp = pytest.MonkeyPatch()
    mp.setenv("ULP_COURSE_DIR", str(course))
    mp.setenv("ULP_COURSE_SECRET", SECRET)
    if request.param == "bundled bwrap":  # graders started now find no bwrap (nor unshare)
        mp.setenv("PATH", str(outside / "empty-bin"))
    started = time.monotonic()
    try:
        rows = grade_folder("toy", klass, out, workers=2)
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # a process that survived its worker would still be running now
        survivors = marker_processes(values["MARK"])
    finally:
        mp.undo()
        listener.close()
    by_student = {sid: res for (sid, _), res in zip(discover(klass, "toy"), rows)}
    yield {"res": by_student, "out": out, "course": course, "course_before": course_before,
           "class": klass, "outside": outside, "token": token, "values": values,
           "listener_hits": list(listener.hits), "survivors": survivors, "elapsed": elapsed,
           "planted": planted, "existed": existed, "bwrap": request.param}
    for pid in marker_processes(values["MARK"]):  # only this run's marker: ours to end
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    for p in planted:  # an escaped attack's file (never one that was there before)
        if p not in existed and p.is_file() and token in p.read_text(errors="replace"):
            p.unlink()


def failed(res) -> list[str]:
    return sorted(t["name"] for t in res["tests"] if t["status"] == "failed")


def output_of(res, name) -> str:
    return next(t["output"] for t in res["tests"] if t["name"] == name)




def flags(res) -> set[str]:
    return set(res["extra_data"]["ulp"]["flags"])


# ---------------------------------------------------------------------------- the verdicts

def test_the_batch_finished_with_every_grade_in_the_sandbox(batch):
    res, out = batch["res"], batch["out"]
    print(f"\nbatch of {len(res)} attacks graded in {batch['elapsed']:.1f} s")
    assert sorted(res) == sorted(EXPECTED)
    for sid, r in res.items():
        results.validate(r)
        assert "grader failure" not in flags(r), f"{sid}: {r['extra_data']['ulp'].get('grader_error')}"
        assert r["extra_data"]["ulp"]["isolation"]["level"] == "bwrap"
        layers = " ".join(r["extra_data"]["ulp"]["isolation"]["layers"])
        assert ("bundled" in layers) == (batch["bwrap"] == "bundled bwrap"), layers
        assert "own uid" in layers or os.geteuid() != 0, "student code must not run as root"
        # as root, the batch forks its workers from a preloaded worker server: the attacks
        # below are checked against that worker (tests/sandbox/test_preload.py: the classic one)
        assert ("preloaded worker server" in layers) == ("own uid" in layers), layers
        # an attack that cannot import what it uses tests nothing (a renamed engine module)
        assert "cannot import name" not in r["output"] and "No module named 'autograder" \
            not in r["output"], f"{sid} does not run: {r['output'][:500]}"
        assert len(r["tests"]) == 4, sid
        assert json.loads((out / sid / "results.json").read_text()) == r, f"{sid}: results.json changed"
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(EXPECTED) and "FORGED" not in "".join(rows)


@pytest.mark.parametrize("attack", [
    pytest.param(a, marks=pytest.mark.xfail(strict=True, reason=KNOWN_WEAKNESSES[a]))
    if a in KNOWN_WEAKNESSES else a for a in sorted(EXPECTED)])
def test_attack_gains_nothing_and_is_flagged(batch, attack):
    res = batch["res"][attack]
    must_fail, must_flag = EXPECTED[attack]
    assert failed(res) == sorted(must_fail), json.dumps(res["tests"], indent=1)[:3000]
    assert res["score"] == sum(p for t, p in POINTS.items() if t not in must_fail)
    assert flags(res) == must_flag


def test_no_forged_grade_or_report_anywhere(batch):
    token = batch["token"]
    for path in batch["out"].rglob("*"):
        if path.is_file():
            assert f"FORGED-{token}" not in path.read_text(errors="replace"), path
    assert batch["res"]["forge_results"]["score"] == 1
    assert batch["res"]["forge_everywhere"]["score"] == 1
    assert not (batch["outside"] / "survivor-was-here").exists()


def test_nothing_secret_reaches_the_worker(batch):
    """The reference, hidden tests, a peer's code, the secret: read_secrets and gc_frames found
    nothing (their answers would be off, and they print LEAK lines)."""
    secret = SECRET
    for attack in ("read_secrets", "gc_frames"):
        res = batch["res"][attack]
        assert "LEAK" not in res["extra_data"]["ulp"]["student_output"], attack
        assert res["score"] == 6
    for path in batch["out"].rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


def test_hidden_test_feedback_carries_nothing_of_the_student(batch):
    res, out = batch["res"]["exfil_hidden"], batch["out"] / "exfil_hidden"
    assert output_of(res, HALF) == HIDDEN_TEXT
    visible = [res["output"], *(t["output"] for t in res["tests"]),
               (out / "report.md").read_text(), (out / "report.html").read_text(),
               (batch["out"] / "grades.csv").read_text()]
    assert not any("EXFIL" in text for text in visible)
    assert output_of(batch["res"]["sleep_forever"], HALF) == HIDDEN_TEXT
    # The student's prints are kept for instructors only (extra_data, which students do not see).
    assert "EXFIL-STDOUT" in res["extra_data"]["ulp"]["student_output"]


def test_exits_and_signals_fail_only_their_tests(batch):
    res = batch["res"]
    assert "could not be imported" in res["exit_import_sys"]["output"]
    assert "ended the process while being imported" in res["exit_import_os"]["output"]
    assert "ended during add" in output_of(res["exit_midcall"], ADD)
    assert "raised SystemExit, which stops a program" in output_of(res["exit_midcall"], ODD)
    assert "ended during half(3)" in output_of(res["killpg"], ODD)


def test_timeouts_stop_loops_that_ignore_signals_and_sleeps(batch):
    assert "did not return within 3 s" in output_of(batch["res"]["infinite_loop"], ADD)


def test_memory_is_bounded_by_rlimit_as(batch):
    text = output_of(batch["res"]["memory_growth"], ADD)
    got = re.search(r"MemoryError: stopped at (\d+) MiB", text)
    assert got, text
    assert int(got.group(1)) <= Limits().memory_mb


def test_huge_output_is_cut(batch):
    res = batch["res"]["huge_output"]
    assert len(res["extra_data"]["ulp"]["student_output"]) <= STUDENT_OUTPUT_KEEP
    assert (batch["out"] / "huge_output" / "results.json").stat().st_size < 200_000


def test_answers_that_lie_arrive_as_plain_data(batch):
    res = batch["res"]
    assert "add(0, 0) = 1, expected 0" in output_of(res["liar_python"], ADD)
    assert "is not plain data" in output_of(res["liar_dunder"], ADD)
    assert "add must return an int, got ndarray" in output_of(res["liar_arrays"], ADD)
    assert "`__builtins__` (line 13, at module level)" in output_of(res["monkeypatch"], ADD)


def test_no_network_and_the_attempt_is_flagged(batch):
    """The grader listens on 127.0.0.1 (TCP, UDP) and on a Unix socket; nothing arrives, and
    the instructor is told that the submission tried."""
    assert batch["listener_hits"] == []
    res = batch["res"]["network"]
    assert res["score"] == 6 and "network attempt" in flags(res)
    assert "Flag 'network attempt': the code tried to use the network" in res["output"]
    assert "tcp 127.0.0.1: [Errno" in res["extra_data"]["ulp"]["student_output"]  # it tried


def test_every_flag_is_explained_in_the_output(batch):
    for sid, r in batch["res"].items():
        for flag in flags(r):
            assert flag in FLAGS, f"{sid}: unknown flag {flag!r}"
            assert f"Flag '{flag}': {FLAGS[flag]}." in r["output"], sid


def test_silencing_the_event_channel_is_refused_and_flagged(batch):
    res = batch["res"]["silence_events"]
    out = res["extra_data"]["ulp"]["student_output"]
    assert "hook: the grader's audit hook cannot be changed" in out
    assert "closed the event pipe" in out
    assert flags(res) == {"network attempt", "tampering"}


def test_no_process_outlives_its_worker(batch):
    assert batch["survivors"] == [], "zz_survivor or fork_bomb children outlived their worker"
    assert not (batch["outside"] / "survivor-heartbeat").exists()


def test_nothing_written_outside_the_worker(batch):
    token, v = batch["token"], batch["values"]
    inside_test = [Path(v["TMP"]) / "write_outside", Path(v["OUT"]) / f"ulp-attack-{token}",
                   Path(v["CLASS"]) / "zz_victim" / f"ulp-attack-{token}",
                   Path(v["COURSE"]) / "assignments" / "toy" / f"ulp-attack-{token}",
                   Path(v["TMP"]) / "sitecustomize.py"]
    for p in inside_test + [p for p in batch["planted"] if p not in batch["existed"]]:
        assert not p.exists(), f"an attack wrote {p}"
    assert sorted(p.name for p in (batch["class"] / "zz_victim").iterdir()) == ["toy.py"]


def test_course_files_are_untouched(batch):
    assert tree_digest(batch["course"]) == batch["course_before"]
    assert batch["res"]["tamper_course"]["score"] == 1


def test_nothing_persists_into_a_later_submission(batch):
    victim = batch["res"]["zz_victim"]
    assert victim["score"] == 6 and flags(victim) == set()


def test_gradebook_survives(batch):
    out = batch["out"]
    assert read_gradebook(out / "gradebook.sqlite") == ("ok", [("old_student", 5.0, batch["token"])])
    for suffix in ("-journal", "-wal", "-shm"):  # a planted hot journal would be replayed
        assert not (out / f"gradebook.sqlite{suffix}").exists()
    assert (out / "old_student" / "results.json").read_text() == '{"score": 5}'
    rows = {r.split(",")[0]: r for r in (out / "grades.csv").read_text().splitlines()[1:]}
    assert rows["gradebook"].startswith("gradebook,6,6,")
    assert all((out / sid / "results.json").exists() for sid in EXPECTED)


def test_report_feedback_cannot_forge_pass_lines(batch):
    md = (batch["out"] / "report_injection" / "report.md").read_text()
    lines = re.findall(r"^- (PASS|FAIL) \*\*", md, re.M)
    assert sorted(lines) == ["FAIL", "PASS", "PASS", "PASS"], md


def test_report_html_escapes_student_text(batch):
    html = (batch["out"] / "report_injection" / "report.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_reports_carry_no_terminal_control_characters(batch):
    md = (batch["out"] / "report_injection" / "report.md").read_text()
    assert "\x1b" not in md and "\x07" not in md


def test_decoding_an_answer_is_bounded(batch):
    """A reply of one and a half million list items must be refused as garbage, not decoded
    for seconds outside the call's deadline."""
    res = batch["res"]["protocol_decode_bomb"]
    assert "not a valid answer" in output_of(res, ADD)


# ----------------------------------------------------------------- beyond the one batch

def test_a_student_cannot_starve_the_student_graded_beside_it(tmp_path, course_env):
    """nproc_hog holds the processes its limit allows while nproc_victim, graded at the same
    time, starts a thread per call. (A limit of 64 keeps the hog small.)"""
    course_env(copy_course(tmp_path / "course", processes=64, max_examples=25))
    klass = tmp_path / "class"
    for attack in sorted((ATTACKS / "concurrent").glob("*.py")):
        (klass / attack.stem).mkdir(parents=True)
        shutil.copy(attack, klass / attack.stem / "toy.py")
    hog, victim = grade_folder("toy", klass, tmp_path / "out", workers=2)
    hog_output = hog["extra_data"]["ulp"]["student_output"]
    assert re.search(r"the limit refused [1-9]", hog_output), "the hog never reached its limit"
    assert hog["score"] == 6
    assert victim["score"] == 6, output_of(victim, ADD)


def grade_survivor(tmp_path, course_env, level: str) -> dict:
    """Grade zz_survivor (it leaves a setsid process behind) at ``level``; assert that process is
    gone afterwards, and return the result."""
    course_env(copy_course(tmp_path / "course", max_examples=25))
    mark, outside = f"ulpa{secrets.token_hex(5)}", tmp_path / "outside"
    outside.mkdir()
    source = (ATTACKS / "zz_survivor.py").read_text()
    for key, value in {"MARK": mark, "TMP": str(outside), "OUT": str(tmp_path / "out"),
                       "TOKEN": mark}.items():
        source = source.replace(f"@@{key}@@", value)
    folder = tmp_path / "class" / "zz_survivor"
    folder.mkdir(parents=True)
    (folder / "toy.py").write_text(source)
    try:
        # the cleanup at a weaker level matters for `ulp check` (trusted), where it runs
        res = grade_one("toy", "zz_survivor", folder, tmp_path / "out", isolation=level,
                        untrusted=False)
        time.sleep(1.0)
        assert res["extra_data"]["ulp"]["isolation"]["level"] == level and res["score"] == 6
        assert marker_processes(mark) == []
        return res
    finally:
        for pid in marker_processes(mark):  # this test's own survivor
            os.kill(pid, 9)


@pytest.mark.skipif(not sandbox._unshare_works(), reason="no unshare here")
def test_a_survivor_dies_with_its_worker_at_the_unshare_level_too(tmp_path, course_env):
    grade_survivor(tmp_path, course_env, "unshare")


# ------------------------------------------------------------- no false flags, uid level

CPU_ASSIGNMENTS = ["fp32_encode", "group_int4", "kahan_sum", "kv_cache", "stable_softmax"]


@pytest.mark.parametrize("assignment_id", CPU_ASSIGNMENTS)
def test_correct_submissions_carry_no_flags(assignment_id, tmp_path, monkeypatch):
    """Every correct sample (assignments/<id>/selftest/correct_*.py, as the assignment's
    self-test grades it: the same cached batch when the whole suite runs), the reference and
    alice's example (examples/class/alice, correct throughout) carry no flag at all: the audit
    hook must not take numpy, the grader or a library for an attempt. Their scores are the
    self-tests' job."""
    from selftest import graded
    monkeypatch.delenv("ULP_COURSE_DIR", raising=False)
    monkeypatch.delenv("ULP_COURSE_SECRET", raising=False)  # fixed files: default values
    found = {name: results.to_json(g) for name, g in graded(assignment_id).items()
             if name.startswith("correct_") or name == "reference"}
    klass = tmp_path / "class"
    (klass / "alice").mkdir(parents=True)
    shutil.copy(REPO / "examples" / "class" / "alice" / f"{assignment_id}.py", klass / "alice")
    found["alice"], = grade_folder(assignment_id, klass, tmp_path / "out", workers=1)
    assert len(found) >= 4
    for name, res in found.items():
        ulp = res["extra_data"]["ulp"]
        assert ulp["flags"] == [], f"{name}: {ulp['flags']} {ulp.get('grader_error', '')}"
        assert "Flag '" not in res["output"] and res["tests"], name
    assert found["alice"]["score"] == found["alice"]["extra_data"]["ulp"]["max_score"] > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to the worker's uid needs root")
def test_every_process_of_the_worker_uid_is_killed():
    """sandbox.kill_worker_uid ends what a worker left behind outside its process group: a
    setsid'd, double-forked sleeper running as the worker's uid, as the uid level would."""
    uid, gid = sandbox.worker_uid()
    started = subprocess.run(["setsid", "sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"],
                             user=uid, group=gid, extra_groups=[], cwd="/", check=True,
                             capture_output=True, text=True, timeout=30)
    pid = int(started.stdout)
    assert os.stat(f"/proc/{pid}").st_uid == uid
    try:
        sandbox.kill_worker_uid()
        time.sleep(0.2)
        state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "gone"
        assert state in ("gone", "Z"), f"the worker uid's process {pid} survived ({state})"
    finally:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)


@pytest.mark.skipif(sandbox.choose("uid").level != "uid",
                    reason="the uid level needs root and a Python installation other users can "
                           "read (here: " + sandbox.choose("uid").level + ")")
def test_a_survivor_dies_with_its_worker_at_the_uid_level(tmp_path, course_env):
    res = grade_survivor(tmp_path, course_env, "uid")
    assert "process spawn" in res["extra_data"]["ulp"]["flags"]
