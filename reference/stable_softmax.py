"""Reference solution for ``stable_softmax`` (the contract: assignments/stable_softmax/statement.md.j2).

softmax, log_softmax and logsumexp along one axis of a float16/float32/float64 array, stable
for any finite logits (the max is subtracted first), with PyTorch's conventions for ``-inf``
masks and NaN:

- a slice that is all ``-inf`` has logsumexp ``-inf`` and softmax/log_softmax NaN;
- NaN anywhere in a slice makes all of that slice's outputs NaN (``np.max`` propagates NaN);
- a ``-inf`` entry in a slice with a finite max gets probability exactly 0 and log-probability
  ``-inf``.

The work is done in float64 (at least as wide as every accepted input dtype) and the results
are rounded once to z's dtype at the end. Results whose exact value lies outside the dtype's
range (e.g. float16 log_softmax of ``[-65504, 65504]``, exactly -131008) round to ``-inf``,
as IEEE 754 rounding does.
"""

from __future__ import annotations

import numpy as np

_DTYPES = (np.float16, np.float32, np.float64)


def _prepare(z, axis: int):
    """(z as float64, the shift m with keepdims, z's dtype), after checking the arguments."""
    z = np.asarray(z)
    if z.dtype not in _DTYPES:
        raise TypeError(f"z must be a float16, float32 or float64 array, got {z.dtype}")
    if z.ndim == 0:
        raise ValueError("z must have at least one dimension")
    axis = int(axis)
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {z.ndim} dimensions")
    if z.shape[axis] == 0:
        raise ValueError("the slice along axis must have at least one element")
    w = z.astype(np.float64)
    m = np.max(w, axis=axis, keepdims=True)           # NaN in a slice -> NaN (propagates)
    # An all -inf slice: shift by 0 instead of -inf (which would give -inf - -inf = NaN), so
    # that every exp is 0, the sum is 0 and log(sum) = -inf.
    m = np.where(np.isneginf(m), 0.0, m)
    return w, m, z.dtype, axis


def _log_sum(w, m, axis):
    """log Σ exp(z - m) along axis, keepdims (-inf for an all -inf slice, NaN for a NaN one)."""
    return np.log(np.sum(np.exp(w - m), axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(z - m) / Σ exp(z - m) along ``axis`` (m the slice's max); same shape and dtype as z."""
    w, m, dtype, axis = _prepare(z, axis)
    with np.errstate(all="ignore"):
        e = np.exp(w - m)
        return (e / np.sum(e, axis=axis, keepdims=True)).astype(dtype)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """(z - m) - log Σ exp(z - m) along ``axis``; same shape and dtype as z.

    Never log(softmax(z)) (which is -inf where the probability underflows) and never
    z - logsumexp(z) (which loses log Σ inside m + log Σ when |m| is huge).
    """
    w, m, dtype, axis = _prepare(z, axis)
    with np.errstate(all="ignore"):
        return ((w - m) - _log_sum(w, m, axis)).astype(dtype)


def logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """m + log Σ exp(z - m) along ``axis``, which is reduced away; z's dtype."""
    w, m, dtype, axis = _prepare(z, axis)
    with np.errstate(all="ignore"):
        out = m + _log_sum(w, m, axis)
        return np.squeeze(out, axis=axis).astype(dtype)
