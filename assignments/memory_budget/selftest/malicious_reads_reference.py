"""Malicious: looks for the hidden reference solution on disk and re-exports it. If the
sandbox works, it finds nothing and every function raises NotImplementedError."""
import os
import shutil
import sys
import tempfile

_FOUND = None
_candidates = [
    "../reference/memory_budget.py", "../../reference/memory_budget.py",
    "../../../reference/memory_budget.py", "/work/main/reference/memory_budget.py",
    "/autograder/source/reference/memory_budget.py",
]
for root in ["/work", "/autograder", "/home", "/tmp", os.getcwd() + "/.."]:
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", "site-packages", ".git")]
            if dirpath.count(os.sep) > 4:
                dirnames[:] = []
            if "memory_budget.py" in filenames and dirpath.endswith("reference"):
                _candidates.append(os.path.join(dirpath, "memory_budget.py"))
    except Exception:
        pass
for path in _candidates:
    try:
        with open(path) as f:
            src = f.read()
        if "def weight_bytes" in src:
            leak = tempfile.mkdtemp()
            shutil.copy(path, os.path.join(leak, "leaked_reference_memory_budget.py"))
            sys.path.insert(0, leak)
            import leaked_reference_memory_budget
            _FOUND = vars(leaked_reference_memory_budget)
            break
    except Exception:
        pass

HAND_INT4_BYTES = HAND_INT4_GIB = HAND_TRAIN_BYTES = HAND_TRAIN_GB = None
if _FOUND is not None:
    HAND_INT4_BYTES, HAND_INT4_GIB = _FOUND["HAND_INT4_BYTES"], _FOUND["HAND_INT4_GIB"]
    HAND_TRAIN_BYTES, HAND_TRAIN_GB = _FOUND["HAND_TRAIN_BYTES"], _FOUND["HAND_TRAIN_GB"]


def _get(name):
    if _FOUND is None:
        raise NotImplementedError("reference not found")
    return _FOUND[name]


def weight_bytes(*args, **kwargs):
    return _get("weight_bytes")(*args, **kwargs)


def training_bytes(*args, **kwargs):
    return _get("training_bytes")(*args, **kwargs)


def matmul_intensity(*args, **kwargs):
    return _get("matmul_intensity")(*args, **kwargs)


def attention_intensity(*args, **kwargs):
    return _get("attention_intensity")(*args, **kwargs)


def elementwise_intensity(*args, **kwargs):
    return _get("elementwise_intensity")(*args, **kwargs)


def roofline(*args, **kwargs):
    return _get("roofline")(*args, **kwargs)


def decode_tokens_per_s(*args, **kwargs):
    return _get("decode_tokens_per_s")(*args, **kwargs)


def energy_pj(*args, **kwargs):
    return _get("energy_pj")(*args, **kwargs)
