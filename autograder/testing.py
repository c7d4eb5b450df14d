"""What an assignment's tests import: points, visibility, and what a call into student code raises.

See docs/authoring.md. Two families of exceptions come out of ``sub.f(...)``:

- :class:`StudentRaised`: the student's function raised an ordinary exception. The instance is
  also an instance of the same built-in class (``ValueError``...), so ``pytest.raises`` grades
  the contract's errors, and hypothesis shrinks such failures like any other.
- :class:`GradingAbort` and its subclasses: the call could not be judged at all (not
  implemented, missing, forbidden, timed out, crashed, garbage). They derive from
  ``BaseException`` so that neither ``pytest.raises(Exception)`` nor hypothesis catches them:
  the test fails at once, without shrinking, with the message as feedback.
"""

from __future__ import annotations

import ast
import builtins
import functools
import math
import statistics
import time
from dataclasses import dataclass

import pytest

POINTS_MARK = "ulp_points"
HIDDEN_MARK = "ulp_hidden"
GPU_ONLY_MARK = "gpu_only"


def points(n: float):
    """The test is worth ``n`` points: all of them when it passes, none otherwise."""
    if not isinstance(n, (int, float)) or n <= 0:
        raise ValueError(f"points must be a positive number, not {n!r}")
    return getattr(pytest.mark, POINTS_MARK)(n)


hidden = getattr(pytest.mark, HIDDEN_MARK)
"""The test's feedback is hidden: a student sees only its name and whether it passed."""

gpu_only = getattr(pytest.mark, GPU_ONLY_MARK)
"""The test runs only where the assignment runs on CUDA; on CPU it is left out of the total."""


# ------------------------------------------------------------------ numeric observations
MAX_WITHIN, MAX_OVER = 150, 50
"""Per test and label at most this many (error, bound) pairs within / over the bound are kept,
so results.json stays small and a failure always shows; the counts cover every example."""

_observations: dict[str, dict] | None = None  # set by the grading plugin around each test


def observe(error, bound, label: str = "error", over: bool | None = None) -> None:
    """Record one comparison of a numeric error against its allowed bound, for the report's plot.

    Call it where a test compares an error with a bound (before asserting): the report then
    plots every example's error against its bound. It records only; it never changes a verdict.
    ``error`` and ``bound`` are taken as absolute values; anything that is not a real number
    becomes NaN, which counts as over the bound. ``over`` overrides ``error > bound`` where the
    test decides exactly (rational arithmetic) and the floats could round to a tie. Outside a
    grading session (an author's own pytest run) it does nothing.
    """
    if _observations is None:
        return
    err, bnd = _as_float(error), _as_float(bound)
    series = _observations.setdefault(str(label)[:80], {"count": 0, "over": 0,
                                                        "within_kept": [], "over_kept": []})
    over = bool(over) if over is not None else not (err <= bnd)
    series["count"] += 1
    series["over"] += over
    kept, cap = (series["over_kept"], MAX_OVER) if over else (series["within_kept"], MAX_WITHIN)
    if len(kept) < cap:
        kept.append((err, bnd))


def observe_worst(error, bound, bad, label: str, among=None) -> None:
    """:func:`observe` for a whole array compared elementwise: record only its worst element,
    the bad one with the largest error/bound if any is bad, else the worst of ``among`` (a mask;
    default every element). NaN ratios count as the worst. One point per call keeps plots of
    large arrays readable and results.json small."""
    if _observations is None:
        return
    import numpy as np

    err, bnd, bad = np.broadcast_arrays(np.asarray(error, dtype=np.float64),
                                        np.asarray(bound, dtype=np.float64),
                                        np.asarray(bad, dtype=bool))
    failed = bool(bad.any())
    mask = bad if failed else (np.ones(bad.shape, bool) if among is None
                               else np.broadcast_to(np.asarray(among, dtype=bool), bad.shape))
    if not mask.any():
        return
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = np.where(bnd > 0, err / np.where(bnd > 0, bnd, 1.0), np.where(err > 0, np.inf, 0.0))
    ratio = np.where(mask, np.nan_to_num(ratio, nan=np.inf, posinf=np.inf), -1.0)
    i = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    observe(err[i], bnd[i], label=label, over=failed)


_leaderboard: list[dict] | None = None  # set by the grading plugin around each test


def leaderboard(name: str, value: float, order: str = "desc") -> None:
    """Put ``value`` on the assignment's leaderboard under ``name`` (Gradescope shows it beside
    the class's; ``order`` "desc" ranks larger first). Outside a grading session it does
    nothing. Only visible tests' entries are kept."""
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
    if _leaderboard is not None:
        _leaderboard.append({"name": str(name)[:80], "value": json_float(_float_or_nan(value)),
                             "order": order})


def _float_or_nan(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return math.nan


def _as_float(v) -> float:
    return abs(_float_or_nan(v))


def start_observing() -> None:
    """Begin collecting :func:`observe` and :func:`leaderboard` calls for one test (the plugin
    calls this)."""
    global _observations, _leaderboard
    _observations, _leaderboard = {}, []


def take_leaderboard() -> list[dict]:
    """End collection of the test's :func:`leaderboard` entries and return them."""
    global _leaderboard
    got, _leaderboard = _leaderboard or [], None
    return got


def stop_observing() -> list[dict]:
    """End collection and return the test's observations as JSON-ready dicts.

    One dict per label: ``{"label", "count", "over", "error": [...], "bound": [...]}``, the
    kept pairs (those within the bound first). JSON has no NaN or infinity, so those are
    stored as the strings "nan", "inf" (see :func:`json_float` / :func:`from_json_float`)."""
    global _observations
    got, _observations = _observations or {}, None
    out = []
    for label, s in got.items():
        pairs = s["within_kept"] + s["over_kept"]
        out.append({"label": label, "count": s["count"], "over": s["over"],
                    "error": [json_float(e) for e, _ in pairs],
                    "bound": [json_float(b) for _, b in pairs]})
    return out


def json_float(v: float) -> float | str:
    """A float JSON can hold: finite floats as they are, NaN and ±inf as "nan", "inf", "-inf"."""
    return v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))


def from_json_float(v) -> float:
    """The inverse of :func:`json_float` (None, or anything else, reads as NaN)."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


class StudentRaised(Exception):
    """The student's function raised an exception (mixed with the same built-in class)."""

    def __init__(self, message: str, info: dict):
        super().__init__(message)
        self.info = info


class GradingAbort(BaseException):
    """A call that cannot be judged: the test fails at once with this message."""


class NotImplementedByStudent(GradingAbort):
    pass


class MissingName(GradingAbort):
    pass


class ForbiddenUse(GradingAbort):
    pass


class WorkerTimeout(GradingAbort):
    pass


class WorkerCrashed(GradingAbort):
    pass


class BadAnswer(GradingAbort):
    pass


class ImportFailed(GradingAbort):
    pass


_mixed: dict[str, type] = {}


def student_exception(info: dict, message: str) -> BaseException:
    """A :class:`StudentRaised` that is also an instance of the student's built-in base class."""
    base = next((getattr(builtins, name) for name in info.get("bases", [])
                 if isinstance(getattr(builtins, name, None), type)
                 and issubclass(getattr(builtins, name), Exception)), Exception)
    if base is Exception:
        return StudentRaised(message, info)
    cls = _mixed.get(base.__name__)
    if cls is None:
        try:
            cls = type(f"Student{base.__name__}", (StudentRaised, base), {})
        except TypeError:  # a built-in whose instance layout cannot be mixed (OSError...)
            cls = StudentRaised
        _mixed[base.__name__] = cls
    return cls(message, info)


# ------------------------------------------------------------------ timing GPU kernels
@dataclass(frozen=True)
class Timing:
    """What :func:`benchmark` measured, in seconds per call, the round trip's overhead taken
    out. ``seconds_per_call`` is the one to judge by: the whole block of timed calls, which a
    worker that answers early cannot shorten. ``median`` and ``spread`` (10th and 90th
    percentiles) are of the single calls, for the report."""

    seconds_per_call: float
    median: float
    spread: tuple[float, float]
    overhead: float
    calls: int


def benchmark(sub, name: str, make, iterations: int = 20, warmup: int = 3, check=None) -> Timing:
    """Time ``sub.<name>`` on the GPU, on the grader's clock.

    ``make(i)`` returns ``(args, kwargs)``, a fresh input for call ``i`` (so a cached or lazily
    computed output cannot win). The inputs are left in the worker first, untimed; each timed
    call is then one short round trip in which the worker flushes the GPU's L2 cache, calls the
    function and waits for the device before it answers. The grader times those round trips
    and subtracts the median of as many empty ones (the same trip, cache flush included,
    without the call); the first ``warmup`` calls (compilation, autotuning) are not counted.
    ``check(args, kwargs, output)``, if given, judges every output, warm-up ones included,
    after the timing. The clock is in the grader, not in student code: see docs/threat-model.md.
    """
    worker = getattr(sub, "_worker", None)
    if worker is None or not getattr(worker, "gpu", False):
        raise RuntimeError("benchmark times GPU kernels and needs CUDA: this assignment runs on "
                           "the CPU here. Mark the test @gpu_only, so that it runs only on a GPU.")
    return measure(sub, name, make, iterations, warmup, check)


def measure(sub, name: str, make, iterations: int, warmup: int, check=None) -> Timing:
    """:func:`benchmark` without its CUDA check (on the CPU, the worker's wait for the device
    is a no-op): the engine's own tests run it on the CPU."""
    if iterations < 1 or warmup < 0:
        raise ValueError("benchmark needs iterations >= 1 and warmup >= 0")
    keys = list(range(warmup + iterations))
    inputs = {}
    for key in keys:
        args, kwargs = make(key)
        inputs[key] = (tuple(args), dict(kwargs))
        sub._stash(key, *inputs[key])
    for key in keys[:warmup]:
        sub._timed(name, key)
    empty = sorted(sub._timed(None, key) for key in keys[warmup:])
    overhead = statistics.median(empty)
    started = time.perf_counter()
    single = [sub._timed(name, key) for key in keys[warmup:]]
    sub._timed(None, keys[-1])  # answered only after every timed call has finished
    block = time.perf_counter() - started
    for key in keys:
        output = sub._fetch(key)
        if check is not None:
            check(*inputs[key], output)
    per_call = sorted(t - overhead for t in single)
    return Timing(seconds_per_call=max(block - (iterations + 1) * overhead, 0.0) / iterations,
                  median=statistics.median(per_call),
                  spread=(per_call[len(per_call) // 10], per_call[(len(per_call) * 9) // 10]),
                  overhead=overhead, calls=iterations)


# ------------------------------------------------------------------- the contract's errors

def check_raises(call, cases) -> None:
    """Each ``(args, exception class, what)`` of ``cases``, or ``(args, kwargs, exception class,
    what)``: ``call(*args, **kwargs)`` must raise exactly that class (the student's exception
    arrives as the same built-in class). The first that does not fails the test, naming
    ``what`` and what happened instead."""
    for case in cases:
        args, kwargs, exc, what = case if len(case) == 4 else (case[0], {}, *case[1:])
        try:
            got = call(*args, **kwargs)
        except exc:
            continue
        except Exception as e:  # noqa: BLE001 - the student's function raised another class
            kind = next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")
            pytest.fail(f"{what}: raised {kind} ({e}); it must raise {exc.__name__}")
        pytest.fail(f"{what}: returned {type(got).__name__}; it must raise {exc.__name__}")


# ------------------------------------------------------------------- the structure of a kernel

def _last_name(node) -> str:
    """``tl.load`` -> "load", ``jit`` -> "jit": names are matched by their last part, so an
    import alias (``import triton.language as T``) changes nothing."""
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


class TritonSource:
    """The Triton kernels of a student's module, read from its source (never run): what a Triton
    assignment's tests check the structure of (a loop over blocks that loads, a ``tl.dot``...).
    A kernel is a function decorated with ``triton.jit`` (or ``autotune``/``heuristics``)."""

    def __init__(self, source: str):
        tree = ast.parse(source)  # a SyntaxError: the module's import fails first and says why
        self.kernels = {fn.name: fn for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
                        and any(_last_name(d) in ("jit", "autotune", "heuristics")
                                for d in fn.decorator_list)}

    def calls(self, node: ast.AST) -> set[str]:
        """The (last parts of the) names called in ``node``, and in the kernels it calls."""
        found, todo, seen = set(), [node], set()
        while todo:
            for call in ast.walk(todo.pop()):
                if isinstance(call, ast.Call):
                    name = _last_name(call)
                    found.add(name)
                    if name in self.kernels and name not in seen:
                        seen.add(name)
                        todo.append(self.kernels[name])
        return found

    def loops(self) -> list[ast.AST]:
        """Every ``for`` and ``while`` loop inside a kernel."""
        return [n for fn in self.kernels.values() for n in ast.walk(fn)
                if isinstance(n, (ast.For, ast.While))]


@functools.lru_cache(maxsize=8)
def triton_source(source: str) -> TritonSource | None:
    """:class:`TritonSource` of ``sub.source``, once per module; None when it does not parse
    (its import fails and says why, so no structure check needs to)."""
    try:
        return TritonSource(source)
    except SyntaxError:
        return None
