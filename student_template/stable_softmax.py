"""stable_softmax: numerically stable softmax, log_softmax and logsumexp.

Write the three functions below with NumPy (np.max, np.exp, np.log, np.sum, ...).
Forbidden: scipy, torch, numpy.logaddexp and numpy.logaddexp2.

Conventions shared by the three functions (see the statement for the tolerances):
- z is a float16, float32 or float64 ndarray with at least one element along ``axis``;
  ``axis`` may be negative, like NumPy's.
- The output has z's dtype (you may compute in a wider dtype inside and convert at the end).
- Entries may be any finite value (up to the dtype's largest), -inf (a masked entry) or NaN.
- With m the slice's max: subtract m before exponentiating, so that nothing overflows.
- A slice that is all -inf: logsumexp is -inf, softmax and log_softmax are NaN (as PyTorch).
- NaN anywhere in a slice makes all of that slice's outputs NaN.

Check your work locally with:  ulp check stable_softmax stable_softmax.py
"""

import numpy as np


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(z - m) / Σ exp(z - m) along ``axis`` (m the slice's max).

    Same shape and dtype as z. A -inf entry gets probability 0.
    """
    raise NotImplementedError("softmax: write this function")


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """(z - m) - log Σ exp(z - m) along ``axis``.

    Same shape and dtype as z. Must stay finite where the probability underflows (so not
    log(softmax(z))) and accurate for huge |z| (so not z - logsumexp(z): [1e20, 1e20] gives
    -0.693 each). A -inf entry gets -inf.
    """
    raise NotImplementedError("log_softmax: write this function")


def logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """m + log Σ exp(z - m) along ``axis``; that axis is reduced away (no keepdims).

    z's dtype; the shape is z.shape without ``axis`` (a 0-d array or NumPy scalar for 1-D z).
    """
    raise NotImplementedError("logsumexp: write this function")
