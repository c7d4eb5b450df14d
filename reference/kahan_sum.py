"""Reference solution for the ``kahan_sum`` assignment (summation error).

Three ways to add up a 1-D float32 array, each a fixed sequence of float32
operations, so each has exactly one right answer bit for bit:

* ``naive_sum``     recursive summation, left to right;
* ``kahan_sum``     Kahan's compensated summation (Kahan 1965);
* ``neumaier_sum``  the Kahan-Babuska-Neumaier variant (Neumaier 1974), which
                    also compensates when a term is larger than the running sum.

Every operation is done on ``numpy.float32`` scalars. Under NumPy >= 2 (NEP 50)
``np.float32 + np.float32`` is a float32 addition, correctly rounded to nearest
even, and so are the mixed forms with a Python int or float (a "weak" scalar).
Nothing here is ever widened to float64.

Error bounds these algorithms satisfy (u = 2**-24, S the exact sum, A = sum|x_i|):

* naive:    |S^ - S| <= (n-1) u A                  (Rump 2012; Higham 2002 (4.4) with gamma_{n-1})
* Kahan:    |S^ - S| <= (2u + O(n u^2)) A          (Knuth, TAOCP 2, 4.2.2 ex. 19; Higham (4.8))
* Neumaier: |S^ - S| <= u|S| + gamma_{n-1}^2 A     (it computes exactly Ogita-Rump-Oishi's Sum2,
                                                    Prop. 4.5 of their 2005 paper)
"""

import numpy as np

__all__ = ["naive_sum", "kahan_sum", "neumaier_sum"]


def _check(x, name):
    """Raise TypeError unless x is a 1-D numpy array of dtype float32."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name}: expected a 1-D numpy.ndarray of float32, got {type(x).__name__}")
    if x.ndim != 1:
        raise TypeError(f"{name}: expected a 1-D array, got {x.ndim}-D with shape {x.shape}")
    if x.dtype != np.float32:
        raise TypeError(f"{name}: expected dtype float32, got {x.dtype}")


def naive_sum(x) -> np.float32:
    """Recursive summation, left to right: s = 0; for v in x: s = s + v."""
    _check(x, "naive_sum")
    s = np.float32(0.0)
    for v in x:                      # iterating a float32 array yields np.float32 scalars
        s = s + v
    return s


def kahan_sum(x) -> np.float32:
    """Kahan's compensated summation.

    c holds the (negated) low-order part lost by the last addition; it is
    subtracted from the next term before that term is added.
    """
    _check(x, "kahan_sum")
    s = np.float32(0.0)
    c = np.float32(0.0)
    for v in x:
        y = v - c
        t = s + y
        c = (t - s) - y
        s = t
    return s


def neumaier_sum(x) -> np.float32:
    """Kahan-Babuska-Neumaier summation.

    The error of each addition s + v is recovered exactly with Fast2Sum, taking
    the larger of |s| and |v| as the leading operand; the errors are summed in c
    and added back once at the end.
    """
    _check(x, "neumaier_sum")
    s = np.float32(0.0)
    c = np.float32(0.0)
    for v in x:
        t = s + v
        if abs(s) >= abs(v):
            c = c + ((s - t) + v)
        else:
            c = c + ((v - t) + s)
        s = t
    return s + c
