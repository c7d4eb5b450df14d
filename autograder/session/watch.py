"""``ulp check --watch``: grade a file again each time it is saved, in about what its tests take.

A fresh ``ulp check`` spends most of its time before the first test: starting Python, importing
the grader (pytest, hypothesis), collecting the tests, and starting the sandboxed worker, which
imports torch (over a second) where the assignment uses it. Watching keeps this process, and
everything it imported, from one grading to the next, and starts the next worker as soon as a
grading ends: it imports what the assignment uses, then waits for the file (:meth:`Worker.hold`).
Each grading is still a pytest session of its own, with a worker of its own in the same sandbox
as any ``ulp check``; what is kept between gradings is the grader's own modules and the
assignment's tests, which do not change while a student edits.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from autograder.course.assignment import Assignment
from autograder.course.forbidden import imports_of
from autograder.model import Grade, Submission, files_beside
from autograder.sandbox import isolation as sandbox
from autograder.sandbox import preload
from autograder.sandbox.process import Worker
from autograder.session.grade import grade_submission, grading_device
from autograder.session.plugin import worker_for
from autograder.settings import GradingSettings

POLL_S = 0.1  # how often the folder is looked at: a save is seen within this


def stamp(file: Path) -> tuple | None:
    """What changes when the file or a ``.py`` file beside it (a helper) is saved; None while
    the file is missing (an editor may replace it by renaming)."""
    try:
        stats = [(p.name, p.stat()) for p in [file, *files_beside(file)]]
    except OSError:
        return None
    return tuple(sorted((name, st.st_mtime_ns, st.st_size) for name, st in stats))


def preloads(a: Assignment, file: Path) -> list[str]:
    """The heavy modules (torch, triton) a held worker imports ahead: those that the
    assignment's stub or reference or the student's file imports, unless forbidden (a forbidden
    module is only ever loaded by the student's own import, which is then seen)."""
    used = a.reference_imports()
    for source in (a.stub, file):
        try:
            used |= imports_of(source.read_text(errors="replace"))
        except (OSError, SyntaxError, ValueError):
            pass
    return [m for m in preload.HEAVY if m in used and m not in a.forbidden.modules]


def watch(a: Assignment, file: Path, student_id: str, settings: GradingSettings,
          show: Callable[[Grade, float], None], poll_s: float = POLL_S) -> None:
    """Grade ``file`` with the public tests now and after every change, calling ``show`` with
    each grade and its wall time, until interrupted (Ctrl-C: KeyboardInterrupt)."""
    isolation = sandbox.choose(settings.isolation)  # the held workers'; their gradings record it
    device = grading_device(a)
    held: Worker | None = None
    seen = None
    with tempfile.TemporaryDirectory(prefix="ulp-watch-") as scratch:
        # hypothesis's own files, for the whole watch (each grading's scratch folder is removed)
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(scratch, ".hypothesis")
        try:
            while True:
                now = stamp(file)
                if now is None or now == seen:
                    time.sleep(poll_s)
                    continue
                seen = now
                started = time.monotonic()
                grade = grade_submission(a, Submission(student_id, file.parent, file), settings,
                                         include_hidden=False, worker=held)
                held = None  # it graded this version and was closed with its session
                show(grade, time.monotonic() - started)
                held = worker_for(a, file, isolation, device)
                held.hold(preloads(a, file))
        finally:
            if held is not None:
                held.close()
