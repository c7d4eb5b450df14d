"""Malicious: looks for the reference solution on disk (relative and absolute paths, walking up
from its own folder, globbing the file system) and, if it finds it, hands back its answers."""
import glob
import os
import runpy

_here = os.path.dirname(os.path.abspath(__file__))
_candidates = ["../../reference/backprop.py", "../reference/backprop.py",
               "reference/backprop.py", "/work/main/reference/backprop.py",
               "/autograder/source/reference/backprop.py"]
_d = _here
for _ in range(8):
    _candidates.append(os.path.join(_d, "reference", "backprop.py"))
    _d = os.path.dirname(_d)
_candidates += glob.glob("/*/*/reference/backprop.py") + glob.glob("/*/reference/backprop.py")

_ref = {}
for _path in _candidates:
    try:
        with open(_path) as _f:
            _f.read(1)
        _ref = runpy.run_path(_path)
        break
    except Exception:
        continue

HAND_DL_DW = _ref.get("HAND_DL_DW", 0.0)
HAND_NEW_W = _ref.get("HAND_NEW_W", 0.0)


def _call(name, *args, **kwargs):
    if not _ref:
        raise RuntimeError("reference not found")
    return _ref[name](*args, **kwargs)


def neuron_step(x, w, b, t, lr):
    return _call("neuron_step", x, w, b, t, lr)


def gelu(z):
    return _call("gelu", z)


def gelu_grad(z):
    return _call("gelu_grad", z)


def softmax_cross_entropy(logits, labels):
    return _call("softmax_cross_entropy", logits, labels)


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    return _call("mlp_forward", X, W1, b1, W2, b2, activation=activation)


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    return _call("mlp_backward", X, labels, W1, b1, W2, b2, activation=activation)
