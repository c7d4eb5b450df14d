"""Hidden tests of backprop: batches of neuron steps over the whole domain, dense GELU sweeps,
large batches of logits, larger MLPs and their edge cases. The same oracles and bounds as the
public tests (backprop_oracle.py); one function per test."""

import random

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.testing import points

import backprop_oracle as bo
from backprop_oracle import LogitCase, MlpCase


def _value(rng):
    kind = rng.random()
    if kind < 0.1:
        return 0.0
    if kind < 0.4:
        return rng.randint(-99, 99) / 10
    return rng.choice([-1.0, 1.0]) * 2.0 ** rng.uniform(-20, 20)


@points(3)
def test_hidden_neuron_step_batch(sub):
    """neuron_step on 400 argument tuples across the whole domain (one round trip)."""
    rng = random.Random(2024)
    args = [(_value(rng), _value(rng), _value(rng), _value(rng),
             rng.choice([0.0, 0.01, 1.0, 2.0 ** rng.uniform(-20, 0)])) for _ in range(400)]
    for a, got in zip(args, sub.many("neuron_step", args)):
        bo.judge_neuron("neuron_step" + repr(a), a, got)


DENSE = np.concatenate([np.linspace(-12, 12, 481), np.linspace(-100, 100, 21),
                        [2.0 ** -40, -2.0 ** -40, 1e-200]])


@points(2)
def test_hidden_gelu_dense(sub):
    """gelu on a dense grid of 505 points in [-100, 100] (one call)."""
    z = DENSE.copy()
    bo.check_elementwise("gelu(dense grid)", z, sub.gelu(z), bo.gelu_exact, bo.gelu_bound)


@points(2)
def test_hidden_gelu_grad_dense(sub):
    """gelu_grad on a dense grid of 505 points in [-100, 100], also as a 2-D array."""
    z = DENSE.copy()
    bo.check_elementwise("gelu_grad(dense grid)", z, sub.gelu_grad(z), bo.gelu_grad_exact,
                         bo.gelu_grad_bound)
    z2 = DENSE[:480].reshape(24, 20).copy()
    bo.check_elementwise("gelu_grad(24 x 20 grid)", z2, sub.gelu_grad(z2),
                         bo.gelu_grad_exact, bo.gelu_grad_bound)


@points(4)
@settings(max_examples=2)
@given(case=st.builds(LogitCase, st.integers(24, 48), st.integers(6, 12),
                      st.sampled_from(bo.LOGIT_DRAW), st.integers(0, 2 ** 32 - 1)))
@example(case=LogitCase(48, 12, "huge", 41))
@example(case=LogitCase(40, 12, "underflow", 42))
@example(case=LogitCase(32, 12, "ties", 43))
def test_hidden_softmax_cross_entropy_large(sub, case):
    """softmax_cross_entropy on batches of 24 to 48 rows of 6 to 12 classes."""
    got = sub.softmax_cross_entropy(case.logits, case.labels)
    bo.check_ce(f"softmax_cross_entropy({case!r})", case.logits, case.labels, got)


def big_mlp_cases():
    return st.builds(MlpCase, st.integers(16, 64), st.integers(8, 32), st.integers(16, 64),
                     st.integers(4, 16), st.sampled_from(bo.MLP_DRAW),
                     st.sampled_from(["relu", "gelu"]), st.integers(0, 2 ** 32 - 1))


@points(2)
@settings(max_examples=4)
@given(case=big_mlp_cases())
@example(case=MlpCase(64, 32, 64, 16, "huge", "gelu", 51))
@example(case=MlpCase(48, 16, 32, 10, "kink", "relu", 52))
def test_hidden_mlp_forward_large(sub, case):
    """mlp_forward on batches up to 64 x 32 with up to 64 hidden units and 16 classes."""
    X, W1, b1, W2, b2 = case.params
    got = sub.mlp_forward(X, W1, b1, W2, b2, activation=case.activation)
    bo.check_logits(f"mlp_forward for {case!r}", case, got)


@points(5)
@settings(max_examples=4)
@given(case=big_mlp_cases())
@example(case=MlpCase(64, 16, 48, 10, "kink", "relu", 61))
@example(case=MlpCase(64, 32, 64, 16, "huge", "gelu", 62))
@example(case=MlpCase(40, 12, 24, 8, "underflow", "relu", 63))
@example(case=MlpCase(32, 8, 16, 6, "gauss", "gelu", 64))
def test_hidden_mlp_backward_large(sub, case):
    """mlp_backward on batches up to 64 x 32 with up to 64 hidden units and 16 classes."""
    X, W1, b1, W2, b2 = case.params
    got = sub.mlp_backward(X, case.data[1], W1, b1, W2, b2, activation=case.activation)
    bo.check_grads(f"mlp_backward for {case!r}", case, got)


EDGE = [
    MlpCase(1, 3, 4, 3, "zero_input", "relu", 71),     # X = 0, batch of one
    MlpCase(1, 1, 1, 2, "kink", "relu", 72),           # D = H = 1
    MlpCase(4, 3, 5, 1, "gauss", "gelu", 73),          # one class: loss 0, every gradient 0
    MlpCase(1, 2, 3, 5, "huge", "relu", 74),
    MlpCase(3, 2, 3, 4, "underflow", "gelu", 75),
    MlpCase(8, 4, 6, 3, "kink", "gelu", 76),
]


@points(3)
def test_hidden_mlp_backward_edges(sub):
    """mlp_backward on a batch of one with X = 0, D = H = 1, one class, and huge or underflowing logits."""
    for case in EDGE:
        X, W1, b1, W2, b2 = case.params
        got = sub.mlp_backward(X, case.data[1], W1, b1, W2, b2, activation=case.activation)
        bo.check_grads(f"mlp_backward for {case!r}", case, got)
