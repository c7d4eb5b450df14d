"""Preloaded workers: sandboxed workers forked from a sandboxed parent that imported torch once.

Why: a worker for a torch assignment spends over a second importing torch before the student's
module loads, in every grading of a class. A *worker server* does that once per batch: it runs
inside bubblewrap exactly as a worker does (the same mounts, limits and scrubbed environment),
imports numpy, torch and triton where the assignment's reference uses them, and the worker
program, and then runs no code but its loop: for each request it forks a child that gives itself
what a fresh bubblewrap would have given it, before any student code runs:

- new mount, PID, IPC, network and UTS namespaces of its own, so that workers forked side by side
  cannot see, signal or talk to each other (abstract Unix sockets and the loopback device belong
  to the network namespace, shared memory to the IPC namespace and /dev/shm);
- a fresh /proc (of its own PID namespace), fresh empty /tmp, /dev/shm and /dev/pts (root's, as
  bubblewrap makes them), and the one student's folder bound at /submission from the spool (the
  folder where the graders put the submission copies), which is then covered by an empty tmpfs;
- a reaper as PID 1 (our code, root), and the worker as PID 2 that closes every descriptor but its
  channel, its events pipe and its capture file (so not the server's socket), sets
  ``no_new_privs``, and drops to the grading's own uid as a fresh worker does. The reaper reports
  the worker's exit status and CPU time to the grader over a pipe, and its exit ends the PID
  namespace, with whatever the student left running in it.

The server itself never runs student code, so every child starts from the same state, with
nothing of any earlier student. It is used only where a fresh worker would drop to a uid of its
own inside bubblewrap (root, ``bwrap`` level) and on the CPU (a GPU assignment too, on a machine
without a GPU, under Triton's interpreter); everything else, and a student's own ``ulp check``,
starts each worker afresh (:func:`isolation.worker_command`). The fork server of the batch
(:mod:`autograder.batch.pool`) keeps one server per set of preloaded modules and names it to
each grading child (:func:`use`); ``ULP_NO_WORKER_SERVER`` turns it off.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from autograder.sandbox import isolation as sandbox
from autograder.sandbox import worker  # the server loads it once, for every worker it forks

FDS = ("stdin", "stdout", "stderr", "events", "status")  # the order of a request's descriptors
EVENTS_FD = 3  # where the worker finds its events pipe
LAYER = ("forked from a preloaded worker server (fresh mount, PID, IPC, network and UTS "
         "namespaces)")  # what results.json's isolation record adds for such a worker

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38


#: What a worker imports ahead (a worker server, a held worker), beyond the worker's own numpy,
#: where the assignment uses it: a torch worker otherwise spends a second of each grading on it.
HEAVY = ("torch", "triton")


class Unavailable(Exception):
    """The server cannot take the request (it stopped): start the worker afresh instead."""


# --------------------------------------------------------------------------- the grader's side

_current: Server | None = None


def use(server: Server | None) -> None:
    """Make ``server`` the one this process's workers are forked from (None: start afresh)."""
    global _current
    _current = server


def current() -> Server | None:
    return _current


class ServedProcess:
    """What :class:`autograder.sandbox.process.Worker` uses of a Popen, for a forked worker."""

    def __init__(self, stdin: int, stdout: int, status: int):
        self.stdin = open(stdin, "wb", buffering=0)
        self.stdout = open(stdout, "rb", buffering=0)
        self._status = status
        self.returncode: int | None = None
        self.cpu = 0.0  # the worker's CPU seconds, as its reaper measured them

    def kill(self) -> None:
        """SIGKILL every process of the worker's uid; the reaper then reports and exits."""
        sandbox.kill_worker_uid()

    def wait(self, timeout: float) -> int | None:
        """The worker's exit status (Popen's convention), once its reaper reported it; None
        where the reaper ended without a report."""
        if self._status is None:
            return self.returncode
        data = b""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._status], [], [], left)[0]:
                raise subprocess.TimeoutExpired("worker", timeout)
            chunk = os.read(self._status, 256)
            if not chunk:
                break
            data += chunk
        os.close(self._status)
        self._status = None
        try:
            report = json.loads(data)
            self.returncode, self.cpu = int(report["code"]), float(report["cpu"])
        except (ValueError, KeyError, TypeError):
            self.returncode = None
        return self.returncode


class Server:
    """The grader's handle on one worker server (started by the batch's fork server)."""

    def __init__(self, modules: tuple[str, ...], under: Path | None = None):
        self.modules = modules
        # The submission copies: root's, 0711 (a worker may pass through to its own, not list).
        self.spool = Path(tempfile.mkdtemp(prefix="ulp-spool-", dir=under))
        os.chmod(self.spool, 0o711)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv, env = sandbox.server_command(self.spool)
        config = {"socket": theirs.fileno(), "modules": list(modules)}
        try:
            self.proc = subprocess.Popen(argv + [json.dumps(config)], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         env=env, pass_fds=[theirs.fileno()], start_new_session=True)
        finally:
            theirs.close()
        self.socket = ours
        self.closed = False

    def works(self, timeout: float = 60) -> bool:
        """Fork one worker that stops just before the worker program (``probe``): whether this
        kernel let the server make its namespaces and mounts. Where it did not, the batch starts
        its workers afresh instead of failing every grading."""
        folder = Path(tempfile.mkdtemp(prefix="probe-", dir=self.spool))
        (folder / "submission").mkdir()
        events_r, events_w = os.pipe()
        try:
            with open(os.devnull, "wb") as null:
                proc = self.launch(folder, {"probe": True}, null.fileno(), events_w)
            try:
                return proc.wait(timeout) == 0
            except subprocess.TimeoutExpired:
                return False
            finally:
                proc.stdin.close()
                proc.stdout.close()
        except Unavailable:
            return False
        finally:
            os.close(events_r)
            os.close(events_w)
            shutil.rmtree(folder, ignore_errors=True)

    def alive(self) -> bool:
        if self.closed:
            return False
        try:
            return self.proc.poll() is None
        except ChildProcessError:  # reaped by the fork server's own wait for its children
            return False

    def launch(self, folder: Path, config: dict, stderr: int, events: int) -> ServedProcess:
        """Have the server fork a worker for ``folder`` (a folder of the spool, holding the
        submission copy) with ``config``; ``stderr`` (the capture file) and ``events`` (the
        pipe's write end) are the worker's."""
        if folder.parent != self.spool:
            raise ValueError(f"{folder} is not in the server's spool {self.spool}")
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        status_r, status_w = os.pipe()
        request = {"folder": folder.name, "worker": config}
        try:
            socket.send_fds(self.socket, [json.dumps(request).encode()],
                            [stdin_r, stdout_w, stderr, events, status_w])
        except OSError as e:
            for fd in (stdin_w, stdout_r, status_r):
                os.close(fd)
            raise Unavailable(str(e)) from None
        finally:
            for fd in (stdin_r, stdout_w, status_w):
                os.close(fd)
        return ServedProcess(stdin_w, stdout_r, status_r)

    def close(self, keep_spool: bool = False) -> None:
        self.closed = True
        self.socket.close()  # the server's loop ends when every copy of this end is closed
        try:
            self.proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ChildProcessError):
            self.proc.kill()
        if not keep_spool:
            shutil.rmtree(self.spool, ignore_errors=True)


class Servers:
    """The fork server's servers, one per set of preloaded modules, started when first needed."""

    def __init__(self, under: Path | None = None):
        self._under = under  # where the spools go (the system's temporary folder: None)
        self._servers: dict[tuple[str, ...], Server] = {}
        self._stopped: list[Server] = []  # whose spools graders in flight may still use
        self._broken: set[tuple[str, ...]] = set()  # could not fork a worker here: never again

    def get(self, modules: tuple[str, ...]) -> Server | None:
        """The running server for ``modules``; None where one cannot work on this machine."""
        if modules in self._broken:
            return None
        server = self._servers.get(modules)
        if server is None or not server.alive():
            if server is not None:  # it stopped; its spool goes with the others, at the end
                server.close(keep_spool=True)
                self._stopped.append(server)
            server = self._servers[modules] = Server(modules, self._under)
            if not server.works():  # no grader has used it: nothing of it needs to stay
                self._broken.add(modules)
                self._servers.pop(modules).close()
                return None
        return server

    def close(self) -> None:
        for server in [*self._servers.values(), *self._stopped]:
            server.close()
        self._servers.clear()
        self._stopped.clear()


# --------------------------------------------------------------------------- inside the sandbox

_libc = ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _call(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                      ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


def _prctl(option: int, value: int) -> None:
    _call(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def serve(sock_fd: int, modules: list[str]) -> None:
    """The server's loop: import once, then fork a worker per request until the socket closes."""
    for name in modules:
        importlib.import_module(name)
    _prctl(PR_SET_DUMPABLE, 0)  # not to be read or traced by anything of a lesser uid
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the intermediate children reap themselves
    gc.collect()
    gc.freeze()
    sock = socket.socket(fileno=sock_fd)
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 20, len(FDS))
        except InterruptedError:
            continue
        if not data:  # every grader holding the other end is gone
            return
        if len(fds) != len(FDS):
            for fd in fds:
                os.close(fd)
            continue
        if os.fork() == 0:
            _start(json.loads(data), dict(zip(FDS, fds)), sock_fd)
        for fd in fds:
            os.close(fd)


def _start(request: dict, fds: dict, sock_fd: int) -> None:
    """In the server's child: fresh namespaces, then the reaper as their PID 1; never returns."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.close(sock_fd)
        os.dup2(fds["stderr"], 2)  # what goes wrong from here is in the worker's captured output
        _call(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS),
              "unshare")
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        if os.fork() != 0:
            os._exit(0)  # the reaper, the first process of the new PID namespace, goes on
        _reap(request, fds)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    os._exit(70)


def _reap(request: dict, fds: dict) -> None:
    """PID 1 of the worker's namespaces: mount its private folders, start the worker, wait for
    it, report its status, and exit (which ends every process left in the namespace)."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")  # as bubblewrap's
    _mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620")
    name = request["folder"]
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"not a folder of the spool: {name!r}")
    _mount(f"{sandbox.SANDBOX_SPOOL}/{name}/submission", sandbox.SANDBOX_SUBMISSION, None,
           MS_BIND | MS_NOSUID | MS_NODEV)
    _mount("tmpfs", sandbox.SANDBOX_SPOOL, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")  # the others'
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    pid = os.fork()
    if pid == 0:
        _work(request["worker"], fds)
    for name in ("stdin", "stdout", "events", "stderr"):
        os.close(fds[name])
    status = fds["status"]
    poller = select.poll()
    poller.register(status, select.POLLERR)  # the grader closed its end: it is gone
    poller.register(wake_r, select.POLLIN)
    while True:
        while True:
            try:
                done, code, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                done = 0
            if done == 0:
                break
            if done == pid:
                report = {"code": os.waitstatus_to_exitcode(code),
                          "cpu": usage.ru_utime + usage.ru_stime}
                try:
                    os.write(status, json.dumps(report).encode())
                except OSError:
                    pass
                os._exit(0)
        if any(fd == status for fd, _ in poller.poll()):
            os._exit(0)
        try:
            os.read(wake_r, 4096)
        except BlockingIOError:
            pass


def _work(config: dict, fds: dict) -> None:
    """PID 2: the worker. Only its channel, events pipe and capture file stay open."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.dup2(fds["stdin"], 0)
        os.dup2(fds["stdout"], 1)
        os.dup2(fds["events"], EVENTS_FD)
        os.closerange(EVENTS_FD + 1, os.sysconf("SC_OPEN_MAX"))
        os.chdir(sandbox.SANDBOX_SUBMISSION)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        if config.get("probe"):  # Server.works: everything but the worker program
            os._exit(0)
        worker.main(dict(config, events_fd=EVENTS_FD))
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        os._exit(70)
    os._exit(0)


if __name__ == "__main__":
    settings = json.loads(sys.argv[1])
    serve(settings["socket"], settings["modules"])
