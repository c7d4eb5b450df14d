"""The grader's handle on one sandboxed worker process.

:class:`Worker` starts the process (at the isolation level it is given, or has a preloaded
worker server fork it: :mod:`autograder.sandbox.preload`) when the grading session begins, or at
the first call that needs it, enforces the per-call wall-clock timeout,
reads only data back, and after a crash, a timeout or garbage kills it and starts a fresh one
for the next call. Each way a request can fail is an exception from :mod:`autograder.testing`
(the test fails at once with its message); every flag it observes is recorded in
:attr:`Worker.events`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from autograder.errors import SandboxError
from autograder.sandbox import isolation as sandbox
from autograder.sandbox import preload, protocol
from autograder.settings import Limits
from autograder.testing import BadAnswer, ImportFailed, WorkerCrashed, WorkerTimeout

OUTPUT_KEEP = 64 * 1024
EVENTS_KEEP = 64 * 1024  # bytes read from the events pipe per worker: a flood is not our problem
WORKER_EVENTS = {"network attempt", "process spawn", "tampering"}  # what the worker may report


MAX_RESTARTS = 25


def timed_out(what, seconds: float) -> WorkerTimeout:
    return WorkerTimeout(f"{what} did not return within {seconds:g} s (an endless loop, or far "
                         "too slow); the call was stopped")


def describe_frames(info: dict, filename: str) -> str:
    lines = [f"  {filename}, line {f['line']}, in {f['function']}: {f['code']}"
             for f in info.get("frames", [])]
    return "\n".join(lines)


class Worker:
    """One sandboxed worker process for one submission, restarted after failures."""

    def __init__(self, submission_file: Path, module_name: str, limits: Limits,
                 isolation: sandbox.Isolation, runtime_forbidden: list[str] = (),
                 guard_tensors: bool = False, gpu: bool = False, forbidden_modules: list[str] = (),
                 helpers: dict[str, bytes] | None = None, setup: str | None = None,
                 count_torch_ops: bool = False, trace_triton: bool = False,
                 strided_tensors: bool = False):
        self.submission_file = Path(submission_file)
        self.helpers = dict(helpers or {})  # file name -> source: modules beside the student's
        self.module_name = module_name
        self.limits = limits
        self.isolation = isolation
        self.gpu = gpu
        self.strided_tensors = strided_tensors  # tensor arguments keep their strides
        self.config = {"rlimits": limits.rlimits(), "runtime_forbidden": list(runtime_forbidden),
                       "call_timeout_s": limits.call_timeout_s,  # each call of a batch
                       "forbidden_modules": list(forbidden_modules),
                       "guard_tensors": guard_tensors, "tensor_device": "cuda" if gpu else None,
                       "setup": setup,  # course code the worker runs before the student's
                       "count_torch_ops": count_torch_ops,
                       # Triton under the interpreter: what the kernels did, per call
                       "trace_triton": trace_triton and not gpu}
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
        self.cpu_used = 0.0  # the CPU seconds of the worker that ended last
        self.greeted = False  # the current worker's greeting and import answer were read
        self.forked = False  # a worker was forked from a preloaded worker server (preload)
        self.holding = False  # started by hold(): waiting for its submission

    def flag(self, name: str) -> None:
        """Record a flag (a key of sandbox.FLAGS) once."""
        if name not in self.events:
            self.events.append(name)

    # ------------------------------------------------------------------ lifecycle
    def spawn(self) -> None:
        """Start the worker process now without waiting for it, so that it imports the
        submission (and torch, a second of a short grading) while the grader collects its
        tests; the first call then finds it ready. Does nothing once a worker was started.
        A held worker (:meth:`hold`) gets its submission now."""
        if self.holding:
            self._release()
        elif self.proc is None and self.import_error is None and self.starts == 0:
            self._launch()

    def hold(self, modules: list[str]) -> None:
        """Start the worker before its submission is known (``ulp check --watch``): it imports
        ``modules`` (torch, triton: over a second) and waits, in the same sandbox as any worker;
        :meth:`give` then names the submission and :meth:`spawn` hands it over."""
        self._launch(hold=list(modules))
        self.holding = True

    def give(self, submission_file: Path, helpers: dict[str, bytes] | None = None) -> None:
        """The submission a held worker is to import."""
        self.submission_file = Path(submission_file)
        self.helpers = dict(helpers or {})

    def _release(self) -> None:
        """Put the submission where the held worker can read it and tell it to go on; start a
        fresh worker instead if the held one has ended."""
        self.holding = False
        if self.proc.poll() is None:
            try:
                self._copy_submission(self.workdir / "submission")
                protocol.write_message(self.proc.stdin.fileno(), ("go",))
                return
            except OSError:
                pass
        self._kill(None)  # no student code ran in it: nothing to report
        self.starts = 0
        self._launch()

    def _start(self) -> None:
        self._launch()
        self._handshake()

    def _launch(self, hold: list[str] | None = None) -> None:
        if self.starts >= MAX_RESTARTS:
            raise WorkerCrashed(f"the worker was restarted {MAX_RESTARTS} times for this "
                                "submission; no more calls are made")
        self.starts += 1
        server = preload.current() if self._may_fork() and hold is None else None
        if server is not None and server.closed:  # this grading's workers start afresh
            preload.use(None)
            server = None
        self.workdir = Path(tempfile.mkdtemp(prefix="ulp-worker-", dir=server and server.spool))
        copy = self.workdir / "submission"
        copy.mkdir()
        if sandbox.drops_uid(self.isolation):
            os.chmod(self.workdir, 0o711)  # the worker may pass through, not list
            os.chown(copy, *sandbox.worker_uid())
        if hold is None:
            self._copy_submission(copy)
        self.output_file = tempfile.TemporaryFile(dir=self.workdir)
        events_r, events_w = os.pipe()
        self.events_fd = events_r
        os.set_blocking(events_r, False)
        config = dict(self.config, events_fd=events_w, **({} if hold is None else {"hold": hold}))
        argv, env, config = sandbox.worker_command(self.isolation, copy, self.module_name, config,
                                                   gpu=self.gpu)
        self.cpu_before = _children_cpu()
        self.greeted = False
        if server is not None:
            try:
                self.proc = server.launch(self.workdir, config, self.output_file.fileno(), events_w)
            except preload.Unavailable:
                preload.use(None)  # the server stopped: this grading's workers start afresh
            else:
                os.close(events_w)
                self.forked = True
                return
        try:
            self.proc = subprocess.Popen(
                argv + [json.dumps(config)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self.output_file, env=env, cwd=copy, start_new_session=True,
                pass_fds=[events_w])
        finally:
            os.close(events_w)

    def _copy_submission(self, copy: Path) -> None:
        """The submission and its helpers, into the folder the worker sees as /submission."""
        module = copy / f"{self.module_name}.py"
        shutil.copy2(self.submission_file, module)
        for name, data in self.helpers.items():  # read-only beside the module, importable
            (copy / name).write_bytes(data)
            os.chmod(copy / name, 0o444)
        if sandbox.drops_uid(self.isolation):
            os.chown(module, *sandbox.worker_uid())

    def _may_fork(self) -> bool:
        """Whether this worker may be forked from a preloaded worker server: only where it
        would otherwise drop to a uid of its own inside bubblewrap, on the CPU."""
        return (self.isolation.level == "bwrap" and sandbox.drops_uid(self.isolation)
                and not self.gpu)

    def _handshake(self) -> None:
        """Wait for the worker's greeting and its answer to importing the submission."""
        self.greeted = True
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
        if isinstance(hello, tuple) and len(hello) == 2 and hello[0] == "setup_error":
            self._kill(None)
            raise SandboxError(f"the assignment's worker setup ([worker] setup) failed before any "
                               f"student code ran: fix it and `ulp validate`:\n{hello[1]}")
        if hello != ("hello",):
            self._kill(None)
            raise SandboxError(
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
        forked = isinstance(proc, preload.ServedProcess)
        code = None
        if proc is not None:
            try:
                if forked:
                    proc.kill()  # its processes by uid: they are not in our process group
                else:
                    os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.cpu_used = proc.cpu if forked else _children_cpu() - self.cpu_before
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if sandbox.drops_uid(self.isolation) and not forked:
            sandbox.kill_worker_uid()  # what left the group (setsid) has its uid; a forked
            # worker's were killed above, and its PID namespace ended with its reaper
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
        cpu = self.cpu_used
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
        if self.holding:
            self.spawn()
        if self.proc is None and self.import_error is None:
            self._start()
        elif self.proc is not None and not self.greeted:  # spawned ahead of the first call
            self._handshake()
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
            protocol.write_message(self.proc.stdin.fileno(), message, strides=self.strided_tensors)
            reply = protocol.read_message(self.proc.stdout.fileno(), timeout=timeout,
                                          max_bytes=self._max_bytes())
        except protocol.ChannelTimeout:
            self._kill("timeout")
            raise timed_out(what, timeout) from None
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
