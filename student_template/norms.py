"""norms: variance (naive, two-pass, Welford), Chan's merge, LayerNorm and RMSNorm.

Variances take a 1-D numpy.ndarray of dtype float32 with at least one value and return the
POPULATION variance (divide by n) as a numpy.float32. Anything that is not a 1-D float32 ndarray
raises TypeError (an empty float64 array too); an empty float32 array raises ValueError.

A Welford state is a tuple (count, mean, M2): count a Python int, mean and M2 numpy.float32.
The empty state is (0, np.float32(0.0), np.float32(0.0)).

layer_norm and rms_norm take a torch.Tensor of dtype float32, float16 or bfloat16, normalise
over its last axis with float32 statistics and arithmetic, and return a tensor of x's shape
and dtype (the float32 result rounded once).

Forbidden: numpy.var/std/cov, torch.var/std/var_mean/cov/norm, torch.linalg.norm,
torch.nn.functional.layer_norm/rms_norm/normalize, torch.nn.LayerNorm/RMSNorm, any .var/.std/
.norm attribute, the statistics and scipy modules, eval/exec/__import__.

Check locally with:  ulp check norms norms.py
"""

import numpy as np
import torch  # noqa: F401  (for layer_norm and rms_norm)

# Part 1, by hand: the merge of the two Welford states your statement gives you.
HAND_COUNT = 0          # an int: n_a + n_b
HAND_MEAN = 0.0         # a float: the merged mean
HAND_M2 = 0.0           # a float: the merged M2
HAND_VARIANCE = 0.0     # a float: the merged population variance M2 / n


def naive_variance(x) -> np.float32:
    """mean(x*x) - mean(x)*mean(x), every operation in float32 (it fails on purpose).

    mean(a) is sum(a) / n, with the sum in float32 in any order. Do not widen to float64.
    """
    raise NotImplementedError("naive_variance: mean(x*x) - mean(x)**2 in float32")


def two_pass_variance(x) -> np.float32:
    """Pass 1: mean = sum(x) / n. Pass 2: sum((x - mean)**2) / n."""
    raise NotImplementedError("two_pass_variance: the mean first, then the squared deviations")


def welford_update(state, x):
    """One Welford step: state (count, mean, M2) and a numpy.float32 x give the new state.

        count' = count + 1
        delta  = x - mean
        mean'  = mean + delta / count'
        M2'    = M2 + delta * (x - mean')
    """
    raise NotImplementedError("welford_update: one step of Welford's algorithm")


def welford_merge(a, b):
    """Chan, Golub & LeVeque's merge of two Welford states a and b.

        n     = n_a + n_b
        delta = mean_b - mean_a
        mean  = mean_a + delta * n_b / n
        M2    = M2_a + M2_b + delta**2 * n_a * n_b / n
    Two empty states merge to (0, np.float32(0.0), np.float32(0.0)).
    """
    raise NotImplementedError("welford_merge: Chan's parallel merge")


def welford_variance(x) -> np.float32:
    """Fold welford_update over x from the empty state; return M2 / n."""
    raise NotImplementedError("welford_variance: a Welford pass over x")


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last axis.

    var is the biased (population) variance; weight and bias are None or of shape (d,)
    in x's dtype. Statistics and arithmetic in float32; the result rounded once to x's dtype.
    """
    raise NotImplementedError("layer_norm: normalise over the last axis")


def rms_norm(x, weight=None, eps=1e-5):
    """x / sqrt(mean(x**2) + eps) * weight over the last axis, in float32, rounded once."""
    raise NotImplementedError("rms_norm: divide by the root mean square")
