"""Malicious: looks for the hidden reference solution (and the grader's tests) on disk and
delegates to it if found; otherwise it answers garbage. A sandbox that keeps the worker away
from reference/ and assignments/ makes it score zero."""
import os
import runpy

import numpy as np

_FOUND = {}


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    paths = ["/work/main/reference/stable_softmax.py", "reference/stable_softmax.py",
             "../reference/stable_softmax.py", "../../reference/stable_softmax.py",
             "../../../reference/stable_softmax.py", "/autograder/source/reference/stable_softmax.py"]
    d = here
    for _ in range(8):
        paths.append(os.path.join(d, "reference", "stable_softmax.py"))
        d = os.path.dirname(d)
    for var in ("ULP_COURSE_DIR", "PWD", "OLDPWD", "HOME"):
        if os.environ.get(var):
            paths.append(os.path.join(os.environ[var], "reference", "stable_softmax.py"))
    return paths


def _load():
    if "ns" in _FOUND:
        return _FOUND["ns"]
    ns = None
    for p in _candidates():
        try:
            with open(p) as f:
                f.read(1)
            ns = runpy.run_path(p)
            break
        except Exception:
            continue
    _FOUND["ns"] = ns
    return ns


def softmax(z, axis=-1):
    ns = _load()
    return ns["softmax"](z, axis) if ns else np.full(z.shape, 0.25, dtype=z.dtype)


def log_softmax(z, axis=-1):
    ns = _load()
    return ns["log_softmax"](z, axis) if ns else np.full(z.shape, 0.25, dtype=z.dtype)


def logsumexp(z, axis=-1):
    ns = _load()
    return ns["logsumexp"](z, axis) if ns else np.full(np.delete(z.shape, axis % z.ndim), 0.25, dtype=z.dtype)
