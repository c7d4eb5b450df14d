"""Wrong everywhere, but plausibly so: every function returns a value of the right type and
shape that is wrong, and raises nothing."""
import numpy as np

HAND_SQNR_DB = 60.0


def sqnr_db(x, x_hat):
    return 20.0                              # a typical SQNR, not this one


def theoretical_sqnr_db(bits):
    return 6.0 * bits                        # drops the sine's 1.76 dB and 0.02 dB per bit


def lloyd_max(levels, density):
    r = np.linspace(-1.0, 1.0, levels) if levels > 1 else np.array([0.5])
    return (r[:-1] + r[1:]) / 2 + 0.1, r    # uniform levels, thresholds off the midpoints


def fwht(x):
    return np.array(x, dtype=np.float64) + 1.0


def crest_factor(x):
    return 1.0


def rotated_quantize(W, bits):
    return np.round(np.asarray(W, dtype=np.float64)) + 0.25


def layer_errors(weights, x, bits):
    return [0.5] * len(weights)


def most_sensitive_layer(weights, x, bits):
    return len(weights)
