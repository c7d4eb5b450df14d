"""A test's time budget (``[limits] test_timeout_s``) counts only the time its calls spend in
the student's code: a slow oracle or a loaded machine on the grader's side must never make a
correct submission run out of time."""

import time

import pytest

from autograder.sandbox import isolation as sandbox
from autograder.sandbox.process import Worker
from autograder.session.student import STRIKES, StudentModule
from autograder.settings import Limits
from autograder.testing import WorkerTimeout

TOY = "import time\n\ndef nap(s):\n    time.sleep(s)\n    return s\n"


@pytest.fixture
def sub(tmp_path):
    (tmp_path / "toy.py").write_text(TOY)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=5, test_timeout_s=1.0),
                    sandbox.choose())
    module = StudentModule(worker, ["nap"], [])
    module.nap(0)  # the worker's start is not part of any test
    module.begin_test()
    yield module
    worker.close()


def test_the_graders_own_time_does_not_count(sub):
    assert sub.nap(0.05) == 0.05
    time.sleep(1.2)  # an oracle that takes longer than the whole budget
    assert sub.nap(0.05) == 0.05


def test_the_students_time_adds_up_across_calls(sub):
    sub.nap(0.4)
    sub.nap(0.4)
    with pytest.raises(WorkerTimeout, match=r"took more than 1 s in all|did not return within"):
        sub.nap(0.4)
        sub.nap(0.4)


def test_after_three_timeouts_a_function_that_timed_out_is_not_called_again(tmp_path):
    """Each timeout costs the call limit and a fresh worker; an endless loop would cost that in
    every test of every looping function, so once calls have timed out in STRIKES tests, a
    function that timed out is refused at once. Other functions are still called."""
    loops = "\ndef spin():\n    while True:\n        pass\n\nspin2 = spin\n"
    (tmp_path / "toy.py").write_text(TOY + loops)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=0.3, test_timeout_s=5),
                    sandbox.choose())
    sub = StudentModule(worker, ["nap", "spin", "spin2"], [])

    def test(call, refused: bool):
        sub.begin_test()
        starts = worker.starts
        match = "was not called: .* in [0-9]+ tests" if refused else "did not return within"
        with pytest.raises(WorkerTimeout, match=match):
            call()
        assert (worker.starts == starts) == refused  # no worker is started for a refusal

    try:
        for _ in range(STRIKES):
            test(sub.spin, refused=False)
        test(sub.spin, refused=True)
        test(sub.spin2, refused=False)  # its first timeout: it had not timed out before
        test(sub.spin2, refused=True)
        assert sub.nap(0) == 0
    finally:
        worker.close()


def test_reading_a_value_is_bounded_by_the_call_limit_not_the_tests(tmp_path):
    """A read runs student code too (a module ``__getattr__`` that never returns): it used to
    wait for the whole test budget (60 s for a hand value, twice per endless-loop sample)."""
    spinning = TOY + "\ndef __getattr__(name):\n    while True:\n        pass\n"
    (tmp_path / "toy.py").write_text(spinning)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=0.3, test_timeout_s=30),
                    sandbox.choose())
    sub = StudentModule(worker, ["nap"], ["HAND"])
    try:
        sub.nap(0)  # the worker's start is not part of the read
        sub.begin_test()
        with pytest.raises(WorkerTimeout, match=r"HAND did not return within 0.3 s"):
            sub.HAND
    finally:
        worker.close()


def test_an_endless_call_in_a_batch_stops_at_its_own_limit(tmp_path):
    """A batch (``sub.many``) waits up to the call limit times the number of calls; one endless
    call used to hold the test until its whole budget ran out (60 s, four times over for one
    fp8_formats sample). The worker stops it at the call limit itself and stays up; a call
    that ignores the alarm still meets the grader's deadline."""
    looping = TOY + '''
import signal


def spin_at(x):
    while x == 5:
        pass
    return x


def stubborn(x):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while x == 5:
        pass
    return x
'''
    (tmp_path / "toy.py").write_text(looping)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=0.5, test_timeout_s=30),
                    sandbox.choose())
    sub = StudentModule(worker, ["nap", "spin_at", "stubborn"], [])
    try:
        assert sub.many("spin_at", [(1,), (2,)]) == [1, 2]
        starts = worker.starts
        sub.begin_test()
        with pytest.raises(WorkerTimeout, match=r"spin_at\(5\) did not return within 0.5 s"):
            sub.many("spin_at", [(1,), (2,)] + [(5,)] * 50)
        assert worker.starts == starts and sub._test_spent < 10  # not 50 x 0.5 s, no restart
        assert "timeout" in worker.events and sub.timeouts == {"spin_at": 1}
        sub.begin_test()
        with pytest.raises(WorkerTimeout, match=r"stubborn \(called on 3 inputs in turn\) did "
                                                r"not return within 1.5 s"):
            sub.many("stubborn", [(1,), (5,), (2,)])
    finally:
        worker.close()
