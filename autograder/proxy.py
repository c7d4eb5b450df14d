"""The grader's handle on the worker: ``sub.encode_fp32(x)`` becomes a message and an answer.

:class:`Worker` owns one sandboxed process: it starts it on demand, enforces the per-call
wall-clock timeout, reads only data back, and after a crash, a timeout or garbage kills it and
starts a fresh one for the next call. :class:`StudentModule` is the ``sub`` fixture: attribute
access returns callables that turn each outcome into a value or an exception from
:mod:`autograder.testing`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from autograder import protocol, sandbox
from autograder.forbidden import Report as ForbiddenReport
from autograder.testing import (BadAnswer, ForbiddenUse, ImportFailed, MissingName,
                                NotImplementedByStudent, WorkerCrashed, WorkerTimeout,
                                student_exception)

OUTPUT_KEEP = 64 * 1024
EVENTS_KEEP = 64 * 1024  # bytes read from the events pipe per worker: a flood is not our problem
WORKER_EVENTS = {"network attempt", "process spawn", "tampering"}  # what the worker may report


class WorkerStartError(RuntimeError):
    """The worker itself could not start: a fault of the grading machine, never a grade."""
MAX_RESTARTS = 25


def _short_repr(value, limit: int = 300) -> str:
    try:
        import numpy as np
        if isinstance(value, np.ndarray):
            text = f"array(shape={value.shape}, dtype={value.dtype}, {np.array2string(value, threshold=8)})"
        elif type(value).__module__.startswith("torch"):
            text = f"tensor(shape={tuple(value.shape)}, dtype={value.dtype})"
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + "…"


def format_call(name: str, args, kwargs) -> str:
    parts = [_short_repr(a) for a in args] + [f"{k}={_short_repr(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


class _CallText:
    """``format_call`` written out only when a message needs it: printing arrays costs more
    than the call itself, and almost every call succeeds."""

    def __init__(self, name: str, args, kwargs):
        self._parts, self._text = (name, args, kwargs), None

    def __str__(self) -> str:
        if self._text is None:
            self._text = format_call(*self._parts)
        return self._text


def describe_frames(info: dict, filename: str) -> str:
    lines = [f"  {filename}, line {f['line']}, in {f['function']}: {f['code']}"
             for f in info.get("frames", [])]
    return "\n".join(lines)


class Worker:
    """One sandboxed worker process for one submission, restarted after failures."""

    def __init__(self, submission_file: Path, module_name: str, limits: sandbox.Limits,
                 isolation: sandbox.Isolation, runtime_forbidden: list[str] = (),
                 guard_tensors: bool = False, gpu: bool = False, forbidden_modules: list[str] = ()):
        self.submission_file = Path(submission_file)
        self.module_name = module_name
        self.limits = limits
        self.isolation = isolation
        self.gpu = gpu
        self.config = {"rlimits": limits.rlimits(), "runtime_forbidden": list(runtime_forbidden),
                       "forbidden_modules": list(forbidden_modules),
                       "guard_tensors": guard_tensors, "tensor_device": "cuda" if gpu else None}
        self.proc: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.output_file = None
        self.functions: list[str] = []
        self.import_error: dict | None = None
        self.starts = 0
        self.events: list[str] = []  # flags (sandbox.FLAGS) an instructor should see
        self.output = bytearray()
        self.events_fd: int | None = None  # read end of the worker's audit-event pipe
        self.events_read = 0
        self.cpu_before = 0.0  # children's CPU seconds when the current worker started

    def flag(self, name: str) -> None:
        """Record a flag (a key of sandbox.FLAGS) once."""
        if name not in self.events:
            self.events.append(name)

    # ------------------------------------------------------------------ lifecycle
    def _start(self) -> None:
        if self.starts >= MAX_RESTARTS:
            raise WorkerCrashed(f"the worker was restarted {MAX_RESTARTS} times for this "
                                "submission; no more calls are made")
        self.starts += 1
        self.workdir = Path(tempfile.mkdtemp(prefix="ulp-worker-"))
        copy = self.workdir / "submission"
        copy.mkdir()
        shutil.copy2(self.submission_file, copy / f"{self.module_name}.py")
        if sandbox.drops_uid(self.isolation):
            os.chmod(self.workdir, 0o711)  # the worker may pass through, not list
            for p in (copy, copy / f"{self.module_name}.py"):
                os.chown(p, *sandbox.worker_uid())
        self.output_file = tempfile.TemporaryFile(dir=self.workdir)
        events_r, events_w = os.pipe()
        self.events_fd = events_r
        os.set_blocking(events_r, False)
        argv, env, config = sandbox.worker_command(self.isolation, copy, self.module_name,
                                                   dict(self.config, events_fd=events_w), gpu=self.gpu)
        self.cpu_before = _children_cpu()
        try:
            self.proc = subprocess.Popen(
                argv + [json.dumps(config)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self.output_file, env=env, cwd=copy, start_new_session=True,
                pass_fds=[events_w])
        finally:
            os.close(events_w)
        self._expect_hello()
        try:
            message = protocol.read_message(self.proc.stdout.fileno(),
                                            timeout=self.limits.import_timeout_s,
                                            max_bytes=self._max_bytes())
        except protocol.ChannelTimeout:
            self._kill("timeout")
            self.import_error = {"type": "Timeout", "bases": [], "frames": [],
                                 "message": f"importing the module took longer than "
                                            f"{self.limits.import_timeout_s:g} s"}
            return
        except protocol.ProtocolError as e:
            if not isinstance(e, protocol.ChannelClosed):  # bytes, but not a greeting
                self._kill("garbage answer")
                self.import_error = {"type": "Garbage", "bases": [], "frames": [],
                                     "message": f"the worker sent something that is not a greeting ({e})"}
                return
            code = self._kill_after_exit(e)
            self.import_error = {"type": "Exit", "bases": [], "frames": [],
                                 "message": f"the module ended the process while being imported "
                                            f"({_exit_words(code)}; {e})"}
            return
        if isinstance(message, tuple) and message and message[0] == "ready":
            self._drain_events(alive=True)
            self.functions = list(message[1].get("functions", []))
        elif isinstance(message, tuple) and message and message[0] == "import_error":
            self.import_error = message[1]
            bases = message[1].get("bases", []) if isinstance(message[1], dict) else []
            if "MemoryError" in bases:
                self.flag("memory limit")
            elif bases and "Exception" not in bases:  # SystemExit, KeyboardInterrupt
                self.flag("exited early")
            self._kill(None)
        else:
            self._kill("garbage answer")
            self.import_error = {"type": "Garbage", "bases": [], "frames": [],
                                 "message": "the worker sent something that is not a greeting"}

    def _expect_hello(self) -> None:
        """The worker greets before it imports student code; no greeting means the grading
        machine, not the student, is at fault: stop this grade loudly instead of scoring zero."""
        try:
            hello = protocol.read_message(self.proc.stdout.fileno(), timeout=120, max_bytes=1024)
        except protocol.ProtocolError as e:
            hello = e
        if hello != ("hello",):
            self._kill(None)
            raise WorkerStartError(
                f"the sandboxed worker could not start ({hello}); its output: "
                f"{bytes(self.output[-2000:]).decode('utf-8', 'replace')}. Check the isolation "
                f"level ({self.isolation.level}) on this machine: `ulp check` on the reference.")

    def _max_bytes(self) -> int:
        return self.limits.max_message_mb * 2**20

    def _kill(self, event: str | None) -> int | None:
        """End the worker, everything it started, and its files; returns its exit status."""
        if event:
            self.flag(event)
        proc, self.proc = self.proc, None
        code = None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if sandbox.drops_uid(self.isolation):  # what left the group (setsid) has its uid
            sandbox.kill_worker_uid()
        self._drain_events(alive=False)
        self._check_file_sizes()
        self._collect_output()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        return code

    def _kill_after_exit(self, error: Exception) -> int | None:
        """The channel closed or broke: let the worker finish exiting, then say why it ended."""
        if self.proc is not None and isinstance(error, (protocol.ChannelClosed, OSError)):
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        code = self._kill(None)
        self.flag(self._why_it_ended(code))
        return code

    def _why_it_ended(self, code: int | None) -> str:
        """The flag for a worker that ended by itself: an exit, a limit's signal, or a crash."""
        sig = _signal_of(code, self.isolation.level)
        cpu = _children_cpu() - self.cpu_before
        if code is None:
            return "crash"
        if sig is None:
            return "exited early"
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= self.limits.cpu_s - 1):
            return "cpu limit"
        if sig == signal.SIGXFSZ:
            return "file size limit"
        return "crash"

    def _drain_events(self, alive: bool) -> None:
        """Read the worker's audit events (known flag names only). The pipe closing while the
        worker still runs means the student closed or replaced it: that is tampering."""
        fd = self.events_fd
        if fd is None:
            return
        data = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                if alive:
                    self.flag("tampering")
                os.close(fd)
                self.events_fd = None
                break
            if self.events_read < EVENTS_KEEP:
                data += chunk[:EVENTS_KEEP - self.events_read]
                self.events_read += len(chunk)
        for line in data.decode("ascii", "replace").splitlines():
            if line in WORKER_EVENTS:
                self.flag(line)
        if not alive and self.events_fd is not None:
            os.close(self.events_fd)
            self.events_fd = None

    def _check_file_sizes(self) -> None:
        """A file (or the captured output) at the file-size limit: the student hit RLIMIT_FSIZE."""
        limit = self.limits.file_size_mb * 2**20
        sizes = []
        if self.output_file is not None:
            try:
                sizes.append(os.fstat(self.output_file.fileno()).st_size)
            except (OSError, ValueError):
                pass
        if self.workdir is not None:
            for root, _, files in os.walk(self.workdir / "submission"):
                for name in files:
                    try:
                        sizes.append(os.lstat(os.path.join(root, name)).st_size)
                    except OSError:
                        pass
        if any(size >= limit for size in sizes):
            self.flag("file size limit")

    def _collect_output(self) -> None:
        if self.output_file is None:
            return
        try:
            self.output_file.seek(0)
            room = OUTPUT_KEEP - len(self.output)
            data = self.output_file.read(room + 1) if room > 0 else b""
            self.output += data[:max(room, 0)]
            if len(data) > room:
                self.flag("output truncated")
            self.output_file.close()
        except (OSError, ValueError):
            pass
        self.output_file = None

    def close(self) -> None:
        """End the worker once grading is done. It is killed, not asked to exit: every answer is
        in and its output was flushed after each call, and a worker that imported torch took
        half a second to exit by itself."""
        self._kill(None)

    # ------------------------------------------------------------------ calls
    def ensure_started(self) -> None:
        if self.proc is None and self.import_error is None:
            self._start()
        if self.import_error is not None:
            raise ImportFailed(self.describe_import_error())

    def describe_import_error(self) -> str:
        e = self.import_error
        where = describe_frames(e, self.submission_file.name)
        text = (f"{self.submission_file.name} could not be imported: {e['type']}: {e['message']}"
                + (f"\n{where}" if where else ""))
        return text + "\nFix the module so that `import " + self.module_name + "` works, then " \
                      "run the public tests locally with `ulp check`."

    def request(self, message: tuple, timeout: float, what):
        """Send one request and return the reply; failures raise a GradingAbort and restart."""
        self.ensure_started()
        try:
            protocol.write_message(self.proc.stdin.fileno(), message)
            reply = protocol.read_message(self.proc.stdout.fileno(), timeout=timeout,
                                          max_bytes=self._max_bytes())
        except protocol.ChannelTimeout:
            self._kill("timeout")
            raise WorkerTimeout(f"{what} did not return within {timeout:g} s (an endless loop, "
                                "or far too slow); the call was stopped") from None
        except protocol.MessageTooLarge as e:
            self._kill("message too large")
            raise BadAnswer(f"{what} sent back an answer larger than the limit of "
                            f"{self.limits.max_message_mb} MiB ({e})") from None
        except (BrokenPipeError, protocol.ChannelClosed) as e:
            code = self._kill_after_exit(e)
            raise WorkerCrashed(f"the process running your code ended during {what} "
                                f"({_exit_words(code)}). A function must return its answer; "
                                "it must not exit, and must stay within the limits "
                                f"({self.limits.memory_mb} MiB of memory, "
                                f"{self.limits.cpu_s} CPU seconds).") from None
        except protocol.ProtocolError as e:
            self._kill("garbage answer")
            raise BadAnswer(f"{what} sent back something that is not a valid answer ({e})") from None
        if not isinstance(reply, tuple) or not reply or not isinstance(reply[0], str):
            self._kill("garbage answer")
            raise BadAnswer(f"{what} sent back something that is not a valid answer")
        self._drain_events(alive=True)
        return reply


def _children_cpu() -> float:
    """CPU seconds of this process's reaped children (a worker's, once it is waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _signal_of(code: int | None, level: str) -> int | None:
    """The signal that ended a worker: Popen's negative status, or bubblewrap's and unshare's
    128 + signal."""
    if code is None:
        return None
    if code < 0:
        return -code
    if code > 128 and level in ("bwrap", "unshare"):
        return code - 128
    return None


def _exit_words(code: int | None) -> str:
    if code is None:
        return "it did not say why"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class StudentModule:
    """The ``sub`` fixture: the student's module, as seen from the grader."""

    def __init__(self, worker: Worker, functions: list[str], attributes: list[str],
                 forbidden: ForbiddenReport | None = None, forbidden_why: str = "",
                 assignment: str = ""):
        self._worker = worker
        self._functions = list(functions)
        self._attributes = list(attributes)
        self._forbidden = forbidden
        self._why = forbidden_why
        self._assignment = assignment
        self._test_started = time.monotonic()
        self._test_budget = worker.limits.test_timeout_s
        self.called: set[str] = set()
        self.last_meta: dict = {}  # what the worker measured on the last call (seconds, ...)

    def begin_test(self) -> None:
        """Called by the plugin before each test: resets the per-test time budget."""
        self._test_started = time.monotonic()
        self.called = set()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._functions:
            return lambda *args, **kwargs: self._call(name, args, kwargs)
        if name in self._attributes:
            return self._getattr(name)
        raise AttributeError(f"the grader asked for {name!r}, which is not in the assignment's "
                             "functions or attributes (assignment.toml)")

    def _filename(self) -> str:
        return self._worker.submission_file.name

    def _check_forbidden(self, name: str, runtime_hits=()) -> None:
        findings = self._forbidden.tainting(name) if self._forbidden else []
        if not findings and not runtime_hits:
            return
        uses = list(dict.fromkeys([f.describe() for f in findings]
                                  + [f"`{h}` (called at run time)" for h in runtime_hits]))
        self._worker.flag("forbidden call")
        raise ForbiddenUse(f"{name} uses what {self._assignment} forbids: {', '.join(uses)} in "
                           f"{self._filename()}. {self._why}".strip())

    def _time_left(self, what) -> float:
        left = self._test_budget - (time.monotonic() - self._test_started)
        if left <= 0:
            self._worker.flag("timeout")
            raise WorkerTimeout(f"this test's calls took more than {self._test_budget:g} s in "
                                f"all (the last was {what}); your code is far too slow")
        return left

    def _getattr(self, name: str):
        self._check_forbidden(name)  # module-level code runs for this read too
        reply = self._worker.request(("getattr", name), self._time_left(name), name)
        if reply[0] == "missing":
            raise MissingName(f"{self._filename()} defines no `{name}`: the assignment asks for it")
        if reply[0] == "unsendable":
            self._worker.flag("unsendable answer")
            raise BadAnswer(f"`{name}` is not plain data: {reply[1]}")
        return reply[1]

    def many(self, name: str, inputs) -> list:
        """``[sub.<name>(*args) for args in inputs]`` in one round trip to the worker, for tests
        that sweep thousands of inputs (every value of a small format, say), where the round trip
        costs more than the call. It raises as the first call that raises would, naming that
        call's arguments; the time limit is the per-call limit times the number of calls, within
        the test's own budget."""
        calls = [tuple(args) for args in inputs]
        return self._call(name, (), {}, many=calls) if calls else []

    def _call(self, name: str, args: tuple, kwargs: dict, many: list[tuple] | None = None):
        self.called.add(name)
        worker = self._worker
        worker.ensure_started()
        if name not in worker.functions:
            raise MissingName(f"{self._filename()} defines no function `{name}`: write it with "
                              "the signature the assignment gives")
        self._check_forbidden(name)
        if many is None:
            what = _CallText(name, args, kwargs)
            message = ("call", name, list(args), dict(kwargs))
            limit = worker.limits.call_timeout_s
        else:
            what = f"{name} (called on {len(many)} inputs in turn)"
            message = ("many", name, [list(a) for a in many])
            limit = worker.limits.call_timeout_s * len(many)
        timeout = min(limit, self._time_left(what))
        reply = worker.request(message, timeout, what)
        kind, meta = reply[0], (reply[-1] if isinstance(reply[-1], dict) else {})
        self.last_meta = meta
        self._check_forbidden(name, meta.get("forbidden", []) if isinstance(meta, dict) else [])
        if meta.get("out_of_bounds_writes"):
            raise BadAnswer(f"{what} wrote outside its tensors (into the guard zone around "
                            f"argument tensor #{meta['out_of_bounds_writes'][0] + 1}): a store "
                            "without a mask?")
        if kind == "return" and many is not None:
            answers = reply[1]
            if not isinstance(answers, list) or len(answers) != len(many):
                worker._kill("garbage answer")
                raise BadAnswer(f"{what} sent back something other than one answer per input")
            return answers
        if kind == "return":
            return reply[1]
        if kind == "raise" and many is not None:
            index = meta.get("index")
            if type(index) is not int or not 0 <= index < len(many):
                worker._kill("garbage answer")
                raise BadAnswer(f"{what} sent back an answer the grader does not understand")
            return self._raise(name, _CallText(name, many[index], {}), reply[1])
        if kind == "raise":
            return self._raise(name, what, reply[1])
        if kind == "missing":
            raise MissingName(f"{self._filename()} defines no function `{name}`")
        if kind == "unsendable":
            worker.flag("unsendable answer")
            raise BadAnswer(f"{what} returned a value that is not plain data: {reply[1]}")
        worker._kill("garbage answer")
        raise BadAnswer(f"{what} sent back an answer the grader does not understand")

    def _raise(self, name: str, what, info):
        if not isinstance(info, dict):
            raise BadAnswer(f"{what} raised an exception the grader cannot read")
        where = describe_frames(info, self._filename())
        etype = info.get("type", "?")
        if "NotImplementedError" in info.get("bases", []):
            raise NotImplementedByStudent(f"{name} is not implemented yet (it raises "
                                          "NotImplementedError): write it, then run `ulp check`")
        message = f"{what} raised {etype}: {info.get('message', '')}" + (f"\n{where}" if where else "")
        if "MemoryError" in info.get("bases", []):
            self._worker.flag("memory limit")
        if not any(b == "Exception" for b in info.get("bases", [])):
            self._worker.flag("exited early")
            raise WorkerCrashed(f"{what} raised {etype}, which stops a program: a function must "
                                f"return its answer, not exit{chr(10) + where if where else ''}")
        raise student_exception(info, message)
