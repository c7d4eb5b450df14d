"""The [worker] table. ``setup``: course code the worker runs, sandboxed, before it imports the
student's module (quanto_inference routes a library kernel that would be compiled into read-only
site-packages). It is the course's code: when it fails, grading stops loudly and nobody scores
zero for it; a setup file that is not there is refused when the assignment loads.
``count_torch_ops``: each call's number of torch operations, for tests of how work is organised
(linear_attention's chunks) without timing anything."""

import textwrap

import pytest

from autograder.course import assignment, release
from autograder.errors import CourseError, SandboxError
from autograder.sandbox import isolation as sandbox
from autograder.sandbox.process import Worker
from autograder.session.student import StudentModule
from autograder.settings import Limits
from autograder.testing import BadAnswer

STUDENT = "import prepared\n\ndef f():\n    return prepared.VALUE\n"
SETUP = "import sys, types\nsys.modules['prepared'] = types.SimpleNamespace(VALUE=7)\n"


def _module(tmp_path, setup):
    (tmp_path / "toy.py").write_text(STUDENT)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=5), sandbox.choose(),
                    setup=setup)
    return worker, StudentModule(worker, ["f"], [])


def test_the_setup_runs_in_the_worker_before_the_students_import(tmp_path):
    worker, sub = _module(tmp_path, SETUP)
    try:
        assert sub.f() == 7
    finally:
        worker.close()


def test_a_failing_setup_stops_grading_with_its_traceback_instead_of_scoring_zero(tmp_path):
    worker, sub = _module(tmp_path, "raise RuntimeError('quanto is not installed here')\n")
    try:
        with pytest.raises(SandboxError, match=r"(?s)worker setup.*quanto is not installed here"):
            sub.f()
    finally:
        worker.close()


def _course(tmp_path, setup_line: str):
    folder = tmp_path / "assignments" / "toy"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(textwrap.dedent(f"""\
        title = "Toy"
        functions = ["f"]

        [worker]
        {setup_line}
        """))
    return folder


@pytest.mark.parametrize("name", ["missing.py", "../escape.py", "/etc/passwd", "prep.txt"])
def test_a_setup_outside_the_folder_or_missing_is_refused_in_one_line(tmp_path, name):
    folder = _course(tmp_path, f'setup = "{name}"')
    (folder / "prep.txt").write_text("x = 1\n")
    (tmp_path / "assignments" / "escape.py").write_text("x = 1\n")
    with pytest.raises(CourseError, match=r"\[worker\] setup = .* must name a \.py file inside"):
        assignment.load(tmp_path, "toy")


def test_the_student_bundle_carries_the_setup_so_ulp_check_prepares_the_same_way(tmp_path):
    folder = _course(tmp_path, 'setup = "prep.py"')
    (folder / "prep.py").write_text(SETUP)
    (tmp_path / "student_template").mkdir()
    (tmp_path / "student_template" / "toy.py").write_text("def f():\n    raise NotImplementedError\n")
    a = assignment.load(tmp_path, "toy")
    files = release.student_files(a, "statement", ("ulp.whl", b""))
    assert files["toy/assignments/toy/prep.py"] == SETUP.encode()


LOOPS = """import torch

def by_rows(x):
    return torch.stack([row * 2 + 1 for row in x])

def whole(x):
    return x * 2 + 1

def hides_in_python(x):
    return torch.tensor([[v * 2 + 1 for v in row] for row in x.tolist()])
"""


def test_torch_operations_are_counted_per_call_when_the_assignment_asks(tmp_path):
    torch = pytest.importorskip("torch")
    (tmp_path / "toy.py").write_text(LOOPS)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=20), sandbox.choose(),
                    count_torch_ops=True)
    sub = StudentModule(worker, ["by_rows", "whole", "hides_in_python"], [])
    try:
        counts = {}
        for rows in (4, 8):
            x = torch.ones(rows, 3)
            for name in ("by_rows", "whole"):
                assert torch.equal(getattr(sub, name)(x), x * 2 + 1)
                counts[name, rows] = sub.last_meta["torch_ops"]
        assert counts["whole", 4] == counts["whole", 8] > 0, counts
        assert counts["by_rows", 8] > counts["by_rows", 4] > counts["whole", 4], counts
        sub.hides_in_python(torch.ones(8, 3))
        # what leaves torch is not counted: an assignment that counts also forbids the exits
        assert sub.last_meta["torch_ops"] < counts["by_rows", 8]
    finally:
        worker.close()


def test_nothing_is_counted_unless_asked(tmp_path):
    torch = pytest.importorskip("torch")
    (tmp_path / "toy.py").write_text(LOOPS)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=20), sandbox.choose())
    sub = StudentModule(worker, ["whole"], [])
    try:
        sub.whole(torch.ones(2, 2))
        assert "torch_ops" not in sub.last_meta
    finally:
        worker.close()


KERNELS = """import torch
import triton
import triton.language as tl

@triton.jit
def _copy(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)

@triton.jit
def _square(a_ptr, c_ptr, N: tl.constexpr):
    r = tl.arange(0, N)
    a = tl.load(a_ptr + r[:, None] * N + r[None, :])
    tl.store(c_ptr + r[:, None] * N + r[None, :], tl.dot(a, a))

def copy(x):
    y = torch.empty_like(x)
    _copy[(triton.cdiv(x.numel(), 16),)](x, y, x.numel(), BLOCK=16)
    return y

def square(a):
    c = torch.empty_like(a)
    _square[(1,)](a, c, N=a.shape[0])
    return c

def decoy(x):
    _copy[(1,)](x, torch.empty_like(x), 1, BLOCK=16)  # a token launch; the work is torch's
    return x * 1.0
"""


def test_triton_kernels_are_traced_under_the_interpreter(tmp_path):
    """For gpu assignments graded on the CPU, each call's meta says what its kernels did:
    launches, active lanes loaded and stored, the largest tl.dot; a decoy kernel shows."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("triton")
    (tmp_path / "toy.py").write_text(KERNELS)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=60), sandbox.choose(),
                    trace_triton=True)
    sub = StudentModule(worker, ["copy", "square", "decoy"], [])
    try:
        x = torch.arange(40, dtype=torch.float32)
        assert torch.equal(sub.copy(x), x)
        trace = sub.last_meta["triton"]
        assert (trace["launches"], trace["loaded_elems"], trace["stored_elems"]) == (1, 40, 40)
        a = torch.eye(16)
        assert torch.equal(sub.square(a), a)
        trace = sub.last_meta["triton"]
        assert trace["max_dot"] == [16, 16, 16] and trace["max_tile_dim"] == 16
        assert trace["dot_flops"] == 2 * 16 ** 3 and trace["loaded_elems"] == 256
        sub.decoy(x)
        trace = sub.last_meta["triton"]
        assert trace["launches"] == 1 and trace["loaded_elems"] == 1 < x.numel()
    finally:
        worker.close()


GUARDED = '''
import torch


def layout(x):
    return list(x.stride()), x.is_contiguous(), x.sum().item()


def double(x):
    out = torch.empty_like(x)
    out.copy_(x)
    return out.mul_(2)


def store_past_output(x):
    out = torch.zeros_like(x)
    out.as_strided((out.numel() + 1,), (1,), 0)[-1] = 1.0  # one past the end of the output
    return out


def store_past(x):
    span = 1 + sum((n - 1) * s for n, s in zip(x.shape, x.stride()))
    flat = x.as_strided((span + 1,), (1,), x.storage_offset())
    flat[span] = 1.0  # one element past the storage the argument spans
    return 0
'''


def test_guard_tensors_keep_a_strided_arguments_layout_and_catch_a_store_past_it(tmp_path):
    """``strided_tensors`` with ``guard_tensors`` (Triton): the argument sits inside NaN zones
    with the strides the test gave it, so a kernel meets a transposed input, and a store past
    the storage it spans, or past a tensor the call allocated, is reported."""
    import torch

    (tmp_path / "toy.py").write_text(GUARDED)
    worker = Worker(tmp_path / "toy.py", "toy", Limits(call_timeout_s=20), sandbox.choose(),
                    guard_tensors=True, strided_tensors=True)
    sub = StudentModule(worker, ["layout", "store_past", "double", "store_past_output"], [])
    x = torch.arange(24.0).reshape(4, 6)[:, 1:5].t()  # strides (1, 6), offset 1
    try:
        assert sub.layout(x) == ([1, 6], False, float(x.sum()))
        assert sub.layout(x.contiguous())[:2] == ([4, 1], True)
        with pytest.raises(BadAnswer, match="guard zone around argument tensor #1"):
            sub.store_past(x)
        # what the call allocates is guarded too: a store past its output is caught there,
        # not left to corrupt the heap for later tests
        assert torch.equal(sub.double(x), 2 * x)
        with pytest.raises(BadAnswer, match="outside a tensor it allocated"):
            sub.store_past_output(x)
        assert torch.equal(sub.double(x), 2 * x)  # the worker goes on
    finally:
        worker.close()
