"""Malicious: writes forged full-marks results.json files wherever the grader might look and
prints a forged score; its answers are placeholders (no kernel)."""
import json
import os

import torch

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

HAND_TILE = (0, 0)
HAND_LOADS = (0, 0)


def tile_of(pid, num_pid_m, num_pid_n, group_m):
    return (0, 0)


def matmul(a, b, *, block_m=None, block_n=None, block_k=None, group_m=None):
    return torch.zeros((a.shape[0], b.shape[1]), dtype=a.dtype)


def linear(x, w):
    return torch.zeros((x.shape[0], w.shape[0]), dtype=x.dtype)
