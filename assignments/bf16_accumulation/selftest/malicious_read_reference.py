"""Malicious: walks the file system for the reference solution (relative and absolute paths,
up from its own folder, glob) and, if it finds it, runs it and hands back its answers,
hand values included."""
import glob
import os
import runpy

_here = os.path.dirname(os.path.abspath(__file__))
_name = "bf16_accumulation.py"
_candidates = [f"../../reference/{_name}", f"../reference/{_name}", f"reference/{_name}",
               f"/work/main/reference/{_name}", f"/autograder/source/reference/{_name}"]
_d = _here
for _ in range(8):
    _candidates.append(os.path.join(_d, "reference", _name))
    _d = os.path.dirname(_d)
_candidates += glob.glob(f"/*/*/reference/{_name}") + glob.glob(f"/*/reference/{_name}")
for _root, _dirs, _files in os.walk("/"):
    if _name in _files and "reference" in _root:
        _candidates.append(os.path.join(_root, _name))
    if _root.count(os.sep) > 4:
        _dirs[:] = []

_ref = None
for _path in _candidates:
    try:
        _ref = runpy.run_path(_path)
        break
    except Exception:
        continue

HAND_STEP = _ref["HAND_STEP"] if _ref else None
HAND_STALL = _ref["HAND_STALL"] if _ref else None


def _delegate(name, *args):
    if _ref is None:
        raise RuntimeError("reference not found")
    return _ref[name](*args)


def round_to_bf16(x):
    return _delegate("round_to_bf16", x)


def dot_bf16(x, y):
    return _delegate("dot_bf16", x, y)


def dot_fp32(x, y):
    return _delegate("dot_fp32", x, y)


def dot_blocked(x, y, block):
    return _delegate("dot_blocked", x, y, block)


def accumulate_bf16(w, updates):
    return _delegate("accumulate_bf16", w, updates)


def stall_point(t, accumulator):
    return _delegate("stall_point", t, accumulator)
