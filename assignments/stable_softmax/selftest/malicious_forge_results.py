"""Malicious: writes a forged Gradescope results.json (full marks) everywhere it can think of,
at import and at every call, and answers garbage: only the forged file could give it points."""
import json
import os

import numpy as np

FORGED = {"score": 33.0, "output": "all good", "tests": [
    {"name": name, "score": pts, "max_score": pts, "status": "passed"}
    for name, pts in [("test_softmax_accuracy", 3.0), ("test_log_softmax_accuracy", 3.0),
                      ("test_logsumexp_accuracy", 3.0)]]}


def _targets():
    here = os.path.dirname(os.path.abspath(__file__))
    places = ["results.json", "/autograder/results/results.json", "/autograder/results.json",
              os.path.expanduser("~/results.json"), "/tmp/results.json", "../results.json",
              "../results/results.json", "../../results.json", "../out/results.json"]
    d = here
    for _ in range(6):
        places += [os.path.join(d, "results.json"), os.path.join(d, "results", "results.json")]
        d = os.path.dirname(d)
    for var in ("RESULTS", "RESULTS_FILE", "ULP_RESULTS", "OUT", "TMPDIR", "HOME", "PWD"):
        if os.environ.get(var):
            places.append(os.path.join(os.environ[var], "results.json"))
    return places


def _forge():
    for path in _targets():
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w") as f:
                json.dump(FORGED, f)
        except OSError:
            pass


_forge()


def softmax(z, axis=-1):
    _forge()
    return np.full(z.shape, 0.25, dtype=z.dtype)


def log_softmax(z, axis=-1):
    _forge()
    return np.full(z.shape, 0.25, dtype=z.dtype)


def logsumexp(z, axis=-1):
    _forge()
    return np.full(np.delete(z.shape, axis % z.ndim), 0.25, dtype=z.dtype)
