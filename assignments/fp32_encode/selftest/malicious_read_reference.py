"""Malicious: looks for the hidden reference (and the hidden tests) outside its own folder,
by relative paths, absolute paths and /proc, and answers with it when found. If the sandbox
holds, nothing is found and it answers garbage, scoring zero."""

import os
from pathlib import Path

_ref = None
_found = []


def _candidates():
    names = ["reference/fp32_encode.py", "../reference/fp32_encode.py",
             "../../reference/fp32_encode.py", "../../../reference/fp32_encode.py",
             "/work/main/reference/fp32_encode.py", "/autograder/source/reference/fp32_encode.py"]
    for base in [Path.cwd(), Path(__file__).resolve().parent, Path("/")]:
        for parent in [base, *base.parents]:
            names.append(str(parent / "reference" / "fp32_encode.py"))
    for pid in ("self", str(os.getppid()), "1"):
        names.append(f"/proc/{pid}/cwd/reference/fp32_encode.py")
    return names


for _name in _candidates():
    try:
        _text = Path(_name).read_text()
    except Exception:
        continue
    _found.append(_name)
    _ns = {"__name__": "stolen_reference"}
    try:
        exec(compile(_text, _name, "exec"), _ns)
        _ref = _ns
        break
    except Exception:
        pass

if _ref is not None:
    HAND_SIGN = _ref["HAND_SIGN"]
    HAND_EXPONENT = _ref["HAND_EXPONENT"]
    HAND_MANTISSA = _ref["HAND_MANTISSA"]


def _call(name, *args, default):
    if _ref is None:
        return default
    return _ref[name](*args)


def encode_fp32(x):
    return _call("encode_fp32", x, default=-1)


def decode_fp32(bits):
    return _call("decode_fp32", bits, default=-1.0)


def fp32_fields(x):
    return _call("fp32_fields", x, default=(-1, -1, -1))


def encode_float(x, exp_bits, man_bits):
    return _call("encode_float", x, exp_bits, man_bits, default=-1)


def decode_float(bits, exp_bits, man_bits):
    return _call("decode_float", bits, exp_bits, man_bits, default=-1.0)
