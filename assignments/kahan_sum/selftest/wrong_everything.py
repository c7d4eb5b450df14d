"""Wrong everywhere: every function has the contract's signature and returns a numpy.float32
(the right type, for every length), but always the same constant, never the sum; and none
raises TypeError for a bad input (raising is the right answer there). It must score zero:
the type alone earns nothing."""
import numpy as np

WRONG = np.float32(12345.678)   # not the sum of any array the tests send


def naive_sum(x):
    return WRONG


def kahan_sum(x):
    return WRONG


def neumaier_sum(x):
    return WRONG
