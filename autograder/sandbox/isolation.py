"""How a worker is started: the strongest isolation this host allows, and a record of it.

Levels, strongest first (each is recorded in every result, so an instructor sees what held):

- ``bwrap``: bubblewrap. New mount, network, PID, IPC and UTS namespaces; the worker sees the
  system directories and the Python installation read-only, its own copy of the submission
  at ``/submission``, a private ``/tmp`` and nothing else (not the project, not the
  reference, not the results path). Root drops to an unprivileged uid of the worker's own.
- ``unshare``: no bubblewrap, but a new network namespace (no network) and, as root, the
  drop to an unprivileged uid. World-readable files stay readable.
- ``uid``: only the drop to an unprivileged uid and resource limits.
- ``rlimits``: not root and no namespaces: resource limits only. Results carry a warning.

All levels get resource limits, a scrubbed environment and a per-call wall-clock timeout.
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
SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc/alternatives"]


@dataclass
class Isolation:
    """What isolation a worker actually got: recorded in results.json's extra_data."""

    level: str
    layers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"level": self.level, "layers": self.layers, "warnings": self.warnings}


@functools.lru_cache(maxsize=None)
def _bwrap_works() -> bool:
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent", "true"]
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
        ([] if os.geteuid() == 0 else ["--map-root-user"]) + ["true"]
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
        return Isolation("bwrap", ["mount namespace (only the submission copy is visible)",
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
        prefix = (["unshare", "--net", "--pid", "--fork", "--kill-child"]
                  if isolation.level == "unshare" else [])
        if isolation.level == "unshare" and os.geteuid() != 0:
            prefix.append("--map-root-user")
    config["module_name"] = module_name
    if drops_uid(isolation):
        config["drop_to"] = list(worker_uid())
    env = _scrubbed_env(gpu, home=SANDBOX_SUBMISSION if isolation.level == "bwrap" else str(submission_copy))
    argv = prefix + [python, "-I", "-X", "faulthandler", "-m", "autograder.sandbox.worker"]
    return argv, env, config


def _bwrap_args(submission_copy: Path, gpu: bool) -> list[str]:
    args = ["bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
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
    args += ["--proc", "/proc", "--dev", "/dev",
             "--bind", str(submission_copy), SANDBOX_SUBMISSION, "--chdir", SANDBOX_SUBMISSION]
    if gpu:
        for dev in sorted(Path("/dev").glob("nvidia*")):
            args += ["--dev-bind", str(dev), str(dev)]
        args += ["--ro-bind-try", "/sys", "/sys", "--ro-bind-try", "/proc/driver/nvidia",
                 "/proc/driver/nvidia"]
    return args


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
