"""Malicious: looks for the reference solution (relative and absolute paths), loads it and
re-exports its functions and hand answers. The sandbox must hide it; without it, every call
fails."""
import importlib.util
import os

CANDIDATES = [
    "../../reference/tiled_matmul.py", "../reference/tiled_matmul.py",
    "../../../reference/tiled_matmul.py", "/work/main/reference/tiled_matmul.py",
    "/autograder/source/reference/tiled_matmul.py", "/autograder/reference/tiled_matmul.py",
]
_ref = None
for path in CANDIDATES:
    try:
        if os.path.exists(path):
            spec = importlib.util.spec_from_file_location("stolen_reference", path)
            _ref = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(_ref)
            break
    except Exception:
        _ref = None

HAND_TILE = getattr(_ref, "HAND_TILE", None)
HAND_LOADS = getattr(_ref, "HAND_LOADS", None)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    if _ref is None:
        raise RuntimeError("reference not found")
    return _ref.tile_of(pid, num_pid_m, num_pid_n, group_m)


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    if _ref is None:
        raise RuntimeError("reference not found")
    return _ref.matmul(a, b, block_m=block_m, block_n=block_n, block_k=block_k, group_m=group_m)


def linear(x, w):
    if _ref is None:
        raise RuntimeError("reference not found")
    return _ref.linear(x, w)
