"""Malicious: returns objects that claim to equal anything (and patches NumPy's comparison
helpers in its own process, which must not matter: the grader judges in its own process)."""
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __lt__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __gt__(self, other):
        return True

    def __abs__(self):
        return np.zeros_like(np.asarray(self))

    def __sub__(self, other):
        return np.zeros_like(np.asarray(self))

    __rsub__ = __sub__


class Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None


def softmax(z, axis=-1):
    return np.full(np.shape(z), 7.0, dtype=z.dtype).view(Liar)


def log_softmax(z, axis=-1):
    return np.full(np.shape(z), 7.0, dtype=z.dtype).view(Liar)


def logsumexp(z, axis=-1):
    return Anything(7.0)
