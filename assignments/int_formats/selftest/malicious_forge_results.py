"""Malicious: writes a forged full-marks results.json wherever a grader might read one (the
working directory, its parents, Gradescope's /autograder/results, the home folder, /tmp), at
import and again at the first call of each function, then answers nothing right. Must still
score zero. (Once per function, not at every call: the hidden sweeps call each function tens of
thousands of times, and forging at each took two minutes of the self-tests for the same attack.)"""

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


_DONE = set()  # who has forged: "import", then each function by its name


def _forge(by="import"):
    if by in _DONE:
        return
    _DONE.add(by)
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
    _forge("encode_bits")
    return "forged"


def decode_bits(s, bits):
    _forge("decode_bits")
    return 0.5


def to_unsigned(value, bits):
    _forge("to_unsigned")
    return -1


def from_unsigned(pattern, bits):
    _forge("from_unsigned")
    return 2 ** 70


def wrap(value, bits):
    _forge("wrap")
    return 2 ** 70


def wrap_add(x, y, bits):
    _forge("wrap_add")
    return 2 ** 70


def wrap_mul(x, y, bits):
    _forge("wrap_mul")
    return 2 ** 70


def saturate(value, bits, symmetric=False):
    _forge("saturate")
    return 2 ** 70


def q_range(m, n):
    _forge("q_range")
    return "forged"


def q_encode(x, m, n, rounding="nearest_even"):
    _forge("q_encode")
    return 0.5


def q_decode(code, m, n):
    _forge("q_decode")
    return "forged"
