"""Malicious: does every cast with ml_dtypes and NumPy, imported under computed names so that
no static check sees `ml_dtypes` or `numpy`, and reaches `.astype` / `.view` through getattr.
The checks must catch it; if they do not, this scores full marks without doing the exercise."""

import importlib
import math

_np = importlib.import_module("num" + "py")
_md = importlib.import_module("ml_" + "dtypes")
_AS, _VIEW = "as" + "type", "vi" + "ew"

HAND_V = "11011101"
HAND_W = "01011011"

_DT = {"e4m3fn": ("float8_e4m3fn", "uint8"), "e5m2": ("float8_e5m2", "uint8"),
       "fp16": ("float16", "uint16"), "bf16": ("bfloat16", "uint16")}


def _dtype(name):
    t, u = _DT[name]
    return (getattr(_md, t) if hasattr(_md, t) else getattr(_np, t)), getattr(_np, u)


def _enc(x, name, saturate=False):
    dt, u = _dtype(name)
    with _np.errstate(all="ignore"):
        arr = getattr(_np.array([x], dtype=_np.float32), _AS)(dt)
    code = int(getattr(arr, _VIEW)(u)[0])
    if saturate and not math.isnan(float(x)) and not math.isfinite(float(getattr(arr, _AS)(_np.float32)[0])):
        return (code & 0x80) | (0x7E if name == "e4m3fn" else 0x7B)
    return code


def _dec(code, name):
    dt, u = _dtype(name)
    if not 0 <= code < (256 if u == _np.uint8 else 65536):
        raise ValueError("out of range")
    return float(getattr(_np.array([code], dtype=u), _VIEW)(dt)[0])


def encode_e4m3fn(x, saturate=False):
    return _enc(x, "e4m3fn", saturate)


def decode_e4m3fn(code):
    return _dec(code, "e4m3fn")


def encode_e5m2(x, saturate=False):
    return _enc(x, "e5m2", saturate)


def decode_e5m2(code):
    return _dec(code, "e5m2")


def encode_fp16(x):
    return _enc(x, "fp16")


def decode_fp16(code):
    return _dec(code, "fp16")


def encode_bf16(x):
    return _enc(x, "bf16")


def decode_bf16(code):
    return _dec(code, "bf16")


def format_info(exp_bits, man_bits, nan_style):
    raise NotImplementedError


def which_formats_hold(x):
    raise NotImplementedError
