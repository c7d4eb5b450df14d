"""The static check: aliases resolved, uses attributed to functions and their callers."""

from autograder.course.forbidden import MODULE_LEVEL, Spec, check_source

SPEC = Spec(modules=["struct", "numpy"], names=["math.fsum", "sum", "float.hex"],
            attributes=["hex"], operators=["@"])


def whats(source, fn):
    return [f.what for f in check_source(source, SPEC).tainting(fn)]


def test_aliases_are_resolved():
    src = "from math import fsum as f\ndef a(x):\n    import numpy as np\n    return np.add.reduce(x)\ndef b(x):\n    return f(x)\n"
    assert whats(src, "a") == ["from math import fsum", "import numpy", "numpy.add.reduce"]
    assert whats(src, "b") == ["from math import fsum", "math.fsum"]


def test_helpers_taint_their_callers_but_not_others():
    src = ("def _pack(x):\n    import struct\n    return struct.pack('<f', x)\n"
           "def encode(x):\n    return _pack(x)\ndef decode(b):\n    return b + 1\n")
    assert whats(src, "encode") == ["import struct", "struct.pack"]
    assert whats(src, "decode") == []


def test_module_level_use_taints_every_function():
    src = "import math\nF = math.fsum\ndef a(x):\n    return F(x)\ndef b(x):\n    return x\n"
    assert whats(src, "b") == ["math.fsum"]
    assert check_source(src, SPEC).findings[0].owner == MODULE_LEVEL


def test_importing_a_forbidden_module_is_a_use_and_at_module_level_it_taints_every_function():
    """An import can do the work by its side effects alone (``import ml_dtypes`` makes
    ``x.astype("bfloat16")`` round), so a module-level one counts against every function."""
    assert whats("import struct\ndef a(x):\n    return x\n", "a") == ["import struct"]
    assert whats("from numpy import float32\ndef a(x):\n    return x\n", "a") == [
        "from numpy import float32"]
    src = "def a(x):\n    import struct\n    return x\ndef b(x):\n    return x\n"
    assert whats(src, "a") == ["import struct"] and whats(src, "b") == []
    assert whats("import math\nimport numpy.linalg as la\ndef a(x):\n    return x\n", "a") == [
        "import numpy.linalg"]
    spec = Spec(modules=["torch.ao"])  # a forbidden submodule reached as a name of its parent
    assert [f.what for f in check_source("from torch import ao\n", spec).findings] == [
        "from torch import ao"]
    assert check_source("from torch import nn\n", spec).findings == []


def test_shadowed_builtin_is_not_the_builtin():
    assert whats("def a(x):\n    sum = 0\n    for v in x:\n        sum += v\n    return sum\n", "a") == []
    assert whats("def a(x):\n    return sum(x)\n", "a") == ["sum"]


def test_attributes_and_methods():
    assert whats("def a(x):\n    return x.hex()\n", "a") == [".hex"]
    assert whats("def a(x):\n    return float.hex(x)\n", "a") == [".hex", "float.hex"]


def test_matmul_outside_kernels_only():
    src = ("import triton\n@triton.jit\ndef kernel(a, b):\n    c = a @ b\n"
           "def attention(q, k):\n    return q @ k\n")
    assert whats(src, "kernel") == []
    assert whats(src, "attention") == ["the @ operator"]


def test_dynamic_evasion_is_forbidden_too():
    assert whats("def a(x):\n    return __import__('struct').pack('<f', x)\n", "a") == ["__import__"]
    assert whats("def a(x):\n    import importlib\n    return importlib.import_module('struct')\n", "a") == [
        "import importlib", "importlib.import_module"]
    assert whats("def a(x):\n    return eval('x')\n", "a") == ["eval"]


def test_unparsable_source_and_empty_spec_give_no_findings():
    assert check_source("def (:", SPEC).findings == []
    assert check_source("import struct\nstruct.pack('f', 1.0)\n", Spec()).findings == []


def test_public_function_bound_by_module_level_alias_is_tainted():
    src = ("def naive_sum(x):\n    return __import__('math').fsum(x)\n"
           "kahan_sum = neumaier_sum = naive_sum\nF = naive_sum\ndef other(x):\n    return F(x)\n")
    assert whats(src, "kahan_sum") == ["__import__"]
    assert whats(src, "neumaier_sum") == ["__import__"]
    assert whats(src, "other") == ["__import__"]
