"""Public tests of backprop: what `ulp check` runs for students.

Oracles, bounds and inputs are in backprop_oracle.py (shipped with these tests); none of them
uses a solution. Every tolerance is the one the statement derives.
"""

import math
from fractions import Fraction

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.testing import observe, points

import backprop_oracle as bo
from backprop_oracle import FdCase, LogitCase, MlpCase, NeuronCase, ZCase

# ----------------------------------------------------------------------------- Part 1: by hand

HAND = ("HAND_DL_DW", "HAND_NEW_W")


def hand_answer(v):
    x, w, b, t, lr = (Fraction(v[k]) for k in ("x", "w", "b", "t", "lr"))
    g = 2 * (w * x + b - t) * x
    return float(g), float(w - lr * g)


@points(2)
def test_hand_neuron(sub, variant, answer_digest):
    """HAND_DL_DW and HAND_NEW_W are dL/dw and the updated w for your neuron (checked together, by digest, after rounding to 9 decimals)."""
    got = []
    for name in HAND:
        value = getattr(sub, name)
        assert type(value) in (int, float), (
            f"{name} must be a float (or an int), got {type(value).__name__} {value!r}")
        assert math.isfinite(value), f"{name} must be finite, got {value!r}"
        got.append(round(float(value), 9))
    ok = answer_digest(tuple(got)) == answer_digest(hand_answer(variant))
    assert ok, (
        "HAND_DL_DW and HAND_NEW_W have the right types but are not, together, dL/dw and the "
        "new w of your neuron: redo it on paper as in the worked example (y = w·x + b, "
        "dL/dy = 2(y − t) with the factor 2 from the square, dL/dw = dL/dy · x, and the step "
        "goes against the gradient: w − lr·dL/dw). When you submit, the numbers are the ones "
        "your own statement names; a local `ulp check` uses the class's default numbers.")


# ------------------------------------------------------------------------------ neuron_step

def finite_values():
    mags = st.floats(min_value=2.0 ** -20, max_value=2.0 ** 20)
    return st.one_of(st.just(0.0), st.integers(-8, 8).map(float),
                     st.integers(-99, 99).map(lambda k: k / 10),
                     st.builds(lambda s, m: s * m, st.sampled_from([-1.0, 1.0]), mags))


def rates():
    return st.one_of(st.sampled_from([0.0, 0.001, 0.01, 0.1, 1.0]),
                     st.floats(min_value=2.0 ** -20, max_value=1.0))


def check_neuron(sub, case, observe_it=False):
    bo.judge_neuron(repr(case), case.args, sub.neuron_step(*case.args),
                    observe if observe_it else None)


@points(3)
@given(x=finite_values(), w=finite_values(), b=finite_values(), t=finite_values(), lr=rates())
@example(x=2.0, w=0.5, b=0.1, t=3.0, lr=0.01)         # the statement's worked example
@example(x=1.0, w=2.0, b=1.0, t=3.0, lr=0.1)          # y == t: nothing to learn
@example(x=-3.0, w=0.25, b=-1.5, t=4.0, lr=0.0)       # lr = 0: the parameters stay
@example(x=0.0, w=0.7, b=0.2, t=-1.0, lr=0.05)        # x = 0: dL/dw = 0, b still moves
@example(x=1e6, w=-3e-6, b=1000.0, t=2.5, lr=2.0 ** -20)
def test_neuron_step(sub, x, w, b, t, lr):
    """neuron_step returns (dL_dw, dL_db, new_w, new_b) as Python floats, each within the statement's rounding bound of the exact value."""
    check_neuron(sub, NeuronCase(x, w, b, t, lr), observe_it=True)


@points(1)
def test_neuron_step_rejects(sub):
    """neuron_step raises TypeError for a bool, a str or None, and ValueError for a NaN, an infinity or lr < 0."""
    args = [2.0, 0.5, 0.1, 3.0, 0.01]

    def with_(i, v):
        a = list(args)
        a[i] = v
        return lambda: sub.neuron_step(*a)

    bo.check_rejects("neuron_step", [
        (with_(0, "2.0"), TypeError, "x = '2.0'"),
        (with_(1, None), TypeError, "w = None"),
        (with_(3, True), TypeError, "t = True"),
        (with_(2, math.nan), ValueError, "b = nan"),
        (with_(0, math.inf), ValueError, "x = inf"),
        (with_(4, -0.01), ValueError, "lr = -0.01"),
    ])


# -------------------------------------------------------------------------------- gelu

def z_cases(max_len=40):
    return st.builds(ZCase, st.integers(1, max_len), st.sampled_from(bo.Z_KINDS),
                     st.integers(0, 2 ** 32 - 1))


EDGE_Z = ZCase(0, "explicit", 0, z=[0.0, 1.0, -1.0, 3.0, -3.0, 5.0, -5.0, 100.0, -100.0,
                                     1e-300, -2.0 ** -30, 0.5, -0.75])


@points(2)
@given(case=z_cases())
@example(case=EDGE_Z)
@example(case=ZCase(0, "explicit", 0, z=np.array([[1.5, -2.5], [0.0, 7.0]])))
def test_gelu(sub, case):
    """gelu is the tanh-form GELU, elementwise, within 16u·|z| of the exact value; float64 array of z's shape."""
    bo.check_elementwise(f"gelu({case!r})", case.z, sub.gelu(case.z), bo.gelu_exact,
                         bo.gelu_bound, "gelu: |error| vs 16u·|z|", observe)


@points(3)
@given(case=z_cases())
@example(case=EDGE_Z)
@example(case=ZCase(0, "explicit", 0, z=np.array([[1.5, -2.5], [0.0, 7.0]])))
def test_gelu_grad(sub, case):
    """gelu_grad is the derivative of the tanh-form GELU, within 16u·(1 + |z| + |z|³) of the exact value."""
    bo.check_elementwise(f"gelu_grad({case!r})", case.z, sub.gelu_grad(case.z),
                         bo.gelu_grad_exact, bo.gelu_grad_bound,
                         "gelu_grad: |error| vs 16u·(1 + |z| + |z|³)", observe)


# ------------------------------------------------------------------- softmax_cross_entropy

def logit_cases(max_n=12, max_c=10):
    return st.builds(LogitCase, st.integers(1, max_n), st.integers(1, max_c),
                     st.sampled_from(bo.LOGIT_DRAW), st.integers(0, 2 ** 32 - 1))


@points(4)
@given(case=logit_cases())
@example(case=LogitCase(1, 4, "gauss", 1))          # a batch of one
@example(case=LogitCase(5, 6, "underflow", 2))      # the label's probability underflows to 0
@example(case=LogitCase(4, 5, "huge", 3))           # logits around 1e4
@example(case=LogitCase(6, 4, "ties", 4))           # ties in the max logit
@example(case=LogitCase(3, 7, "confident", 5))      # p = 1 to the last bit for one class
@example(case=LogitCase(2, 1, "gauss", 6))          # one class: loss 0, gradient 0
def test_softmax_cross_entropy(sub, case):
    """softmax_cross_entropy: the mean loss and (softmax − onehot)/N, within the statement's bounds (mpmath oracle); finite for logits of 1e4 and underflowing probabilities."""
    got = sub.softmax_cross_entropy(case.logits, case.labels)
    bo.check_ce(f"softmax_cross_entropy({case!r})", case.logits, case.labels, got, observe)


@points(1)
def test_softmax_cross_entropy_rejects(sub):
    """softmax_cross_entropy: TypeError for a list, float32 logits or float labels; ValueError for 1-D or empty logits, mismatched labels or a label out of range."""
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    y = np.array([0, 2])
    f = sub.softmax_cross_entropy
    bo.check_rejects("softmax_cross_entropy", [
        (lambda: f(z.tolist(), y), TypeError, "logits as a list"),
        (lambda: f(z.astype(np.float32), y), TypeError, "float32 logits"),
        (lambda: f(z, y.astype(np.float64)), TypeError, "float64 labels"),
        (lambda: f(z, [0, 2]), TypeError, "labels as a list"),
        (lambda: f(z[0], y[:1]), ValueError, "1-D logits"),
        (lambda: f(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)), ValueError,
         "logits of shape (0, 3) (no rows)"),
        (lambda: f(z, np.array([0, 1, 2])), ValueError, "3 labels for 2 rows"),
        (lambda: f(z, np.array([0, 3])), ValueError, "label 3 with 3 classes"),
        (lambda: f(z, np.array([-1, 0])), ValueError, "label -1"),
    ])


# --------------------------------------------------------------------------------- the MLP

def mlp_cases(max_n=8, max_d=6, max_h=8, max_c=6, kinds=tuple(bo.MLP_DRAW)):
    return st.builds(MlpCase, st.integers(1, max_n), st.integers(1, max_d),
                     st.integers(1, max_h), st.integers(1, max_c), st.sampled_from(list(kinds)),
                     st.sampled_from(["relu", "gelu"]), st.integers(0, 2 ** 32 - 1))


def call_forward(sub, case):
    X, W1, b1, W2, b2 = case.params
    return sub.mlp_forward(X, W1, b1, W2, b2, activation=case.activation)


def call_backward(sub, case):
    X, W1, b1, W2, b2 = case.params
    return sub.mlp_backward(X, case.data[1], W1, b1, W2, b2, activation=case.activation)


@points(3)
@given(case=mlp_cases())
@example(case=MlpCase(1, 3, 4, 3, "gauss", "relu", 11))
@example(case=MlpCase(5, 4, 6, 3, "gauss", "gelu", 12))
@example(case=MlpCase(4, 3, 5, 4, "huge", "gelu", 13))
@example(case=MlpCase(4, 3, 5, 4, "kink", "relu", 14))
def test_mlp_forward(sub, case):
    """mlp_forward returns the (N, C) float64 logits act(X @ W1 + b1) @ W2 + b2 within 4·E_Z2 of PyTorch's float64 value."""
    bo.check_logits(f"mlp_forward for {case!r}", case, call_forward(sub, case), observe)


@points(5)
@given(case=mlp_cases())
@example(case=MlpCase(1, 3, 4, 3, "gauss", "relu", 21))       # a batch of one
@example(case=MlpCase(1, 2, 3, 4, "underflow", "gelu", 22))   # ... with an underflowing class
@example(case=MlpCase(6, 4, 5, 3, "kink", "relu", 23))        # ReLU pre-activations exactly 0
@example(case=MlpCase(3, 2, 4, 3, "zero_input", "relu", 24))  # X = 0: Z1 = b1, zeros in it
@example(case=MlpCase(5, 3, 6, 4, "huge", "gelu", 25))        # logits around 1e4
@example(case=MlpCase(5, 3, 6, 4, "underflow", "relu", 26))   # a class > 745 below the rest
@example(case=MlpCase(4, 3, 4, 3, "ties", "gelu", 27))        # tied max logits
@example(case=MlpCase(7, 5, 8, 5, "gauss", "gelu", 28))
def test_mlp_backward_autograd(sub, case):
    """mlp_backward's loss and gradients agree with torch.autograd (float64) within 4·E, entry by entry; ReLU'(0) = 0."""
    bo.check_grads(f"mlp_backward for {case!r}", case, call_backward(sub, case), observe)


def fd_cases():
    return st.builds(FdCase, st.integers(1, 6), st.integers(1, 6), st.integers(1, 6),
                     st.integers(1, 6), st.sampled_from(["relu", "gelu"]),
                     st.integers(0, 2 ** 32 - 1))


@points(3)
@given(case=fd_cases())
@example(case=FdCase(4, 3, 5, 3, "gelu", 31))
@example(case=FdCase(5, 4, 3, 4, "relu", 32))
@example(case=FdCase(1, 2, 2, 2, "gelu", 33))
def test_mlp_backward_finite_differences(sub, case):
    """mlp_backward's gradients agree with central finite differences (h = 1e-5) of a float64 loss within 1e-6·(1 + |FD|)."""
    bo.check_fd(f"mlp_backward for {case!r}", case, call_backward(sub, case))


@points(1)
def test_mlp_rejects(sub):
    """mlp_forward and mlp_backward: TypeError for a list or float32 parameter, float labels or a non-str activation; ValueError for mismatched shapes (also a b1 that would broadcast), a dimension 0, a label out of range or an unknown activation."""
    X, labels, W1, b1, W2, b2 = bo.make_mlp(3, 2, 4, 3, "gauss", 5)
    fwd, bwd = sub.mlp_forward, sub.mlp_backward
    bo.check_rejects("mlp_forward / mlp_backward", [
        (lambda: fwd(X.tolist(), W1, b1, W2, b2), TypeError, "X as a list"),
        (lambda: fwd(X, W1.astype(np.float32), b1, W2, b2), TypeError, "float32 W1"),
        (lambda: fwd(X, W1, b1, W2, b2, activation=None), TypeError, "activation=None"),
        (lambda: bwd(X, labels.astype(np.float64), W1, b1, W2, b2), TypeError,
         "float64 labels"),
        (lambda: fwd(X, W1.T.copy(), b1, W2, b2), ValueError, "W1 of shape (H, D)"),
        (lambda: fwd(X, W1, b1[:-1], W2, b2), ValueError, "b1 of the wrong length"),
        (lambda: fwd(X, W1, b1[:1].copy(), W2, b2), ValueError,
         "b1 of shape (1,) (it would broadcast: check the shape yourself)"),
        (lambda: fwd(X[:0].copy(), W1, b1, W2, b2), ValueError, "X of shape (0, 2) (no rows)"),
        (lambda: fwd(X, W1[:, :0].copy(), b1[:0].copy(), W2[:0].copy(), b2), ValueError,
         "H = 0 hidden units"),
        (lambda: bwd(X, labels, W1, b1, W2, b2[:, None].copy()), ValueError, "2-D b2"),
        (lambda: bwd(X, np.array([0, 1, 3]), W1, b1, W2, b2), ValueError, "label 3 with 3 classes"),
        (lambda: bwd(X, labels[:2].copy(), W1, b1, W2, b2), ValueError, "2 labels for 3 rows"),
        (lambda: fwd(X, W1, b1, W2, b2, activation="tanh"), ValueError, "activation='tanh'"),
        (lambda: bwd(X, labels, W1, b1, W2, b2, activation="GELU"), ValueError,
         "activation='GELU'"),
    ])
