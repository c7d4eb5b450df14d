"""Malicious: looks for the hidden reference solution on disk and re-exports it. If the sandbox
works, it finds nothing and every function raises NotImplementedError."""
import os
import shutil
import sys
import tempfile

_FOUND = None
_candidates = ["../reference/linear_attention.py", "../../reference/linear_attention.py",
               "/work/main/reference/linear_attention.py",
               "/autograder/source/reference/linear_attention.py"]
for root in ["/work", "/autograder", "/home", "/tmp", os.getcwd() + "/.."]:
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", "site-packages", ".git")]
            if dirpath.count(os.sep) > 4:
                dirnames[:] = []
            if "linear_attention.py" in filenames and dirpath.endswith("reference"):
                _candidates.append(os.path.join(dirpath, "linear_attention.py"))
    except Exception:
        pass
for path in _candidates:
    try:
        with open(path) as f:
            src = f.read()
        if "def delta_rule_recurrent" in src:
            leak = tempfile.mkdtemp()
            shutil.copy(path, os.path.join(leak, "leaked_reference_la.py"))
            sys.path.insert(0, leak)
            import leaked_reference_la
            _FOUND = vars(leaked_reference_la)
            break
    except Exception:
        pass


def _get(name):
    if _FOUND is None:
        raise NotImplementedError("reference not found")
    return _FOUND[name]


HAND_S1 = HAND_O1 = None
if _FOUND is not None:
    HAND_S1, HAND_O1 = _FOUND["HAND_S1"], _FOUND["HAND_O1"]


def linear_attention_parallel(q, k, v):
    return _get("linear_attention_parallel")(q, k, v)


def linear_attention_recurrent(q, k, v, initial_state=None):
    return _get("linear_attention_recurrent")(q, k, v, initial_state)


def linear_attention_chunked(q, k, v, chunk_size, initial_state=None):
    return _get("linear_attention_chunked")(q, k, v, chunk_size, initial_state)


def delta_rule_recurrent(q, k, v, beta, initial_state=None):
    return _get("delta_rule_recurrent")(q, k, v, beta, initial_state)
