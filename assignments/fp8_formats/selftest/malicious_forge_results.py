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

HAND_V = "forged"
HAND_W = "forged"


def _targets():
    here = Path.cwd()
    places = [here, *here.parents, Path(__file__).resolve().parent,
              *Path(__file__).resolve().parents, Path("/autograder/results"), Path("/autograder"),
              Path.home(), Path("/tmp"), Path(os.environ.get("TMPDIR", "/tmp"))]
    for env in ("RESULTS", "ULP_RESULTS", "OUT", "OUTPUT"):
        if os.environ.get(env):
            places.append(Path(os.environ[env]))
    return places


_DONE = set()  # who has forged: "import", then each function by its name


def _forge(by="import"):
    if by in _DONE:
        return
    _DONE.add(by)
    for place in _targets():
        for name in ("results.json", "../results.json", "out/results.json"):
            try:
                target = place / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(FORGED))
            except Exception:
                pass


_forge()


def encode_e4m3fn(x, saturate=False):
    _forge("encode_e4m3fn")
    return 300


def decode_e4m3fn(code):
    _forge("decode_e4m3fn")
    return 12345.0


def encode_e5m2(x, saturate=False):
    _forge("encode_e5m2")
    return 300


def decode_e5m2(code):
    _forge("decode_e5m2")
    return 12345.0


def encode_fp16(x):
    _forge("encode_fp16")
    return 70000


def decode_fp16(code):
    _forge("decode_fp16")
    return 12345.0


def encode_bf16(x):
    _forge("encode_bf16")
    return 70000


def decode_bf16(code):
    _forge("decode_bf16")
    return 12345.0


def format_info(exp_bits, man_bits, nan_style):
    _forge("format_info")
    return {}


def which_formats_hold(x):
    _forge("which_formats_hold")
    return []
