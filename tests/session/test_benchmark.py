"""autograder.testing.benchmark: GPU kernels timed on the grader's clock.

On the CPU the timing path runs whole (stash, timed round trips, fetch, checks) through
``testing.measure``; ``benchmark`` itself refuses with a clear "needs CUDA" line, and the
worker reports no GPU memory. What only a GPU can show is run by bench/gpu_check.sh.
"""

import pytest

from autograder.sandbox import isolation as sandbox
from autograder.sandbox.process import Worker
from autograder.session.student import StudentModule
from autograder.settings import Limits
from autograder.testing import ForbiddenUse, benchmark, measure

SLEEPY = """import time, math

def slow_add(a, b, pause=0.05):
    time.sleep(pause)
    return [a + b]

def broken(a, b, pause=0.0):
    raise ValueError("no")

def cheat(a, b, pause=0.0):
    return [math.fsum([a, b])]
"""


@pytest.fixture
def sub(tmp_path):
    (tmp_path / "toy.py").write_text(SLEEPY)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=5), sandbox.choose(),
                    runtime_forbidden=["math.fsum"])
    module = StudentModule(worker, ["slow_add", "broken", "cheat"], [])
    yield module
    worker.close()


def test_calls_are_timed_on_fresh_inputs_and_every_output_is_checked(sub):
    checked = []

    def make(i):
        return (i, 10 * i), {"pause": 0.05}

    def check(args, kwargs, out):
        assert out == [args[0] + args[1]]
        checked.append(args)

    t = measure(sub, "slow_add", make, iterations=4, warmup=2, check=check)
    assert sorted(checked) == [(i, 10 * i) for i in range(6)], "warm-up outputs are checked too"
    assert t.calls == 4
    # a sleep lasts at least its pause: the overhead taken out cannot eat into it
    assert t.seconds_per_call >= 0.04 and t.median >= 0.04 and t.spread[0] >= 0.04
    assert 0 <= t.overhead < t.seconds_per_call


def test_a_wrong_output_fails_the_check_after_timing(sub):
    def check(args, kwargs, out):
        assert out == ["a cached answer"], "the output is judged"

    with pytest.raises(AssertionError, match="the output is judged"):
        measure(sub, "slow_add", lambda i: ((i, i), {"pause": 0.0}), iterations=2, warmup=0,
                check=check)


def test_a_call_that_raises_or_uses_a_forbidden_name_fails_as_any_call_would(sub):
    with pytest.raises(ValueError, match="no"):
        measure(sub, "broken", lambda i: ((i, i), {}), iterations=2, warmup=1)
    with pytest.raises(ForbiddenUse, match="math.fsum"):
        measure(sub, "cheat", lambda i: ((i, i), {}), iterations=2, warmup=1)


def test_benchmark_needs_cuda_and_a_cpu_call_reports_no_gpu_memory(sub):
    with pytest.raises(RuntimeError, match="needs CUDA.*@gpu_only"):
        benchmark(sub, "slow_add", lambda i: ((i, i), {}))
    assert sub.slow_add(1, 2, pause=0.0) == [3]
    assert "cuda_peak_bytes" not in sub.last_meta
