"""The worker's lifecycle: spawned ahead of the first call (while the grader collects its tests),
it behaves exactly as a worker started by that call."""

import os
import signal

import pytest

from autograder.sandbox import isolation as sandbox
from autograder.sandbox.process import Worker
from autograder.session.student import StudentModule
from autograder.settings import Limits
from autograder.testing import ForbiddenUse, ImportFailed


def _worker(tmp_path, source):
    (tmp_path / "toy.py").write_text(source)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=5), sandbox.choose())
    return worker, StudentModule(worker, ["f"], [])


def test_a_spawned_worker_answers_the_first_call_and_is_not_started_twice(tmp_path):
    worker, sub = _worker(tmp_path, "def f(x):\n    return x + 1\n")
    try:
        worker.spawn()
        assert worker.proc is not None and not worker.greeted and worker.starts == 1
        assert sub.f(1) == 2
        worker.spawn()  # already running: nothing happens
        assert worker.greeted and worker.starts == 1 and sub.f(2) == 3
    finally:
        worker.close()


def test_an_import_error_of_a_spawned_worker_is_reported_at_the_first_call(tmp_path):
    worker, sub = _worker(tmp_path, "raise ValueError('no import for you')\n")
    try:
        worker.spawn()
        with pytest.raises(ImportFailed, match="ValueError: no import for you"):
            sub.f(1)
        worker.spawn()  # the import failed: no new worker is spawned for it
        assert worker.starts == 1 and worker.proc is None
    finally:
        worker.close()


HEAVY = """import importlib, sys

def loaded():
    return "heavylib" in sys.modules

def plain(x):
    import heavylib
    return heavylib.quantize(x)

def computed(x):
    return importlib.import_module("heavy" + "lib").quantize(x)
"""


@pytest.mark.parametrize("how", ["plain", "computed"])
def test_a_forbidden_name_of_a_module_not_yet_loaded_is_wrapped_once_it_is(tmp_path, how):
    """int8_quant forbids torch.quantize_per_tensor at run time: the worker must not import
    torch (over a second) for a student who never does, and must still see the call of one who
    does, however the module was imported (by the second call at the latest)."""
    (tmp_path / "toy.py").write_text(HEAVY)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=5), sandbox.choose(),
                    runtime_forbidden=["heavylib.quantize"],
                    helpers={"heavylib.py": b"def quantize(x):\n    return x\n"})
    sub = StudentModule(worker, ["loaded", "plain", "computed"], [])
    try:
        assert sub.loaded() is False, "the forbidden name's module was imported for it"
        with pytest.raises(ForbiddenUse, match="heavylib.quantize"):
            for _ in range(1 if how == "plain" else 2):  # an import statement: the first call
                getattr(sub, how)(1)
    finally:
        worker.close()


def test_a_held_worker_imports_ahead_and_runs_the_file_written_after_it_started(tmp_path):
    """`ulp check --watch` starts the next worker before the next save: it imports what the
    assignment uses, waits, and then imports the file as it is when it is given, not as it was
    when the worker started (here it did not exist yet)."""
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=5), sandbox.choose())
    sub = StudentModule(worker, ["f"], [])
    try:
        worker.hold(["wave"])  # a module that nothing else here imports
        assert worker.holding and worker.proc is not None and worker.starts == 1
        (tmp_path / "toy.py").write_text(
            "import sys\n\ndef f(x):\n    return [x + 1, 'wave' in sys.modules]\n")
        worker.give(tmp_path / "toy.py")
        worker.spawn()
        assert sub.f(1) == [2, True] and worker.starts == 1
    finally:
        worker.close()


def test_a_held_worker_that_ended_while_waiting_is_replaced_by_a_fresh_one(tmp_path):
    worker, sub = _worker(tmp_path, "def f(x):\n    return x + 1\n")
    try:
        worker.hold([])
        os.killpg(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(timeout=10)
        worker.spawn()
        assert sub.f(1) == 2 and worker.starts == 1 and not worker.events
    finally:
        worker.close()
