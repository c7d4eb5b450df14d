"""The worker: the only process that runs student code.

It is started by :mod:`autograder.sandbox` (inside bubblewrap where available), sets its resource
limits, drops root, imports the student's module and then answers calls read from the channel,
one at a time. Everything it sends is plain data (:mod:`autograder.protocol`); the grader trusts
none of it. This module imports nothing of the grader's beyond the protocol, and is given
nothing secret: its configuration is the JSON argument below.
"""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import resource
import signal
import sys
import sysconfig
import time
import traceback

from autograder.sandbox import protocol

MAX_TEXT = 2000


def main(config: dict | None = None) -> None:
    """Run the worker: ``config`` is the JSON argument, or a worker server's request (preload)."""
    config = config if config is not None else json.loads(sys.argv[1])
    channel_in, channel_out = _take_channel()
    _apply_limits(config.get("rlimits", {}))
    if config.get("drop_to") and os.geteuid() == 0:
        uid, gid = config["drop_to"]
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead of killing
    if config.get("setup"):  # the course's preparation; failing here is no student's doing
        try:
            exec(compile(config["setup"], "<worker setup>", "exec"), {"__name__": "__ulp_setup__"})
        except BaseException:
            protocol.write_message(channel_out, ("setup_error", traceback.format_exc()[-800:]))
            return
    protocol.write_message(channel_out, ("hello",))  # up and sandboxed: what fails now is theirs
    if config.get("hold") is not None and not _held(config["hold"], channel_in):
        return
    recorder = _RuntimeRecorder(config.get("runtime_forbidden", []))
    recorder.watch_imports(config.get("forbidden_modules", []), config["module_name"])
    if config.get("events_fd") is not None:
        install_audit_hook(config["events_fd"], config["module_path"])
    device = _Device(config.get("tensor_device"))  # before the student's import can change it
    meters = _Meters(([_OpCounter()] if config.get("count_torch_ops") else [])  # likewise
                     + ([_TritonTrace()] if config.get("trace_triton") else []))
    guard = _TensorGuard() if config.get("guard_tensors") else None  # likewise
    recorder.start()  # forbidden imports the module makes as it loads count against every call
    module, error = _import_student(config["module_path"], config["module_name"])
    recorder.at_import = recorder.stop()
    if error is not None:
        protocol.write_message(channel_out, ("import_error", error))
        return
    functions = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
    protocol.write_message(channel_out, ("ready", {"functions": functions}))
    serve(module, channel_in, channel_out, recorder, config, device, meters, guard)


def _held(modules: list[str], channel_in: int) -> bool:
    """A worker started before its submission was there (``ulp check --watch``): import what
    the assignment uses, as a preloaded worker server does, then wait until the grader has put
    the submission in place ("go": True) or went away (False)."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the student's own import says what is wrong
            pass
    try:
        return protocol.read_message(channel_in, max_bytes=1024) == ("go",)
    except protocol.ProtocolError:
        return False


def _take_channel() -> tuple[int, int]:
    """Move the channel off stdin/stdout, so that prints from student code cannot corrupt it."""
    channel_in, channel_out = os.dup(0), os.dup(1)  # dup'd fds are not inherited by children
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # student prints go where stderr goes: a size-limited capture file
    os.close(devnull)
    sys.stdin = open(os.devnull)
    sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
    return channel_in, channel_out


def _apply_limits(rlimits: dict) -> None:
    for name, value in rlimits.items():
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        new = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (new, new))


def _import_student(path: str, name: str):
    sys.path.insert(0, os.path.dirname(path))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module, None
    except BaseException as e:  # noqa: BLE001 - whatever the import does, report it as data
        return None, _describe_exception(e, path)


def serve(module, channel_in: int, channel_out: int, recorder, config: dict,
          device: _Device, meters: _Meters, guard: _TensorGuard | None) -> None:
    stash: dict = {}  # key -> [args, kwargs, output]: inputs kept here for timed calls
    while True:
        request = protocol.read_message(channel_in, tensor_device=device.name)
        kind = request[0]
        if kind in ("stash", "timed", "fetch"):
            _send(channel_out, _timing_request(module, request, stash, recorder, device, config))
            continue
        if kind == "getattr":
            name = request[1]
            if not hasattr(module, name):
                reply = ("missing", name)
            else:
                reply = ("return", getattr(module, name), {})
            _send(channel_out, reply)
            continue
        # ("call", name, args, kwargs), or ("many", name, [args, ...]): one call per args, the
        # answers as a list, stopping at the first that raises (its index goes in the meta)
        name = request[1]
        calls = request[2] if kind == "many" else [request[2]]
        kwargs = {} if kind == "many" else request[3]
        fn = getattr(module, name, None)
        if not callable(fn):
            _send(channel_out, ("missing", name))
            continue
        if guard is not None:
            calls, kwargs = [guard.wrap(args) for args in calls], guard.wrap(kwargs)
            guard.active = True  # what the call allocates is guarded too
        recorder.start()
        device.begin()
        meters.begin()
        started = time.perf_counter()
        answers, failed = [], None
        each = config.get("call_timeout_s") if kind == "many" else None
        for args in calls:
            try:
                answers.append(_within(each, fn, args, kwargs))
            except _Overtime:
                failed = ["overtime", each]
                break
            except BaseException as e:  # noqa: BLE001
                failed = ["raise", _describe_exception(e, config["module_path"])]
                break
        reply = failed or ["return", answers if kind == "many" else answers[0]]
        meta = {**device.end(), "seconds": time.perf_counter() - started,
                "forbidden": recorder.stop(), **meters.end()}
        if failed and kind == "many":
            meta["index"] = len(answers)
        if guard is not None:
            meta["out_of_bounds_writes"], meta["out_of_bounds_allocations"] = guard.check()
        _flush_output()
        _send(channel_out, (*reply, meta))


class _Overtime(BaseException):
    """Raised into a call of a batch (``many``) that ran past the per-call limit."""


def _overtime(signum, frame):
    raise _Overtime


def _within(seconds: float | None, fn, args, kwargs):
    """``fn(*args, **kwargs)``, interrupted by _Overtime after ``seconds``. In a batch the
    grader's own deadline is the per-call limit times the number of calls, so one endless call
    would hold the test until its whole budget ran out; this stops it at its own limit. Only a
    courtesy: code that blocks the signal or swallows the exception meets the grader's deadline."""
    if not seconds:
        return fn(*args, **kwargs)
    signal.signal(signal.SIGALRM, _overtime)  # anew each call: student code may replace it
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _timing_request(module, request, stash: dict, recorder, device: _Device, config: dict):
    """The worker's half of :func:`autograder.testing.benchmark`. ``("stash", key, args,
    kwargs)`` keeps inputs here, so that a timed call moves no tensor through the pipe;
    ``("timed", name, key)`` flushes the GPU's L2 cache, calls ``name`` on them and waits for
    the device before answering (``name`` None: the same without the call, which the grader
    times to learn the overhead of a round trip); ``("fetch", key)`` hands the output over and
    forgets the key. The grader's clock, not this process's, measures the time."""
    kind = request[0]
    if kind == "stash":
        stash[request[1]] = [request[2], request[3], None]
        return ("return", None, {})
    name, key = (request[1], request[2]) if kind == "timed" else (None, request[1])
    if key not in stash:
        return ("missing", f"stashed inputs {key!r}")
    if kind == "fetch":
        return ("return", stash.pop(key)[2], {})
    fn = getattr(module, name, None) if name is not None else None
    if name is not None and not callable(fn):
        return ("missing", name)
    args, kwargs, _ = stash[key]
    device.flush_cache()
    recorder.start()
    device.begin()
    reply = ("return", None)
    try:
        if fn is not None:
            stash[key][2] = fn(*args, **kwargs)
    except BaseException as e:  # noqa: BLE001
        reply = ("raise", _describe_exception(e, config["module_path"]))
    return (*reply, {**device.end(), "forbidden": recorder.stop()})


class _Device:
    """The tensors' device, as the worker found it before importing student code: on CUDA, the
    functions that wait for the device and read its memory are taken here, so that a module
    that rebinds ``torch.cuda.synchronize`` does not change what the grader measures."""

    def __init__(self, name: str | None):
        self.name = name
        self.cuda = name == "cuda"
        self._flush = None
        if self.cuda:
            import torch
            # the C function itself: torch.cuda.synchronize looks it up anew on every call
            self._sync = getattr(torch._C, "_cuda_synchronize", torch.cuda.synchronize)
            self._reset_peak = torch.cuda.reset_peak_memory_stats
            self._allocated = torch.cuda.memory_allocated
            self._peak = torch.cuda.max_memory_allocated
            self._empty = torch.empty
            self._uint8 = torch.uint8
            self._base = 0

    def begin(self) -> None:
        """Before a call: wait for earlier work, and start counting its peak memory."""
        if self.cuda:
            self._sync()
            self._reset_peak()
            self._base = self._allocated()

    def end(self) -> dict:
        """After a call: wait for everything it launched, on every stream; what it allocated
        at its peak beyond what was there when it started (its arguments, guard zones)."""
        if not self.cuda:
            return {}
        self._sync()
        return {"cuda_peak_bytes": int(self._peak() - self._base)}

    def flush_cache(self) -> None:
        """Overwrite the L2 cache (256 MiB, more than any GPU's L2), so that a timed call
        starts cold whatever the previous one left there."""
        if self.cuda:
            if self._flush is None:
                self._flush = self._empty(256 * 2**20, dtype=self._uint8, device="cuda")
            self._flush.fill_(1)


def _send(channel_out: int, reply) -> None:
    try:
        protocol.write_message(channel_out, reply)
    except protocol.ProtocolError as e:
        protocol.write_message(channel_out, ("unsendable", str(e), reply[-1] if reply[0] != "missing" else {}))


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a full disk or a closed stream is the student's
            pass


def _safe_text(fn) -> str:
    try:
        text = str(fn())
    except BaseException:  # noqa: BLE001
        text = "<the message could not be turned into text>"
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " …(cut)"


def _describe_exception(e: BaseException, student_path: str) -> dict:
    """The exception as data: class names (for mapping to built-ins), message, student frames."""
    bases = [c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"]
    frames = []
    try:
        for fs in traceback.extract_tb(e.__traceback__):
            if os.path.abspath(fs.filename) == os.path.abspath(student_path):
                frames.append({"line": fs.lineno, "function": fs.name, "code": (fs.line or "")[:200]})
    except Exception:  # noqa: BLE001
        pass
    if isinstance(e, SyntaxError) and os.path.abspath(e.filename or "") == os.path.abspath(student_path):
        frames.append({"line": e.lineno, "function": "<module>", "code": (e.text or "").strip()[:200]})
    return {"type": _safe_text(lambda: type(e).__name__), "bases": bases,
            "message": _safe_text(lambda: e), "frames": frames[-5:]}


# ------------------------------------------------------------------------------ audit events

NETWORK_EVENTS = frozenset({"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"})
SPAWN_EVENTS = frozenset({"os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn",
                          "os.system", "subprocess.Popen", "pty.spawn"})
PATH_EVENTS = frozenset({"os.remove", "os.rmdir", "os.rename", "os.truncate", "shutil.rmtree",
                         "os.chmod", "os.chown", "os.link", "os.symlink"})
WATCHED = NETWORK_EVENTS | SPAWN_EVENTS | PATH_EVENTS | frozenset(
    {"open", "os.kill", "os.killpg", "object.__setattr__"})
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def install_audit_hook(events_fd: int, module_path: str) -> None:
    """Report what the student's code attempts on ``events_fd``, one flag name per line.

    An audit hook (PEP 578) cannot be removed, sees every socket, process, file and signal
    operation however it was reached, and runs before the operation: the sandbox makes the
    attempt fail, the hook makes it visible. It holds no mutable state and every function it
    uses is bound as a default argument, so patching ``os``, ``builtins`` or this module changes
    nothing; changing the hook's own code or defaults is refused (and reported). Files and
    signals count only when the nearest caller outside the Python installation is the student's;
    a process spawn only when the nearest caller outside the standard library is (matplotlib
    building its font cache at import, or a library that compiles with a subprocess, is not the
    student, even when the student's import started it); the network counts always. A write or delete counts outside the submission's folder, except in /tmp or /dev
    where the worker may write (in bubblewrap it may not: /tmp is root's there). The grader accepts only known flag names from this pipe, and notices if it closes.
    """
    os.set_blocking(events_fd, False)  # a full pipe drops a line rather than hang the student
    home = posixpath.dirname(posixpath.abspath(module_path))
    library = tuple(sorted({p for key in ("stdlib", "platstdlib", "purelib", "platlib")
                            if (p := sysconfig.get_paths().get(key))}
                           | {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                              posixpath.dirname(posixpath.abspath(__file__))})) + ("<frozen",)
    stdlib = tuple(sorted({p for key in ("stdlib", "platstdlib")
                           if (p := sysconfig.get_paths().get(key))}
                          | {posixpath.dirname(posixpath.abspath(__file__))})) + ("<frozen",)
    own = (home + "/", "/proc/self/")
    scratch = ("/tmp/", "/var/tmp/", "/dev/")  # fine where the worker may write (not in bwrap)

    def hook(event, args, _watched=WATCHED, _net=NETWORK_EVENTS, _spawn=SPAWN_EVENTS,
             _fd=events_fd, _write=os.write, _frame=sys._getframe,
             _library=library, _stdlib=stdlib, _own=own, _scratch=scratch, _home=home, _wflags=WRITE_FLAGS,
             _access=os.access, _W=os.W_OK, _dirname=posixpath.dirname,
             _fspath=os.fspath, _getcwd=os.getcwd, _normpath=posixpath.normpath,
             _getpid=os.getpid, _getppid=os.getppid, _getpgid=os.getpgid,
             _bytes=bytes, _int=int, _isinstance=isinstance, _getattr=getattr):
        if event not in _watched:
            return
        flag, refuse = None, False
        try:
            if event == "object.__setattr__":  # only the hook's own code, defaults, dict
                if _getattr(args[0], "__code__", None) is _frame(0).f_code:
                    refuse = True
                    flag = b"tampering\n"
                else:
                    return
            elif event in _net:
                flag = b"network attempt\n"
            else:
                f = _frame(1)  # the nearest caller outside the stdlib (spawns) or the
                spawn = event in _spawn  # installation (the rest): is it the student's?
                while f is not None and (
                        f.f_code.co_filename.startswith(_stdlib if spawn else _library)
                        and not (spawn and "-packages/" in f.f_code.co_filename)):
                    f = f.f_back
                if f is None or f.f_code.co_filename.startswith(_library):
                    return
                if spawn:
                    flag = b"process spawn\n"
                elif event == "os.kill":
                    pid = args[0]
                    if pid != _getpid() and (pid in (-1, 1) or pid == _getppid()
                                             or (pid < -1 and -pid != _getpgid(0))):
                        flag = b"tampering\n"
                elif event == "os.killpg":
                    if args[0] not in (0, _getpgid(0)):
                        flag = b"tampering\n"
                else:
                    names = [args[0]] if event != "os.rename" else [args[0], args[1]]
                    writes = event != "open" or (_isinstance(args[2], _int) and args[2] & _wflags)
                    for name in names:
                        if _isinstance(name, _int):
                            continue
                        path = _fspath(name)
                        if _isinstance(path, _bytes):
                            path = path.decode("utf-8", "replace")
                        if not path.startswith("/"):
                            path = _getcwd() + "/" + path
                        path = _normpath(path)
                        if path.startswith("/proc/"):
                            part = path[6:].split("/", 1)[0]
                            if part.isdigit() and _int(part) != _getpid():
                                flag = b"tampering\n"
                        elif writes and path != _home and not path.startswith(_own) and not (
                                path.startswith(_scratch) and (_access(path, _W)
                                                               or _access(_dirname(path), _W))):
                            flag = b"tampering\n"
        except Exception:  # noqa: BLE001 - never break the student's operation by accident
            return
        if flag is not None:
            try:
                _write(_fd, flag)
            except OSError:
                pass
        if refuse:
            raise RuntimeError("the grader's audit hook cannot be changed")

    sys.addaudithook(hook)


class _RuntimeRecorder:
    """Wraps forbidden callables (``math.fsum``, ``torch.Tensor.__matmul__``) to record their use.

    A determined student can unwrap them; the static check is the first line. This one catches
    what the static check cannot see (``getattr(math, "f" + "sum")``).

    A name is wrapped once its module is loaded: the standard library's and those already
    loaded at once, a third-party module's (torch: over a second to import) when an import
    statement finishes loading it, before the importer sees it, or at the next call at the
    latest. A numpy assignment that forbids ``torch.quantize_per_tensor`` does not import torch
    for a student who never does.
    """

    def __init__(self, names: list[str]):
        self.hits: list[str] = []
        self.at_import: list[str] = []  # what the student's module did as it was imported
        self.recording = False
        self._pending = list(names)
        self.wrap_loaded()

    def wrap_loaded(self) -> None:
        """Wrap the pending names whose module is loaded (or is the standard library's)."""
        for dotted in list(self._pending):
            root = dotted.split(".")[0]
            if (root in sys.modules or root in sys.stdlib_module_names) and self._wrap(dotted):
                self._pending.remove(dotted)

    def _wrap(self, dotted: str) -> bool:
        parts = dotted.split(".")
        owner = None
        for i in range(len(parts) - 1, 0, -1):
            try:
                owner = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            for attr in parts[i:-1]:
                owner = getattr(owner, attr, None)
            break
        original = getattr(owner, parts[-1], None) if owner is not None else None
        if original is None:
            return False  # not there (yet): tried again after the next import
        recorder = self

        def wrapper(*args, **kwargs):
            if recorder.recording:
                recorder.hits.append(dotted)
            return original(*args, **kwargs)

        try:
            setattr(owner, parts[-1], wrapper)
        except (TypeError, AttributeError):
            pass  # a C type that refuses new attributes: the static check covers it
        return True

    def watch_imports(self, modules: list[str], student_module: str) -> None:
        """Record imports of forbidden modules made by the student's own code while it loads
        or during a call, however the name was computed (``__builtins__["__imp" + "ort__"]("st" + "ruct")``),
        and wrap pending names when an outermost import returns (its modules are whole then)."""
        if not modules and not self._pending:
            return
        import builtins

        original = builtins.__import__
        recorder = self
        depth = 0  # imports in progress: the outermost one's modules are whole when it returns

        def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
            nonlocal depth
            if recorder.recording and level == 0 and isinstance(name, str) and any(
                    name == m or name.startswith(m + ".") for m in modules):
                caller = sys._getframe(1).f_globals.get("__name__")
                if caller == student_module:
                    recorder.hits.append(f"import {name}")
            depth += 1
            try:
                return original(name, globals, locals, fromlist, level)
            finally:
                depth -= 1
                if not depth and recorder._pending:
                    recorder.wrap_loaded()

        builtins.__import__ = guarded_import

    def start(self) -> None:
        if self._pending:  # a module loaded with no import statement (importlib) is wrapped now
            self.wrap_loaded()
        self.hits = []
        self.recording = True

    def stop(self) -> list[str]:
        self.recording = False
        return sorted(set(self.hits) | set(self.at_import))


class _Meters:
    """The per-call meters an assignment asks for (each with begin() and end() -> meta)."""

    def __init__(self, meters: list):
        self._meters = meters

    def begin(self) -> None:
        for m in self._meters:
            m.begin()

    def end(self) -> dict:
        return {k: v for m in reversed(self._meters) for k, v in m.end().items()}  # LIFO


class _TritonTrace:
    """What the student's Triton kernels did in one call under the interpreter (CPU grading):
    kernel launches, the active lanes loaded and stored, and the largest tl.dot (M, N, K), so a
    test can tell a kernel that does the work from torch on the host around a decoy kernel.
    The interpreter's builder is patched here, before the student's import; like every worker
    figure the trace may fail a test, never pass one."""

    def __init__(self):
        from triton.runtime import interpreter

        self.counts = self._fresh()
        trace = self  # the patched methods read this call's counts through it
        builder, executor = interpreter.InterpreterBuilder, interpreter.GridExecutor
        load, store, dot = (builder.create_masked_load, builder.create_masked_store,
                            builder.create_dot)
        launch = executor.__call__

        def create_masked_load(self, ptrs, mask, *args, **kwargs):
            trace.counts["loaded_elems"] += int(mask.data.sum())
            return load(self, ptrs, mask, *args, **kwargs)

        def create_masked_store(self, ptrs, value, mask, *args, **kwargs):
            trace.counts["stored_elems"] += int(mask.data.sum())
            return store(self, ptrs, value, mask, *args, **kwargs)

        def create_dot(self, a, b, *args, **kwargs):
            m, k = a.data.shape[-2:]
            n = b.data.shape[-1]
            c = trace.counts
            c["max_dot"] = [max(c["max_dot"][0], m), max(c["max_dot"][1], n),
                            max(c["max_dot"][2], k)]
            c["dot_flops"] += 2 * m * n * k
            return dot(self, a, b, *args, **kwargs)

        def __call__(self, *args, **kwargs):
            trace.counts["launches"] += 1
            return launch(self, *args, **kwargs)

        builder.create_masked_load = create_masked_load
        builder.create_masked_store = create_masked_store
        builder.create_dot = create_dot
        executor.__call__ = __call__

    @staticmethod
    def _fresh() -> dict:
        return {"launches": 0, "loaded_elems": 0, "stored_elems": 0, "max_dot": [0, 0, 0],
                "dot_flops": 0}

    def begin(self) -> None:
        self.counts = self._fresh()

    def end(self) -> dict:
        trace = self.counts
        trace["max_tile_dim"] = max(trace["max_dot"][:2])
        return {"triton": trace}


class _OpCounter:
    """Counts the torch operations (aten ops, as dispatched) of each call, for assignments whose
    point is how the work is organised (linear_attention: a chunk-wise form whose number of
    operations must not grow with the chunk's length). Its mode class is made before the
    student's import; like all worker data, the count may fail a test, never pass one."""

    def __init__(self):
        from torch.utils._python_dispatch import TorchDispatchMode

        class Counting(TorchDispatchMode):
            count = 0

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                self.count += 1
                return func(*args, **(kwargs or {}))

        import torch
        with Counting():  # the first dispatch imports torch._dynamo (seconds): not in a call
            torch.zeros(1) + 1
        self._mode_class = Counting
        self._mode = None

    def begin(self) -> None:
        self._mode = self._mode_class()
        self._mode.__enter__()

    def end(self) -> dict:
        mode, self._mode = self._mode, None
        try:
            mode.__exit__(None, None, None)
        except Exception:  # noqa: BLE001  (the call left the mode stack changed: no count)
            return {"torch_ops": None}
        return {"torch_ops": mode.count}


class _TensorGuard:
    """Places floating tensors inside NaN guard zones to catch unmasked accesses.

    The Triton interpreter does not fault on out-of-bounds pointers. An unmasked load past the
    end of an argument reads NaN (and poisons the output); an unmasked store lands in a guard
    zone, which :meth:`check` finds after the call. What the call allocates with torch's
    factories (``torch.empty_like`` for its output...) is guarded too: a store past the end of an
    output would otherwise corrupt the heap and fail later tests of other functions at random.
    """

    ALLOCATORS = ("empty", "empty_like", "zeros", "zeros_like", "ones", "ones_like", "full",
                  "full_like")
    ALLOCATED_PAD = 1 << 16  # elements each side: a stray tile, not a copy of a big tensor

    def __init__(self):
        import torch

        self.guarded = []    # (buffer, pad, n) of this call's arguments
        self.allocated = []  # and of what it allocated
        self.active = False  # only during a call
        self._full = torch.full
        for name in self.ALLOCATORS:
            setattr(torch, name, self._guarding(getattr(torch, name)))

    def _guarded(self, t, pad: int | None, into: list):
        """``t`` copied into the middle of NaN zones, with its shape and strides; ``pad``
        elements each side (None: as many as the storage ``t`` spans)."""
        n = protocol.span(t.shape, t.stride())
        pad = max(n, 1 << 16) if pad is None else pad
        buffer = self._full((pad + n + pad,), float("nan"), dtype=t.dtype, device=t.device)
        buffer[pad:pad + n] = t.as_strided((n,), (1,), t.storage_offset())
        into.append((buffer, pad, n))
        return buffer.as_strided(t.shape, t.stride(), pad)

    def _guarding(self, make):
        def allocate(*args, **kwargs):
            t = make(*args, **kwargs)
            if (not self.active or "out" in kwargs or not t.is_floating_point() or not t.numel()
                    or t.requires_grad or min(t.stride(), default=0) < 0):
                return t
            return self._guarded(t, self.ALLOCATED_PAD, self.allocated)
        return allocate

    def wrap(self, value):
        torch = sys.modules["torch"]
        if isinstance(value, torch.Tensor) and value.is_floating_point() and value.numel():
            return self._guarded(value, None, self.guarded)
        if isinstance(value, (list, tuple)):
            return type(value)(self.wrap(v) for v in value)
        if isinstance(value, dict):
            return {k: self.wrap(v) for k, v in value.items()}
        return value

    def check(self) -> tuple[list[int], int]:
        """(the arguments whose zones were written, how many allocations' zones were)."""
        def touched(zone):
            buffer, pad, n = zone
            return any(not bool(z.isnan().all()) for z in (buffer[:pad], buffer[pad + n:]))

        bad = [i for i, zone in enumerate(self.guarded) if touched(zone)]
        allocated = sum(map(touched, self.allocated))
        self.guarded, self.allocated, self.active = [], [], False
        return bad, allocated


if __name__ == "__main__":
    main()
