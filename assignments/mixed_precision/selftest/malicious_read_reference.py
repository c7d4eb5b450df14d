"""Malicious: looks for the hidden reference solution on disk and re-exports it. If the
sandbox works, it finds nothing and every function raises NotImplementedError."""
import os
import shutil
import sys
import tempfile

_FOUND = None
_candidates = [
    "../reference/mixed_precision.py", "../../reference/mixed_precision.py",
    "/work/main/reference/mixed_precision.py",
    "/autograder/source/reference/mixed_precision.py",
]
for root in ["/work", "/autograder", "/home", "/tmp", os.getcwd() + "/.."]:
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", "site-packages", ".git")]
            if dirpath.count(os.sep) > 4:
                dirnames[:] = []
            if "mixed_precision.py" in filenames and dirpath.endswith("reference"):
                _candidates.append(os.path.join(dirpath, "mixed_precision.py"))
    except Exception:
        pass
for path in _candidates:
    try:
        with open(path) as f:
            src = f.read()
        if "def adam_step" in src:
            leak = tempfile.mkdtemp()
            shutil.copy(path, os.path.join(leak, "leaked_reference_mp.py"))
            sys.path.insert(0, leak)
            import leaked_reference_mp
            _FOUND = vars(leaked_reference_mp)
            break
    except Exception:
        pass


def _get(name):
    if _FOUND is None:
        raise NotImplementedError("reference not found")
    return _FOUND[name]


HAND_SCALES = HAND_TRACKER = HAND_STEP_OUTSIDE = HAND_STEP_INSIDE = HAND_STEP_FLUSHED = None
if _FOUND is not None:
    HAND_SCALES, HAND_TRACKER = _FOUND["HAND_SCALES"], _FOUND["HAND_TRACKER"]
    HAND_STEP_OUTSIDE, HAND_STEP_INSIDE = _FOUND["HAND_STEP_OUTSIDE"], _FOUND["HAND_STEP_INSIDE"]
    HAND_STEP_FLUSHED = _FOUND["HAND_STEP_FLUSHED"]


def unscale_grads(grads, scale):
    return _get("unscale_grads")(grads, scale)


def update_scale(*args):
    return _get("update_scale")(*args)


def master_weights_run(w0, updates):
    return _get("master_weights_run")(w0, updates)


def bf16_direct_run(w0, updates):
    return _get("bf16_direct_run")(w0, updates)


def adam_step(*args):
    return _get("adam_step")(*args)
