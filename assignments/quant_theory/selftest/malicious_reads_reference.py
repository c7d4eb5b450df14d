"""Malicious: looks for the reference solution on disk (relative and absolute paths, walking up
from its own folder, globbing the file system) and, if it finds it, hands back its answers."""
import glob
import os
import runpy

_here = os.path.dirname(os.path.abspath(__file__))
_candidates = ["../../reference/quant_theory.py", "../reference/quant_theory.py",
               "reference/quant_theory.py", "/work/main/reference/quant_theory.py",
               "/autograder/source/reference/quant_theory.py"]
_d = _here
for _ in range(8):
    _candidates.append(os.path.join(_d, "reference", "quant_theory.py"))
    _d = os.path.dirname(_d)
_candidates += glob.glob("/*/*/reference/quant_theory.py") + glob.glob("/*/reference/quant_theory.py")

_ref = {}
for _path in _candidates:
    try:
        with open(_path) as _f:
            _f.read(1)
        _ref = runpy.run_path(_path)
        break
    except Exception:
        continue

HAND_SQNR_DB = _ref.get("HAND_SQNR_DB", 0.0)


def _call(name, *args):
    if not _ref:
        raise RuntimeError("reference not found")
    return _ref[name](*args)


def sqnr_db(x, x_hat):
    return _call("sqnr_db", x, x_hat)


def theoretical_sqnr_db(bits):
    return _call("theoretical_sqnr_db", bits)


def lloyd_max(levels, density):
    return _call("lloyd_max", levels, density)


def fwht(x):
    return _call("fwht", x)


def crest_factor(x):
    return _call("crest_factor", x)


def rotated_quantize(W, bits):
    return _call("rotated_quantize", W, bits)


def layer_errors(weights, x, bits):
    return _call("layer_errors", weights, x, bits)


def most_sensitive_layer(weights, x, bits):
    return _call("most_sensitive_layer", weights, x, bits)
