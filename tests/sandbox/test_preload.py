"""Workers forked from a preloaded worker server get what a fresh bubblewrap gives a worker.

Two workers are forked from one server, each as another student (a uid of its own), and both
stay alive while the second looks around: it must find only itself (PID namespace), no
descriptor of the server, no capabilities, no way to reach the first (abstract Unix socket,
SysV shared memory, its folder), and its own submission alone. The batch-level attacks run
through the server too (tests/sandbox/test_attacks.py grades through the fork server).
"""

import pytest

from autograder.sandbox import isolation as sandbox
from autograder.sandbox import preload
from autograder.sandbox.process import Worker
from autograder.session.student import StudentModule
from autograder.settings import Limits
from autograder.testing import WorkerCrashed
from helpers import needs

PROBE = '''
import ctypes, os, socket

_kept = []
libc = ctypes.CDLL(None, use_errno=True)


def plant(tag):
    """Leave traces another student's worker could find: a listening abstract socket, a SysV
    shared-memory segment, a file in its own folder."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\\0ulp-probe-" + tag)
    s.listen()
    _kept.append(s)
    shm = libc.shmget(0x5eed, 4096, 0o1666)  # IPC_CREAT, readable by everyone
    with open(f"/submission/{tag}.txt", "w") as f:
        f.write(tag)
    return shm


def look(other):
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the listing's own descriptor, closed by now
            pass
    try:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect("\\0ulp-probe-" + other)
        reached = True
    except OSError:
        reached = False
    return {"uid": os.getuid(), "caps": status["CapEff"].strip(),
            "no_new_privs": status["NoNewPrivs"].strip(),
            "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
            "pid": os.getpid(), "reached": reached, "shm": libc.shmget(0x5eed, 0, 0),
            "submission": sorted(set(os.listdir("/submission")) - {"__pycache__"}),
            "spool": sorted(os.listdir("/spool")) if os.path.exists("/spool") else None,
            "shared": sorted(os.listdir("/dev/shm")),
            "sockets": sorted(str(fd) for fd, what in fds.items() if what.startswith("socket:")),
            "fds": sorted(fds.values())}


def leave(code):
    os._exit(code)
'''


@pytest.fixture
def server():
    iso = sandbox.choose()
    if iso.level != "bwrap" or not sandbox.drops_uid(iso):
        needs("the worker server", "worker servers are used only as root with bubblewrap")
    server = preload.Server(())
    preload.use(server)
    yield server, iso
    preload.use(None)
    server.close()


def _student(tmp_path, name, iso, uid, monkeypatch):
    """A worker for a student of its own, started under ``uid`` (each grader has its own)."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "probe.py").write_text(PROBE)
    monkeypatch.setattr(sandbox, "worker_uid", lambda: (uid, uid))
    worker = Worker(folder / "probe.py", "probe", Limits(call_timeout_s=10), iso)
    sub = StudentModule(worker, ["plant", "look", "leave"], [])
    worker.ensure_started()
    return worker, sub


def test_a_forked_worker_is_alone_unprivileged_and_holds_nothing_of_the_server(server, tmp_path,
                                                                                 monkeypatch):
    _, iso = server
    first_uid, second_uid = sandbox.UID_BASE + 4_100_001, sandbox.UID_BASE + 4_100_002
    first, a = _student(tmp_path, "first", iso, first_uid, monkeypatch)
    try:
        assert isinstance(first.proc, preload.ServedProcess), "not forked from the server"
        assert a.plant("first") >= 0  # the traces are there to be found
        second, b = _student(tmp_path, "second", iso, second_uid, monkeypatch)
        try:
            assert isinstance(second.proc, preload.ServedProcess)
            seen = b.look("first")
            assert seen["uid"] == second_uid
            assert seen["caps"] == "0000000000000000" and seen["no_new_privs"] == "1"
            assert seen["pid"] == 2 and seen["pids"] == [1, 2], "another worker is visible"
            assert not seen["reached"], "reached the other worker's abstract socket"
            assert seen["shm"] == -1, "found the other worker's shared memory"
            assert seen["submission"] == ["probe.py"] and seen["spool"] == [] \
                and seen["shared"] == []
            assert seen["sockets"] == [], "a socket (the server's?) is open in the worker"
            kinds = sorted("pipe" if fd.startswith("pipe:") else "null" if fd == "/dev/null"
                           else "capture" for fd in seen["fds"])
            # stdin and sys.stdin, the capture file as stdout and stderr, the events pipe and
            # the channel's two pipes: nothing else
            assert kinds == ["capture"] * 2 + ["null"] * 2 + ["pipe"] * 3, seen["fds"]
        finally:
            monkeypatch.setattr(sandbox, "worker_uid", lambda: (second_uid, second_uid))
            second.close()
    finally:
        monkeypatch.setattr(sandbox, "worker_uid", lambda: (first_uid, first_uid))
        first.close()


def test_the_reaper_reports_how_the_worker_ended_and_the_server_forks_the_next(server, tmp_path,
                                                                              monkeypatch):
    srv, iso = server
    assert srv.works()  # the probe the fork server runs before it uses a server
    uid = sandbox.UID_BASE + 4_100_003
    worker, sub = _student(tmp_path, "leaver", iso, uid, monkeypatch)
    try:
        with pytest.raises(WorkerCrashed, match="exit status 7"):
            sub.leave(7)
        assert "exited early" in worker.events
        assert sub.look("nobody")["pids"] == [1, 2]  # a fresh worker, forked again
        assert worker.starts == 2 and isinstance(worker.proc, preload.ServedProcess)
    finally:
        worker.close()
    assert srv.alive()


def test_a_stopped_server_means_workers_start_afresh(server, tmp_path, monkeypatch):
    srv, iso = server
    srv.close()
    worker, sub = _student(tmp_path, "fresh", iso, sandbox.UID_BASE + 4_100_004, monkeypatch)
    try:
        assert not isinstance(worker.proc, preload.ServedProcess)
        assert sub.look("nobody")["pids"] == [1, 2]  # bubblewrap's own PID 1, and the worker
        assert preload.current() is None
    finally:
        worker.close()
