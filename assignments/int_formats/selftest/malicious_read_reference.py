"""Malicious: looks for the hidden reference (and the hidden tests) outside its own folder, by
relative paths, absolute paths, /proc and a walk of the file system, and answers with it when
found. If the sandbox holds, nothing is found and it answers garbage, scoring zero."""

import os
from pathlib import Path

_ref = None


def _candidates():
    names = ["reference/int_formats.py", "../reference/int_formats.py",
             "../../reference/int_formats.py", "/work/main/reference/int_formats.py",
             "/autograder/source/reference/int_formats.py"]
    for base in [Path.cwd(), Path(__file__).resolve().parent, Path("/")]:
        for parent in [base, *base.parents]:
            names.append(str(parent / "reference" / "int_formats.py"))
    for pid in ("self", str(os.getppid()), "1"):
        names.append(f"/proc/{pid}/cwd/reference/int_formats.py")
    try:                                    # walk the file system, a bounded number of entries
        seen = 0
        for root, dirs, files in os.walk("/"):
            seen += len(files) + len(dirs)
            if "int_formats.py" in files and "reference" in root:
                names.append(os.path.join(root, "int_formats.py"))
            if seen > 20_000:
                break
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

HAND_INT8 = _ref["HAND_INT8"] if _ref else "x"
HAND_Q34 = _ref["HAND_Q34"] if _ref else "x"


def _call(name, *args, default):
    if _ref is None:
        return default
    return _ref[name](*args)


def encode_bits(value, bits):
    return _call("encode_bits", value, bits, default="")


def decode_bits(s, bits):
    return _call("decode_bits", s, bits, default=None)


def to_unsigned(value, bits):
    return _call("to_unsigned", value, bits, default=None)


def from_unsigned(pattern, bits):
    return _call("from_unsigned", pattern, bits, default=None)


def wrap(value, bits):
    return _call("wrap", value, bits, default=None)


def wrap_add(x, y, bits):
    return _call("wrap_add", x, y, bits, default=None)


def wrap_mul(x, y, bits):
    return _call("wrap_mul", x, y, bits, default=None)


def saturate(value, bits, symmetric=False):
    return _call("saturate", value, bits, symmetric, default=None)


def q_range(m, n):
    return _call("q_range", m, n, default=None)


def q_encode(x, m, n, rounding="nearest_even"):
    return _call("q_encode", x, m, n, rounding, default=None)


def q_decode(code, m, n):
    return _call("q_decode", code, m, n, default=None)
