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

import builtins

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
