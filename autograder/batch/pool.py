"""A pre-loaded grader that forks one child per submission (a zygote, or fork server).

Why: a fresh ``python -m autograder.batch.child`` per submission spends about a second importing
pytest, hypothesis, numpy and torch before the first test runs. The zygote imports them once;
each submission is graded in a child forked from it, so the child starts with those modules
loaded but with nothing of any other submission: the zygote itself never grades, so every child
imports the assignment's test modules, builds its plugin, hypothesis settings and scratch folders
afresh, exactly as a fresh process would.

The zygote and its children are the trusted grader. Student code still runs only in the
sandboxed worker each child starts (autograder.sandbox.process). The properties of the
one-process-per-submission path are kept: a child that crashes or runs past the submission
timeout is killed (by the zygote, which reaps it, so no pid is ever reused under us) and costs
that one grade; a zygote that dies fails the grades in flight and is started again for the rest.

The zygote also keeps the batch's preloaded worker servers (:mod:`autograder.sandbox.preload`):
where a grading's workers may be forked from one, it names the server to the child it forks,
so that the worker, too, starts with numpy and torch loaded.

Parent and zygote speak JSON lines over the zygote's stdin and stdout; both sides are the grader.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path

from autograder.batch import child
from autograder.course.assignment import load
from autograder.model import Outcome
from autograder.output import report
from autograder.sandbox import isolation as sandbox
from autograder.sandbox import preload
from autograder.settings import GradingSettings

#: What the zygote imports before forking (beyond this module's own imports, which bring the
#: grading session, pytest and hypothesis): the heavy libraries the tests use.
PRELOAD = ("numpy", "torch", "ml_dtypes", "mpmath", "hypothesis.extra.numpy", "_pytest.python",
           "_pytest.fixtures")


def available() -> bool:
    """A fork server needs ``os.fork`` (Linux, macOS); elsewhere grading uses fresh processes."""
    return hasattr(os, "fork")


class GraderPool:
    """The parent's handle on one zygote; ``run`` is safe to call from many threads at once.

    Each request carries its own grading settings (course folder, secret, examples cap), so
    one zygote serves any run."""

    def __init__(self):
        self.env = dict(os.environ)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._waiting: dict[int, list] = {}  # job id -> [event, reply, zygote]
        self._next = 0
        self._logs = tempfile.TemporaryDirectory(prefix="ulp-pool-")
        # hypothesis's caches (constants of the grader's modules, never student data): one per
        # pool, shared by its children, and not a .hypothesis folder in the user's cwd
        self.env.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(self._logs.name, "hypothesis"))
        self.starts = 0

    # ------------------------------------------------------------------ parent side
    def _ensure_zygote(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self.starts += 1
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "autograder.batch.pool", self._logs.name],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=self.env, text=True, bufsize=1)
            threading.Thread(target=self._read_replies, args=(self._proc,), daemon=True).start()
        return self._proc

    def _read_replies(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            try:
                reply = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                slot = self._waiting.pop(reply.get("id"), None)
            if slot is not None:
                slot[1] = reply
                slot[0].set()
        proc.wait()
        with self._lock:  # the zygote is gone: whoever still waits on it gets an answer now
            stranded = [s for s in self._waiting.values() if s[2] is proc]
            for key in [k for k, s in self._waiting.items() if s[2] is proc]:
                del self._waiting[key]
        for slot in stranded:
            slot[1] = {"status": "failed", "problem": f"the grader pool stopped "
                       f"(exit {proc.returncode}) while this submission was being graded"}
            slot[0].set()

    def run(self, req: dict | None, timeout: float) -> tuple[Outcome, str]:
        """Grade ``req`` (:func:`autograder.batch.child.request`) in a forked child that writes
        its output folder; the outcome, and what went wrong where it did not go well. ``None``
        forks a child that grades nothing (bench/grade_class.py measures its start cost)."""
        event = threading.Event()
        with self._lock:
            proc = self._ensure_zygote()
            self._next += 1
            job_id = self._next
            log = Path(self._logs.name, f"{job_id}.log")
            slot = self._waiting[job_id] = [event, None, proc]
            request = {"id": job_id, "grading": req, "timeout": timeout, "log": str(log)}
            try:
                proc.stdin.write(json.dumps(request) + "\n")
                proc.stdin.flush()
            except OSError:
                self._waiting.pop(job_id, None)
                return Outcome.FAILED, "the grader pool stopped before this submission could be sent to it"
        # The zygote enforces the timeout; this margin only covers a zygote that hangs itself.
        if not event.wait(timeout + 60):
            with self._lock:
                self._waiting.pop(job_id, None)
            return Outcome.FAILED, f"the grader pool did not answer within {timeout + 60:g} s"
        reply = slot[1]
        text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        log.unlink(missing_ok=True)
        if reply["status"] == "ok":
            return Outcome.OK, ""
        if reply["status"] == "timeout":
            return Outcome.TIMED_OUT, f"grading took longer than {timeout:g} s"
        return Outcome.FAILED, (text or reply.get("problem")
                                or f"the grader exited with status {reply.get('code')}")

    def close(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.stdin.close()  # the zygote stops what it still runs (nobody waits for it), then exits
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._logs.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------- zygote side

def _die_with(parent: int) -> None:
    """Have the kernel kill this child if the zygote dies (Linux), so that no orphan writes a
    grade after the parent has recorded this one as failed."""
    with contextlib.suppress(Exception):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the zygote died before that took effect
        os._exit(1)


def _child(request: dict, parent: int) -> None:
    """In the forked child: grade one submission and write its outputs; never returns."""
    code = 1
    try:
        _die_with(parent)
        fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)  # the zygote's job stream is not this child's to read
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        os.close(null)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if request.get("grading") is None:  # a start-cost probe (bench/grade_class.py)
            code = 0
            return
        child.run(request["grading"])
        code = 0
    except BaseException:  # noqa: BLE001 - the parent turns this into a grader failure
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _zygote(scratch: Path | None = None) -> int:
    """Import everything once, then fork a child per request line until stdin closes.
    ``scratch``: the parent's folder for this pool, where the worker servers keep their spools
    (removed by the parent, even if this process is killed)."""
    import importlib
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # torch, ml_dtypes, mpmath: optional, for the assignments whose tests use them
    from _pytest.config import default_plugins  # what every pytest.main imports first
    for name in default_plugins:
        with contextlib.suppress(ImportError):
            importlib.import_module(f"_pytest.{name}")
    with contextlib.suppress(ImportError):  # the one plugin grading loads (course.tests.PLUGINS)
        importlib.import_module("_hypothesis_pytestplugin")
    with contextlib.suppress(Exception), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # hypothesis scans each new module once for constants:
        from hypothesis.internal.conjecture.providers import _get_local_constants
        _get_local_constants()  # here, so that children scan only the test modules (0.14 s)
    # What every grading builds the same way, built once here: the report templates, the schema
    # validator and the probe of which isolation this machine has (a child's own check then
    # finds the zygote's probe; the machine is the same one, moments earlier).
    report.warm_up()
    sandbox.choose()
    # What is loaded now lives as long as every child: keep it out of the children's garbage
    # collections (pytest collects three times per session; each walked all of torch, 0.1 s).
    gc.collect()
    gc.freeze()
    servers = preload.Servers(scratch)
    try:
        return _serve(servers)
    finally:
        servers.close()


def _worker_server(grading: dict | None, servers: preload.Servers) -> preload.Server | None:
    """The preloaded worker server this grading's workers are forked from, started when first
    needed; None where they start afresh (autograder.sandbox.preload says where that is)."""
    if not grading or os.geteuid() != 0:
        return None
    settings = GradingSettings.from_dict(grading["settings"])
    if not settings.worker_server:
        return None
    modules = _preloads(settings.course_dir, grading["assignment"], settings.isolation)
    return None if modules is None else servers.get(modules)


@functools.lru_cache(maxsize=None)
def _preloads(course_dir: Path, assignment: str, level: str | None) -> tuple[str, ...] | None:
    """What a worker server for this assignment imports; None where its workers start afresh.
    Decided once per assignment in the zygote's life (one batch: the course as it stood), not
    per request (each would read the assignment's settings and parse its reference again)."""
    try:
        a = load(course_dir, assignment)
        isolation = sandbox.choose(level)
    except Exception:  # noqa: BLE001 - the child grades it, and says what is wrong
        return None
    if a.is_quiz or isolation.level != "bwrap" or not sandbox.drops_uid(isolation):
        return None
    # A GPU assignment where a GPU may be: start afresh. Asked of /dev, not of CUDA, which the
    # zygote must not initialise before it forks the children that use it.
    if a.gpu and sandbox.nvidia_devices():
        return None
    return tuple(m for m in preload.HEAVY if m in a.reference_imports())


def _serve(servers: preload.Servers) -> int:
    out = sys.stdout
    running: dict[int, tuple[int, float]] = {}  # pid -> (job id, deadline)
    stdin = sys.stdin.fileno()
    buffer = b""
    open_ = True

    def reply(message: dict) -> None:
        with contextlib.suppress(OSError):  # a parent that is gone reads no more replies
            out.write(json.dumps(message) + "\n")
            out.flush()

    while open_ or running:
        if open_:
            ready, _, _ = select.select([stdin], [], [], 0.02)
            if ready:
                chunk = os.read(stdin, 65536)
                if not chunk:  # the parent is done, or died: nobody will read these grades
                    open_ = False
                    for pid in running:
                        os.kill(pid, signal.SIGKILL)
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    request = json.loads(line)
                    zygote = os.getpid()
                    preload.use(_worker_server(request.get("grading"), servers))
                    pid = os.fork()
                    if pid == 0:
                        _child(request, zygote)
                    running[pid] = (request["id"], time.monotonic() + float(request["timeout"]))
        else:
            time.sleep(0.02)
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            job, deadline = running.pop(pid, (None, 0))
            if job is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            reply({"id": job, "status": "ok" if code == 0 else ("timeout" if deadline == -1 else "failed"),
                   "code": code})
        now = time.monotonic()
        for pid, (job, deadline) in list(running.items()):
            if deadline != -1 and now > deadline:
                os.kill(pid, signal.SIGKILL)  # not yet reaped, so the pid is still this child
                running[pid] = (job, -1)
    return 0


if __name__ == "__main__":
    sys.exit(_zygote(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
