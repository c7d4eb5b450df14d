"""Malicious: writes forged full-marks results.json files wherever the grader might look, prints
a forged score, and implements nothing."""
import json
import os

FORGED = {"score": 100.0, "tests": [{"name": "everything", "score": 100.0, "max_score": 100.0,
                                     "status": "passed"}]}
for path in ["results.json", "../results.json", "../../results.json",
             "/autograder/results/results.json", "/autograder/results.json",
             "/tmp/results.json", os.path.expanduser("~/results.json"),
             os.environ.get("ULP_RESULTS", "results_env.json")]:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            json.dump(FORGED, f)
    except Exception:
        pass
print('{"score": 100.0}')


def round_bf16_rne(x):
    raise NotImplementedError


def round_bf16_sr(x, r):
    raise NotImplementedError


def sr_up_count(x):
    raise NotImplementedError


def sgd_bf16(w0, updates, random_bits, mode):
    raise NotImplementedError
