"""Malicious: looks for the reference solution (relative and absolute paths), loads it and
returns its answers. The sandbox must hide it; without it, every call fails."""
import importlib.util
import os

CANDIDATES = [
    "../../reference/tiled_attention.py", "../reference/tiled_attention.py",
    "../../../reference/tiled_attention.py", "/work/main/reference/tiled_attention.py",
    "/autograder/source/reference/tiled_attention.py", "/autograder/reference/tiled_attention.py",
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


def attention(q, k, v, causal=False, sm_scale=None):
    if _ref is None:
        raise RuntimeError("reference not found")
    return _ref.attention(q, k, v, causal=causal, sm_scale=sm_scale)
