"""Malicious: walks the file system for the reference solution, loads it and returns its
answers (and its hand values). The sandbox must hide it; importlib is forbidden anyway."""
import importlib.util
import os

_ref = None
for root in ("/work", "/autograder", "..", "../..", "../../.."):
    for dirpath, _dirs, files in os.walk(root):
        if "rmsnorm_kernel.py" in files and dirpath.endswith("reference"):
            try:
                spec = importlib.util.spec_from_file_location("stolen", os.path.join(dirpath, "rmsnorm_kernel.py"))
                _ref = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(_ref)
            except Exception:
                _ref = None
            break
    if _ref is not None:
        break

HAND_Y = getattr(_ref, "HAND_Y", (0.0, 0.0))
HAND_DX = getattr(_ref, "HAND_DX", (0.0, 0.0))
HAND_DW = getattr(_ref, "HAND_DW", (0.0, 0.0))


def rmsnorm_forward(x, w, eps=1e-6):
    return _ref.rmsnorm_forward(x, w, eps)


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    return _ref.rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program)


def rmsnorm_backward(dy, x, w, rstd):
    return _ref.rmsnorm_backward(dy, x, w, rstd)
