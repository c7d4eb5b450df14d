"""kahan_sum: summation error in float32 (naive, Kahan, Kahan-Babuska-Neumaier).

Every function takes a 1-D numpy.ndarray of dtype float32 (any length, 0 included, finite
entries) and returns a numpy.float32, computed with float32 arithmetic only, in exactly the
order written in its docstring. Anything that is not a 1-D float32 ndarray (a float64 array,
a 2-D array, a list...) raises TypeError.

Staying in float32 with NumPy >= 2: iterating a float32 array gives np.float32 scalars, and
np.float32 + np.float32 is a float32 addition. A Python float *variable* (float(v), v.item())
or an np.float64 switches to float64 arithmetic and gives a different result.

Forbidden: math.fsum, sum(), numpy.sum/nansum/cumsum/nancumsum, numpy.add.reduce/accumulate,
any .sum()/.cumsum()/.fsum attribute, numpy.float64 and wider types, eval/exec/__import__.

Check locally with:  ulp check kahan_sum kahan_sum.py
"""

import numpy as np


def naive_sum(x) -> np.float32:
    """Recursive summation, left to right, in float32.

        s = 0
        for v in x:
            s = s + v
        return s

    naive_sum(np.array([1e8, 1, -1e8], dtype=np.float32)) == 0.0   (1e8 + 1 rounds to 1e8)
    """
    raise NotImplementedError("naive_sum: write the float32 loop s = s + v")


def kahan_sum(x) -> np.float32:
    """Kahan's compensated summation (1965), in float32.

        s = c = 0
        for v in x:
            y = v - c          # the term, corrected by what the last addition lost
            t = s + y
            c = (t - s) - y    # minus the rounding error of s + y (exact when |s| >= |y|)
            s = t
        return s
    """
    raise NotImplementedError("kahan_sum: write Kahan's loop in float32")


def neumaier_sum(x) -> np.float32:
    """Kahan-Babuska-Neumaier summation, in float32.

        s = c = 0
        for v in x:
            t = s + v
            if |s| >= |v|:
                c = c + ((s - t) + v)    # the exact rounding error of s + v
            else:
                c = c + ((v - t) + s)
            s = t
        return s + c

    neumaier_sum(np.array([1e8, 1, -1e8], dtype=np.float32)) == 1.0
    """
    raise NotImplementedError("neumaier_sum: write the Kahan-Babuska-Neumaier loop in float32")
