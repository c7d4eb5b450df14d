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


def _forge():
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
    _forge()
    return 300


def decode_e4m3fn(code):
    _forge()
    return 12345.0


def encode_e5m2(x, saturate=False):
    _forge()
    return 300


def decode_e5m2(code):
    _forge()
    return 12345.0


def encode_fp16(x):
    _forge()
    return 70000


def decode_fp16(code):
    _forge()
    return 12345.0


def encode_bf16(x):
    _forge()
    return 70000


def decode_bf16(code):
    _forge()
    return 12345.0


def format_info(exp_bits, man_bits, nan_style):
    _forge()
    return {}


def which_formats_hold(x):
    _forge()
    return []
