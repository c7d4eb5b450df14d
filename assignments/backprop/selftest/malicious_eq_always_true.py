"""Malicious: returns objects that claim to equal everything and to be below every bound: a
float subclass for scalars, an ndarray subclass for arrays, a dict subclass for the gradients."""
import numpy as np


class Liar(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return True

    __le__ = __lt__

    def __gt__(self, other):
        return False

    __ge__ = __gt__

    def __abs__(self):
        return self

    def __sub__(self, other):
        return self

    __rsub__ = __sub__
    __hash__ = float.__hash__


class LiarArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __le__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __sub__(self, other):
        return np.zeros(np.shape(self)).view(LiarArray)

    __rsub__ = __sub__


class LiarDict(dict):
    def __eq__(self, other):
        return True

    def keys(self):
        return {"loss", "W1", "b1", "W2", "b2"}


HAND_DL_DW = Liar(0.0)
HAND_NEW_W = Liar(0.0)


def _arr(shape):
    return np.zeros(shape).view(LiarArray)


def neuron_step(x, w, b, t, lr):
    return (Liar(0.0),) * 4


def gelu(z):
    return _arr(np.shape(z))


gelu_grad = gelu


def softmax_cross_entropy(logits, labels):
    return Liar(0.0), _arr(np.shape(logits))


def mlp_forward(X, W1, b1, W2, b2, activation="relu"):
    return _arr((np.shape(X)[0], np.shape(W2)[1]))


def mlp_backward(X, labels, W1, b1, W2, b2, activation="relu"):
    return LiarDict(loss=Liar(0.0), W1=_arr(np.shape(W1)), b1=_arr(np.shape(b1)),
                    W2=_arr(np.shape(W2)), b2=_arr(np.shape(b2)))
