"""The ``sub`` fixture: the student's module as the grader's tests see it.

Attribute access returns callables that send each call to the sandboxed worker
(:class:`autograder.sandbox.process.Worker`) and turn its answer into a value, or into an
exception from :mod:`autograder.testing`: the student's own exception (so ``pytest.raises``
grades the contract's errors), or a :class:`~autograder.testing.GradingAbort` when the call
cannot be judged (not implemented, missing, forbidden, timed out, crashed, garbage).
"""

from __future__ import annotations

import time

from autograder.course.forbidden import Report as ForbiddenReport
from autograder.sandbox.process import Worker, describe_frames, timed_out
from autograder.testing import (BadAnswer, ForbiddenUse, MissingName, NotImplementedByStudent,
                                WorkerCrashed, WorkerTimeout, student_exception)


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



# Once calls have run past their time limit in this many tests, a function that ran past it is not
# called again in the grading: each timeout costs the limit plus a fresh worker, and a loop that
# never ends would cost that in every test of every looping function. Within the contract (a call
# returns within the limit) nothing is ever refused.
STRIKES = 3


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
        self._test_spent = 0.0  # seconds this test has waited for the worker
        self._test_budget = worker.limits.test_timeout_s
        self.called: set[str] = set()
        self.timeouts: dict[str, int] = {}  # function -> tests in which a call of it timed out
        self.last_meta: dict = {}  # what the worker measured on the last call (seconds, ...)

    @property
    def source(self) -> str:
        """The student's module as graded (a notebook's code cells, joined), for tests that read
        its structure (:class:`autograder.testing.TritonSource`); it is never run here."""
        return self._worker.submission_file.read_text(errors="replace")

    def begin_test(self) -> None:
        """Called by the plugin before each test: resets the per-test time budget."""
        self._test_spent = 0.0
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
                                  + [f"`{h}` (seen at run time)" for h in runtime_hits]))
        self._worker.flag("forbidden call")
        raise ForbiddenUse(f"{name} uses what {self._assignment} forbids: {', '.join(uses)} in "
                           f"{self._filename()}. {self._why}".strip())

    def _time_left(self, what) -> float:
        left = self._test_budget - self._test_spent
        if left <= 0:
            self._worker.flag("timeout")
            raise WorkerTimeout(f"this test's calls took more than {self._test_budget:g} s in "
                                f"all (the last was {what}); your code is far too slow")
        return left

    def _request(self, message: tuple, timeout: float, what):
        """One round trip to the worker, its time counted against the test's budget: only
        time spent waiting for the student's code counts, never the grader's own (oracles,
        hypothesis), so a loaded machine cannot make a correct submission run out of time."""
        started = time.monotonic()
        try:
            return self._worker.request(message, timeout, what)
        finally:
            self._test_spent += time.monotonic() - started

    def _refuse_if_struck(self, name: str) -> None:
        strikes = sum(self.timeouts.values())
        if name in self.timeouts and strikes >= STRIKES:
            raise WorkerTimeout(f"{name} was not called: it ran past its time limit before, and "
                                f"calls have run past it in {strikes} tests, so its remaining "
                                "tests fail at once (a call must return within the assignment's "
                                "limit)")

    def _strike(self, name: str) -> None:
        self.timeouts[name] = self.timeouts.get(name, 0) + 1

    def _counted(self, name: str, message: tuple, timeout: float, what):
        """A request that runs the student's ``name``: a timeout is a strike against it."""
        try:
            return self._request(message, timeout, what)
        except WorkerTimeout:
            self._strike(name)
            raise

    def _getattr(self, name: str):
        self._refuse_if_struck(name)
        self._check_forbidden(name)  # module-level code runs for this read too
        # A read runs student code too (a module __getattr__, a property): the call limit holds.
        limit = min(self._worker.limits.call_timeout_s, self._time_left(name))
        reply = self._counted(name, ("getattr", name), limit, name)
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

    def _run(self, name: str | None, message: tuple, limit: float,
             what) -> tuple[tuple, dict, float]:
        """Send a request that runs ``name`` in the worker (None: runs no student code) within
        ``limit`` seconds and the test's budget; a forbidden use, before or during the call,
        raises. Returns the reply, its meta and the seconds it took on the grader's clock."""
        worker = self._worker
        if name is not None:
            self.called.add(name)
            self._refuse_if_struck(name)  # before a worker is started for it
        worker.ensure_started()
        if name is not None:
            if name not in worker.functions:
                raise MissingName(f"{self._filename()} defines no function `{name}`: write it "
                                  "with the signature the assignment gives")
            self._check_forbidden(name)
        timeout = min(limit, self._time_left(what))
        started = time.perf_counter()
        reply = (self._request(message, timeout, what) if name is None
                 else self._counted(name, message, timeout, what))
        seconds = time.perf_counter() - started
        meta = reply[-1] if isinstance(reply[-1], dict) else {}
        self.last_meta = meta
        if name is not None:
            self._check_forbidden(name, meta.get("forbidden", []))
        return reply, meta, seconds

    def _call(self, name: str, args: tuple, kwargs: dict, many: list[tuple] | None = None):
        worker = self._worker
        if many is None:
            what = _CallText(name, args, kwargs)
            message = ("call", name, list(args), dict(kwargs))
            limit = worker.limits.call_timeout_s
        else:
            what = f"{name} (called on {len(many)} inputs in turn)"
            message = ("many", name, [list(a) for a in many])
            limit = worker.limits.call_timeout_s * len(many)
        reply, meta, _ = self._run(name, message, limit, what)
        kind = reply[0]
        if meta.get("out_of_bounds_writes"):
            raise BadAnswer(f"{what} wrote outside its tensors (into the guard zone around "
                            f"argument tensor #{meta['out_of_bounds_writes'][0] + 1}): a store "
                            "without a mask?")
        if meta.get("out_of_bounds_allocations"):
            raise BadAnswer(f"{what} wrote outside a tensor it allocated (into the guard zone "
                            "around a torch.empty/zeros/full... result, its output say): a store "
                            "without a mask?")
        if kind == "return" and many is not None:
            answers = reply[1]
            if not isinstance(answers, list) or len(answers) != len(many):
                worker._kill("garbage answer")
                raise BadAnswer(f"{what} sent back something other than one answer per input")
            return answers
        if kind in ("raise", "overtime") and many is not None:
            index = meta.get("index")
            if type(index) is not int or not 0 <= index < len(many):
                worker._kill("garbage answer")
                raise BadAnswer(f"{what} sent back an answer the grader does not understand")
            call = _CallText(name, many[index], {})
            if kind == "overtime":  # the worker stopped that call itself, at the call limit
                worker.flag("timeout")
                self._strike(name)
                raise timed_out(call, worker.limits.call_timeout_s)
            return self._raise(name, call, reply[1])
        if kind == "raise":
            return self._raise(name, what, reply[1])
        if kind == "missing":
            raise MissingName(f"{self._filename()} defines no function `{name}`")
        return self._expect(reply, what)

    # ------------------------------------------------------------ timed calls (benchmark)
    def _stash(self, key: int, args: tuple, kwargs: dict) -> None:
        """Leave inputs in the worker for :meth:`_timed` (untimed: the tensors cross here)."""
        self._worker.ensure_started()
        what = f"sending the inputs of timed call {key}"
        self._expect(self._request(("stash", key, list(args), dict(kwargs)),
                                          self._time_left(what), what), what)

    def _timed(self, name: str | None, key: int) -> float:
        """One call of ``name`` on stashed inputs (None: the same round trip without the call),
        timed by the grader's clock from the request to the answer. The worker answers only
        once the device has finished all the call launched."""
        what = f"{name or 'an empty call'} (timed call {key})"
        reply, _, seconds = self._run(name, ("timed", name, key),
                                      self._worker.limits.call_timeout_s, what)
        if reply[0] == "raise":
            self._raise(name, what, reply[1])
        self._expect(reply, what)
        return seconds

    def _fetch(self, key: int):
        """The output of timed call ``key``; the worker forgets its inputs."""
        what = f"the output of timed call {key}"
        return self._expect(self._request(("fetch", key), self._time_left(what), what),
                            what)

    def _expect(self, reply, what):
        """The value of a "return" reply; any other reply fails the test."""
        if reply[0] == "return" and len(reply) > 1:
            return reply[1]
        if reply[0] == "unsendable":
            self._worker.flag("unsendable answer")
            raise BadAnswer(f"{what} returned a value that is not plain data: {reply[1]}")
        self._worker._kill("garbage answer")
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
