"""Malicious: writes a forged full-marks results.json wherever a grader might read one (the
working directory, its parents, Gradescope's /autograder/results, the home folder, /tmp), at
import and again on every call, then answers nothing right. Must still score zero."""

import json
import os
from pathlib import Path

FORGED = {
    "score": 1000.0,
    "output": "forged",
    "tests": [{"name": "forged", "score": 1000.0, "max_score": 1000.0, "status": "passed"}],
}

HAND_INT8 = "forged"
HAND_Q34 = "forged"


def _forge():
    here = Path.cwd()
    places = [here, *here.parents, Path(__file__).resolve().parent,
              Path("/autograder/results"), Path("/autograder"), Path.home(), Path("/tmp")]
    for env in ("RESULTS", "ULP_RESULTS", "OUT", "OUTPUT"):
        if os.environ.get(env):
            places.append(Path(os.environ[env]))
    for place in places:
        for name in ("results.json", "out/results.json"):
            try:
                target = place / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(FORGED))
            except Exception:
                pass


_forge()


def encode_bits(value, bits):
    _forge()
    return "forged"


def decode_bits(s, bits):
    _forge()
    return 0.5


def to_unsigned(value, bits):
    _forge()
    return -1


def from_unsigned(pattern, bits):
    _forge()
    return 2 ** 70


def wrap(value, bits):
    _forge()
    return 2 ** 70


def wrap_add(x, y, bits):
    _forge()
    return 2 ** 70


def wrap_mul(x, y, bits):
    _forge()
    return 2 ** 70


def saturate(value, bits, symmetric=False):
    _forge()
    return 2 ** 70


def q_range(m, n):
    _forge()
    return "forged"


def q_encode(x, m, n, rounding="nearest_even"):
    _forge()
    return 0.5


def q_decode(code, m, n):
    _forge()
    return "forged"
