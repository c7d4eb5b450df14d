"""Correct: Python floats (doubles) with math.exp, math.log and the exactly rounded math.fsum,
one slice at a time, then rounded once to z's dtype."""
import math

import numpy as np


def _row(vals):
    if any(math.isnan(v) for v in vals):
        n = float("nan")
        return [n] * len(vals), [n] * len(vals), n
    m = max(vals)
    if m == -math.inf:
        n = float("nan")
        return [n] * len(vals), [n] * len(vals), -math.inf
    d = [v - m for v in vals]
    e = [math.exp(x) if x != -math.inf else 0.0 for x in d]
    s = math.fsum(e)
    ls = math.log(s)
    return [x / s for x in e], [x - ls for x in d], m + ls


def _apply(z, axis, k):
    z = np.asarray(z)
    zl = np.moveaxis(z, axis, -1)
    rows = zl.reshape(-1, zl.shape[-1]).astype(np.float64).tolist()
    res = [_row(r)[k] for r in rows]
    with np.errstate(over="ignore"):
        out = np.array(res, dtype=np.float64).astype(z.dtype)
    if k == 2:
        return out.reshape(zl.shape[:-1])
    return np.moveaxis(out.reshape(zl.shape), -1, axis)


def softmax(z, axis=-1):
    return _apply(z, axis, 0)


def log_softmax(z, axis=-1):
    return _apply(z, axis, 1)


def logsumexp(z, axis=-1):
    return _apply(z, axis, 2)
