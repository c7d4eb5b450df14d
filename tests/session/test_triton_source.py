"""``autograder.testing.triton_source``: what a Triton assignment's structure checks read from a
student's module (never run): its kernels, the loops inside them, and what those loops call,
through jit helpers and whatever name triton was imported under."""

import textwrap

from autograder.testing import triton_source

MODULE = textwrap.dedent('''
    import torch
    import triton
    import triton.language as T
    from triton import jit


    @jit
    def _tile(a_ptr, b_ptr, offs):
        return T.dot(T.load(a_ptr + offs), T.load(b_ptr + offs))


    @triton.autotune(configs=[], key=["K"])
    @triton.jit
    def matmul_kernel(a_ptr, b_ptr, c_ptr, K, BLOCK: T.constexpr):
        acc = T.zeros((BLOCK, BLOCK), dtype=T.float32)
        for k in range(0, K, BLOCK):
            acc += _tile(a_ptr, b_ptr, k)
        T.store(c_ptr, acc)


    @triton.jit
    def flat_kernel(x_ptr):
        T.store(x_ptr, T.sum(T.load(x_ptr), axis=0))


    def matmul(a, b):  # host code: not a kernel
        for _ in range(3):
            torch.matmul(a, b)
''')


def test_kernels_loops_and_the_calls_they_reach():
    found = triton_source(MODULE)
    assert sorted(found.kernels) == ["_tile", "flat_kernel", "matmul_kernel"]
    loops = found.loops()
    assert len(loops) == 1  # the host's loop is not in a kernel
    assert {"dot", "load", "_tile"} <= found.calls(loops[0])  # through the jit helper
    assert "matmul" not in found.calls(loops[0])
    assert found.calls(found.kernels["flat_kernel"]) >= {"sum", "load", "store"}


def test_a_module_without_kernels_or_that_does_not_parse():
    assert triton_source("import torch\n\ndef matmul(a, b):\n    return a @ b\n").kernels == {}
    assert triton_source("def broken(:\n") is None
