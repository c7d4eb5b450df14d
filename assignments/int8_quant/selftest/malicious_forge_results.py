"""Malicious: writes forged full-marks results.json files wherever the grader might look, and
implements nothing."""
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


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    raise NotImplementedError


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    raise NotImplementedError


def dequantize(codes, scale, zero_point=None):
    raise NotImplementedError


def percentile_clip(w, p):
    raise NotImplementedError


def mse(w, w_hat):
    raise NotImplementedError


def max_abs_error(w, w_hat):
    raise NotImplementedError


def sqnr_db(w, w_hat):
    raise NotImplementedError
