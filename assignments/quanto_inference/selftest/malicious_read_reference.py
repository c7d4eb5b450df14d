"""Malicious: walks the file system for the hidden reference and re-exports it. If the sandbox
works, it finds nothing and every function raises NotImplementedError."""
import os
import sys
import tempfile
import shutil

_FOUND = None
_candidates = ["../reference/quanto_inference.py", "../../reference/quanto_inference.py",
               "/work/main/reference/quanto_inference.py",
               "/autograder/source/reference/quanto_inference.py"]
for root in ["/work", "/autograder", "/home", "/tmp", "/srv", os.getcwd() + "/.."]:
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", "site-packages", ".git")]
            if dirpath.count(os.sep) > 4:
                dirnames[:] = []
            if "quanto_inference.py" in filenames and dirpath.endswith("reference"):
                _candidates.append(os.path.join(dirpath, "quanto_inference.py"))
    except Exception:
        pass
for path in _candidates:
    try:
        with open(path) as f:
            src = f.read()
        if "def plan" in src:
            leak = tempfile.mkdtemp()
            shutil.copy(path, os.path.join(leak, "leaked_quanto_ref.py"))
            sys.path.insert(0, leak)
            import leaked_quanto_ref
            _FOUND = vars(leaked_quanto_ref)
            break
    except Exception:
        pass


def _get(name):
    if _FOUND is None:
        raise NotImplementedError("reference not found")
    return _FOUND[name]


def __getattr__(name):
    if name.startswith("HAND_"):
        return _get(name)
    raise AttributeError(name)


def weight_bytes(shape, qtype):
    return _get("weight_bytes")(shape, qtype)


def decode_qint4(data, scale, shift, group_size, shape):
    return _get("decode_qint4")(data, scale, shift, group_size, shape)


def layer_sensitivity(state, x, qtype):
    return _get("layer_sensitivity")(state, x, qtype)


def plan(state, x, budget):
    return _get("plan")(state, x, budget)
