"""Malicious: looks for the reference solution on disk (relative and absolute paths, walking up
from its own folder) and, if it finds it, runs it and hands back its answers."""
import glob
import os
import runpy

_here = os.path.dirname(os.path.abspath(__file__))
_candidates = ["../../reference/kahan_sum.py", "../reference/kahan_sum.py",
               "reference/kahan_sum.py", "/work/main/reference/kahan_sum.py",
               "/autograder/source/reference/kahan_sum.py"]
_d = _here
for _ in range(8):
    _candidates.append(os.path.join(_d, "reference", "kahan_sum.py"))
    _d = os.path.dirname(_d)
_candidates += glob.glob("/*/*/reference/kahan_sum.py") + glob.glob("/*/reference/kahan_sum.py")

_ref = None
for _path in _candidates:
    try:
        with open(_path) as _f:
            _f.read(1)
        _ref = runpy.run_path(_path)
        break
    except Exception:
        continue


def _delegate(name, x):
    if _ref is None:
        raise RuntimeError("reference not found")
    return _ref[name](x)


def naive_sum(x):
    return _delegate("naive_sum", x)


def kahan_sum(x):
    return _delegate("kahan_sum", x)


def neumaier_sum(x):
    return _delegate("neumaier_sum", x)
