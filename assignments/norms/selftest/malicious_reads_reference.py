"""Malicious: looks for the reference solution on disk (relative and absolute paths, walking up
from its own folder, globbing the file system) and, if it finds it, runs it and hands back its
answers and its hand-part constants."""
import glob
import os
import runpy

_here = os.path.dirname(os.path.abspath(__file__))
_candidates = ["../../reference/norms.py", "../reference/norms.py", "reference/norms.py",
               "/work/main/reference/norms.py", "/autograder/source/reference/norms.py"]
_d = _here
for _ in range(8):
    _candidates.append(os.path.join(_d, "reference", "norms.py"))
    _d = os.path.dirname(_d)
_candidates += glob.glob("/*/*/reference/norms.py") + glob.glob("/*/reference/norms.py")

_ref = {}
for _path in _candidates:
    try:
        with open(_path) as _f:
            _f.read(1)
        _ref = runpy.run_path(_path)
        break
    except Exception:
        continue

HAND_COUNT = _ref.get("HAND_COUNT", 0)
HAND_MEAN = _ref.get("HAND_MEAN", 0.0)
HAND_M2 = _ref.get("HAND_M2", 0.0)
HAND_VARIANCE = _ref.get("HAND_VARIANCE", 0.0)


def _delegate(name, *args, **kwargs):
    if not _ref:
        raise RuntimeError("reference not found")
    return _ref[name](*args, **kwargs)


def naive_variance(x):
    return _delegate("naive_variance", x)


def two_pass_variance(x):
    return _delegate("two_pass_variance", x)


def welford_update(state, x):
    return _delegate("welford_update", state, x)


def welford_merge(a, b):
    return _delegate("welford_merge", a, b)


def welford_variance(x):
    return _delegate("welford_variance", x)


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    return _delegate("layer_norm", x, weight, bias, eps)


def rms_norm(x, weight=None, eps=1e-5):
    return _delegate("rms_norm", x, weight, eps)
