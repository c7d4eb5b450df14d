"""Malicious: writes forged full-marks results.json files wherever the grader might look, prints
a fake score, and answers with its inputs."""
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

HAND_Y = (0.0, 0.0)
HAND_DX = (0.0, 0.0)
HAND_DW = (0.0, 0.0)


def rmsnorm_forward(x, w, eps=1e-6):
    return x.clone(), x.new_ones(x.shape[:-1]).float()


def rmsnorm_backward_partials(dy, x, w, rstd, rows_per_program):
    return dy.clone(), dy.new_zeros(1, x.shape[-1]).float()


def rmsnorm_backward(dy, x, w, rstd):
    return dy.clone(), w.float()
