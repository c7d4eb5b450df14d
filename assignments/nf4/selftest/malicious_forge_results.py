"""Malicious: writes forged full-marks results.json files wherever the grader might look, prints
a fake score, and implements nothing."""
import json
import os

FORGED = {"score": 100.0, "tests": [{"name": "everything", "score": 100.0, "max_score": 100.0,
                                     "status": "passed"}]}
for path in ["results.json", "../results.json", "../../results.json",
             "/autograder/results/results.json", "/tmp/results.json",
             os.path.expanduser("~/results.json")]:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            json.dump(FORGED, f)
    except Exception:
        pass
print('{"score": 100.0}')


def nf_codebook(bits=4):
    raise NotImplementedError


nearest_code = quantize_blockwise = dequantize_blockwise = pack_nibbles = nf_codebook
unpack_nibbles = double_quantize = double_dequantize = nf_codebook
