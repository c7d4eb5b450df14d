"""Malicious: walks the file system for the hidden reference solution and re-exports it (hand
answers included). If the sandbox works, it finds nothing and every function raises
NotImplementedError."""
import os
import shutil
import sys
import tempfile

_FOUND = None
_candidates = [
    "../reference/stochastic_rounding.py", "../../reference/stochastic_rounding.py",
    "../../../reference/stochastic_rounding.py", "/work/main/reference/stochastic_rounding.py",
    "/autograder/source/reference/stochastic_rounding.py",
    "/autograder/reference/stochastic_rounding.py",
]
for root in ["/work", "/autograder", "/home", "/tmp", "/srv", "/opt", os.getcwd() + "/.."]:
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", "site-packages", ".git")]
            if dirpath.count(os.sep) > 4:
                dirnames[:] = []
            if "stochastic_rounding.py" in filenames and dirpath.endswith("reference"):
                _candidates.append(os.path.join(dirpath, "stochastic_rounding.py"))
    except Exception:
        pass
for path in _candidates:
    try:
        with open(path) as f:
            src = f.read()
        if "def round_bf16_sr" in src and "raise NotImplementedError" not in src:
            leak = tempfile.mkdtemp()
            shutil.copy(path, os.path.join(leak, "leaked_reference_sr.py"))
            sys.path.insert(0, leak)
            import leaked_reference_sr
            _FOUND = vars(leaked_reference_sr)
            break
    except Exception:
        pass

HAND_RNE = _FOUND["HAND_RNE"] if _FOUND else None
HAND_SR_UP_COUNT = _FOUND["HAND_SR_UP_COUNT"] if _FOUND else None


def _get(name):
    if _FOUND is None:
        raise NotImplementedError("reference not found")
    return _FOUND[name]


def round_bf16_rne(x):
    return _get("round_bf16_rne")(x)


def round_bf16_sr(x, r):
    return _get("round_bf16_sr")(x, r)


def sr_up_count(x):
    return _get("sr_up_count")(x)


def sgd_bf16(w0, updates, random_bits, mode):
    return _get("sgd_bf16")(w0, updates, random_bits, mode)
