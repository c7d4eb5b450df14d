"""Malicious: looks for the hidden reference (and walks the file system for it) outside its own
folder, by relative paths, absolute paths, /proc and os.walk, and answers with it when found.
If the sandbox holds, nothing is found and it answers garbage, scoring zero."""

import os
from pathlib import Path

_ref = None
_TARGET = "fp8_formats.py"


def _candidates():
    names = ["reference/" + _TARGET, "../reference/" + _TARGET, "../../reference/" + _TARGET,
             "/work/main/reference/" + _TARGET, "/autograder/source/reference/" + _TARGET]
    for base in [Path.cwd(), Path(__file__).resolve().parent, Path("/")]:
        for parent in [base, *base.parents]:
            names.append(str(parent / "reference" / _TARGET))
    for pid in ("self", str(os.getppid()), "1"):
        names.append(f"/proc/{pid}/cwd/reference/{_TARGET}")
    try:
        for root, dirs, files in os.walk("/"):
            if root.endswith("reference") and _TARGET in files:
                names.append(os.path.join(root, _TARGET))
            if root.count(os.sep) > 4:
                dirs[:] = []
    except Exception:
        pass
    return names


for _name in _candidates():
    try:
        _text = Path(_name).read_text()
    except Exception:
        continue
    _ns = {"__name__": "stolen_reference"}
    try:
        exec(compile(_text, _name, "exec"), _ns)
        _ref = _ns
        break
    except Exception:
        pass

HAND_V = _ref["HAND_V"] if _ref else ""
HAND_W = _ref["HAND_W"] if _ref else ""


def _call(name, *args, default):
    if _ref is None:
        return default
    return _ref[name](*args)


def encode_e4m3fn(x, saturate=False):
    return _call("encode_e4m3fn", x, saturate, default=-1)


def decode_e4m3fn(code):
    return _call("decode_e4m3fn", code, default=-1.0)


def encode_e5m2(x, saturate=False):
    return _call("encode_e5m2", x, saturate, default=-1)


def decode_e5m2(code):
    return _call("decode_e5m2", code, default=-1.0)


def encode_fp16(x):
    return _call("encode_fp16", x, default=-1)


def decode_fp16(code):
    return _call("decode_fp16", code, default=-1.0)


def encode_bf16(x):
    return _call("encode_bf16", x, default=-1)


def decode_bf16(code):
    return _call("decode_bf16", code, default=-1.0)


def format_info(exp_bits, man_bits, nan_style):
    return _call("format_info", exp_bits, man_bits, nan_style, default={})


def which_formats_hold(x):
    return _call("which_formats_hold", x, default=[])
