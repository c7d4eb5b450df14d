"""Oracles, bounds and inputs for the backprop grader tests (shipped with the public tests).

Nothing here uses a solution: the neuron is judged with exact Fractions, GELU and the
cross-entropy with mpmath (100 bits), the MLP with PyTorch's float64 autograd and with central
finite differences of a float64 loss written here. Every bound is the statement's.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import torch

U = 2.0 ** -53                 # float64's unit roundoff
TINY = 2.0 ** -1060            # room for underflow into subnormals
K_GELU = math.sqrt(2.0 / math.pi)
C_GELU = 0.044715
FD_STEP = 1e-5
FD_TOL = 1e-6

mpmath.mp.prec = 100
torch.set_num_threads(1)      # tiny tensors: threads only add overhead


def show(a, limit: int = 8) -> str:
    v = np.asarray(a).reshape(-1).tolist()
    return str(v) if len(v) <= limit else f"{str(v[:limit])[:-1]}, ... ({len(v)} values)]"


def require_float(call: str, value) -> float:
    assert type(value) in (float, np.float64), (
        f"{call} must be a Python float (or a numpy.float64), got {type(value).__name__} "
        f"{value!r}")
    return float(value)


def require_array(call: str, value, shape) -> np.ndarray:
    assert isinstance(value, np.ndarray), (
        f"{call} must return a numpy.ndarray, got {type(value).__name__}")
    assert value.dtype == np.float64, f"{call} must return dtype float64, got {value.dtype}"
    assert value.shape == tuple(shape), (
        f"{call} must return shape {tuple(shape)}, got {value.shape}")
    return value


def check_rejects(call, cases):
    """Each (thunk, exception, what) must raise that exception."""
    for thunk, exc, what in cases:
        try:
            thunk()
        except exc:
            continue
        except Exception as e:  # noqa: BLE001 - a wrong exception is the student's to see
            raise AssertionError(f"{call} with {what}: must raise {exc.__name__}, raised "
                                 f"{type(e).__name__}: {e}") from None
        raise AssertionError(f"{call} with {what}: must raise {exc.__name__}, returned normally")


# ------------------------------------------------------------------------------------ the neuron

def neuron_exact(x, w, b, t, lr):
    """(dL/dw, dL/db, new w, new b) exactly, as Fractions of the float inputs."""
    x, w, b, t, lr = (Fraction(v) for v in (x, w, b, t, lr))
    g = 2 * (w * x + b - t)
    return g * x, g, w - lr * g * x, b - lr * g


def neuron_bounds(x, w, b, t, lr, exact):
    """The statement's bounds on the four answers (Fractions)."""
    x, w, b, t, lr = (Fraction(v) for v in (x, w, b, t, lr))
    u = Fraction(U)
    A = abs(w * x) + abs(b) + abs(t)
    bw = 10 * u * abs(x) * A
    bb = 10 * u * A
    gw, gb = exact[0], exact[1]
    return (bw, bb, 4 * u * (abs(w) + lr * abs(gw)) + lr * bw,
            4 * u * (abs(b) + lr * abs(gb)) + lr * bb)


NEURON_HINTS = {"dL_dw": "dL/dw = 2(w·x + b − t)·x",
                "dL_db": "dL/db = 2(w·x + b − t)",
                "new_w": "new_w = w − lr·dL/dw (a step against the gradient)",
                "new_b": "new_b = b − lr·dL/db"}


def judge_neuron(call, args, got, observe=None):
    assert isinstance(got, tuple) and len(got) == 4, (
        f"{call} must return a tuple of 4 floats (dL_dw, dL_db, new_w, new_b), got "
        f"{type(got).__name__} {got!r}")
    names = ("dL_dw", "dL_db", "new_w", "new_b")
    for name, value in zip(names, got):
        require_float(f"{call}: {name}", value)
    exact = neuron_exact(*args)
    bounds = neuron_bounds(*args, exact)
    for name, value, want, bound in zip(names, got, exact, bounds):
        err = abs(Fraction(value) - want)
        if observe is not None and name == "dL_dw":
            observe(float(err), float(bound), label="neuron_step: |dL_dw error| vs 10u·|x|·A",
                    over=err > bound)
        assert err <= bound, (
            f"{call}: {name} = {value!r}, expected {float(want)!r} (error {float(err):.3g} > "
            f"allowed {float(bound):.3g}): {NEURON_HINTS[name]}")


class NeuronCase:
    def __init__(self, x, w, b, t, lr):
        self.args = (x, w, b, t, lr)

    def __repr__(self):
        return "neuron_step" + repr(self.args)


# ------------------------------------------------------------------------------------------ GELU

def gelu_exact(z: float):
    z = mpmath.mpf(z)
    return z / 2 * (1 + mpmath.tanh(K_GELU_MP * (z + C_GELU_MP * z ** 3)))


def gelu_grad_exact(z: float):
    z = mpmath.mpf(z)
    th = mpmath.tanh(K_GELU_MP * (z + C_GELU_MP * z ** 3))
    return (1 + th) / 2 + z / 2 * (1 - th * th) * K_GELU_MP * (1 + 3 * C_GELU_MP * z * z)


# the constants as the statement defines them: sqrt(2/pi) exactly, 0.044715 the decimal
K_GELU_MP = mpmath.sqrt(2 / mpmath.pi)
C_GELU_MP = mpmath.mpf(44715) / 10 ** 6


def gelu_bound(z: float) -> float:
    return 16 * U * abs(z)


def gelu_grad_bound(z: float) -> float:
    a = abs(z)
    return 16 * U * (1 + a + a ** 3)


class ZCase:
    """A float64 array of pre-activations; prints as the call that rebuilds it."""

    def __init__(self, n, kind, seed, z=None, label=None):
        self.n, self.kind, self.seed, self.label = n, kind, seed, label
        self.z = make_z(n, kind, seed) if z is None else np.asarray(z, dtype=np.float64)

    def __repr__(self):
        if self.z is not None and self.kind == "explicit":
            return f"np.array({show(self.z, 16)})"
        return f"backprop_oracle.make_z(n={self.n}, kind={self.kind!r}, seed={self.seed})"


Z_KINDS = ["unit", "wide", "tails", "tiny", "grid"]


def make_z(n, kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "unit":
        z = rng.uniform(-4, 4, n)
    elif kind == "wide":
        z = rng.uniform(-100, 100, n)
    elif kind == "tails":
        z = rng.choice([-1.0, 1.0], n) * rng.uniform(2.5, 12, n)
    elif kind == "tiny":
        z = rng.choice([-1.0, 1.0], n) * np.exp2(rng.uniform(-60, -1, n))
    else:
        z = rng.integers(-64, 65, n) / 16.0
    return z


GELU_HINT = "gelu is the tanh form 0.5·z·(1 + tanh(v)), v = sqrt(2/π)·(z + 0.044715·z³)"
GELU_GRAD_HINT = ("gelu_grad is d/dz of the tanh form: 0.5·(1 + tanh v) + "
                  "0.5·z·(1 − tanh² v)·sqrt(2/π)·(1 + 3c·z²), c = 0.044715")


def check_elementwise(call, z, got, exact_fn, bound_fn, observe_label=None, observe=None):
    got = require_array(call, got, z.shape)
    worst = (0.0, 1.0)
    for zi, gi in zip(z.reshape(-1).tolist(), got.reshape(-1).tolist()):
        want = exact_fn(zi)
        bound = bound_fn(zi)
        err = abs(mpmath.mpf(gi) - want)
        if err > bound:
            raise AssertionError(
                f"{call}: at z = {zi!r} you return {gi!r}, the exact value is "
                f"{float(want)!r} (error {float(err):.3g} > allowed {bound:.3g}): "
                f"{GELU_GRAD_HINT if exact_fn is gelu_grad_exact else GELU_HINT}")
        if bound and float(err) / bound >= worst[0] / worst[1]:
            worst = (float(err), bound)
    if observe is not None:
        observe(worst[0], worst[1], label=observe_label)


# --------------------------------------------------------------------------- softmax cross-entropy

def ce_exact(logits: np.ndarray, labels: np.ndarray):
    """(loss, p, r) in mpmath: the mean loss, the softmax matrix, and the rows' r_i."""
    n, c = logits.shape
    total = mpmath.mpf(0)
    p = []
    for i in range(n):
        row = [mpmath.mpf(v) for v in logits[i].tolist()]
        m = max(row)
        e = [mpmath.exp(v - m) for v in row]
        s = mpmath.fsum(e)
        total += m + mpmath.log(s) - row[int(labels[i])]
        p.append([v / s for v in e])
    return total / n, p


def ce_tolerances(logits, labels, loss, zerr=None):
    """The statement's tolerance on the loss, and r_i per row (floats). zerr (N, C): a bound on
    the error of the logits themselves (the MLP's E_Z2), or None for exact logits."""
    n, c = logits.shape
    zrow = np.abs(logits).max(axis=1)
    if zerr is not None:
        zrow = zrow + zerr.max(axis=1)
    r = (2 * c + 8) * U * (1 + zrow)
    tol = (n + 4) * U * abs(float(loss)) + float(np.sum(r)) / n
    if zerr is not None:
        tol += 2 * float(np.sum(zerr.max(axis=1))) / n
    return tol, r


def check_ce(call, logits, labels, got, observe=None):
    assert isinstance(got, tuple) and len(got) == 2, (
        f"{call} must return a tuple (loss, dlogits), got {type(got).__name__}")
    loss_hat, g_hat = got
    n, c = logits.shape
    loss_hat = require_float(f"{call}[0] (the loss)", loss_hat)
    g_hat = require_array(f"{call}[1] (dlogits)", g_hat, (n, c))
    loss, p = ce_exact(logits, labels)
    tol, r = ce_tolerances(logits, labels, loss)
    err = abs(mpmath.mpf(loss_hat) - loss)
    if observe is not None:
        observe(float(err), tol, label="softmax_cross_entropy: |loss error| vs its bound")
    assert math.isfinite(loss_hat), (
        f"{call}: the loss is {loss_hat!r}, expected {float(loss)!r}: compute it as "
        f"logsumexp(z) − z[label] with the max subtracted first (log(softmax) gives log 0 = −inf "
        f"when a probability underflows, exp(z) overflows for z > 709)")
    assert err <= tol, (
        f"{call}: loss {loss_hat!r}, expected the mean over the batch of "
        f"logsumexp(z_i) − z_i[label_i] = {float(loss)!r} (error {float(err):.3g} > allowed "
        f"{tol:.3g})")
    for i in range(n):
        y = int(labels[i])
        row = g_hat[i].tolist()
        for j in range(c):
            want = (p[i][j] - (1 if j == y else 0)) / n
            bound = (float(p[i][j]) * r[i] + 2 * U * abs(float(want)) * n) / n + TINY
            e = abs(row[j] - want)
            assert e <= bound, (
                f"{call}: dlogits[{i}, {j}] = {row[j]!r}, expected "
                f"(softmax(z)[{i}, {j}] − onehot) / N = {float(want)!r} (error {float(e):.3g} > "
                f"allowed {bound:.3g}); N = {n}, label {y}")


class LogitCase:
    def __init__(self, n, c, kind, seed):
        self.n, self.c, self.kind, self.seed = n, c, kind, seed
        self.logits, self.labels = make_logits(n, c, kind, seed)

    def __repr__(self):
        return (f"backprop_oracle.make_logits(n={self.n}, c={self.c}, kind={self.kind!r}, "
                f"seed={self.seed})")


LOGIT_KINDS = ["gauss", "wide", "huge", "underflow", "ties", "equal", "confident"]
LOGIT_DRAW = LOGIT_KINDS + ["underflow", "huge"]


def make_logits(n, c, kind, seed):
    """(logits (n, c) float64, labels (n,) int64) of a kind."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, c, n)
    if kind == "gauss":
        z = rng.standard_normal((n, c))
    elif kind == "wide":
        z = rng.standard_normal((n, c)) * 2.0 ** rng.integers(-10, 8)
    elif kind == "huge":                      # logits around 1e4 (either sign): no exp(z)
        z = rng.choice([-1.0, 1.0]) * 1e4 + rng.uniform(-30, 30, (n, c))
    elif kind == "underflow":                 # the label's probability underflows to 0
        z = rng.standard_normal((n, c))
        z[np.arange(n), labels] -= rng.uniform(746, 2000, n)
    elif kind == "ties":                      # the max logit taken by two or more classes
        z = np.round(rng.standard_normal((n, c)) * 4) / 4
        top = z.max(axis=1, keepdims=True) + 1.5
        k = rng.integers(2, c + 1) if c >= 2 else 1
        z[:, :k] = top
    elif kind == "equal":
        z = np.full((n, c), float(rng.uniform(-50, 50)))
    else:                                     # one class far above the rest (p -> 1 exactly)
        z = rng.standard_normal((n, c))
        z[np.arange(n), rng.integers(0, c, n)] += rng.uniform(40, 1000, n)
    return z.astype(np.float64), labels.astype(np.int64)


# ---------------------------------------------------------------------------------------- the MLP

MLP_KINDS = ["gauss", "kink", "huge", "underflow", "ties", "zero_input", "wide"]
# what the strategies draw from: the hard cases (exact ReLU kinks, underflow) twice as often
MLP_DRAW = MLP_KINDS + ["kink", "underflow", "zero_input"]


def _dyadic(rng, shape, lim=16, denom=8.0):
    return rng.integers(-lim, lim + 1, shape) / denom


def make_mlp(n, d, h, c, kind, seed):
    """(X, labels, W1, b1, W2, b2) float64 (labels int64): a two-layer MLP's input of a kind."""
    for attempt in range(100):
        rng = np.random.default_rng([seed, attempt])
        labels = rng.integers(0, c, n).astype(np.int64)
        if kind == "kink":                   # small dyadic values: Z1 exact, with exact zeros
            X, W1 = _dyadic(rng, (n, d)), _dyadic(rng, (d, h))
            Z = X @ W1
            b1 = -Z[rng.integers(0, n, h), np.arange(h)]
            b1[rng.random(h) < 0.25] = 0.0
        elif kind == "zero_input":           # X = 0: Z1 = b1, some of it exactly 0
            X = np.zeros((n, d))
            W1 = rng.standard_normal((d, h))
            b1 = np.where(rng.random(h) < 0.5, 0.0, rng.standard_normal(h))
        else:
            scale = 2.0 ** rng.integers(-3, 4) if kind == "wide" else 1.0
            X = rng.standard_normal((n, d)) * scale
            W1 = rng.standard_normal((d, h)) / math.sqrt(d)
            b1 = rng.standard_normal(h) * 0.5
        W2 = rng.standard_normal((h, c)) / math.sqrt(h)
        b2 = rng.standard_normal(c) * 0.5
        if kind == "huge":                   # logits around 1e4 (either sign)
            W2 = W2 * 50.0
            b2 = b2 + rng.choice([-1.0, 1.0]) * 1e4
        elif kind == "underflow":            # one class > 745 below the others
            b2[labels[0]] -= rng.uniform(800, 3000)     # the first sample's own class
        elif kind == "ties" and c >= 2:      # two classes with identical columns: tied logits
            W2[:, 1] = W2[:, 0]
            b2[1] = b2[0] = b2.max() + 1.0
        Z1 = X @ W1 + b1
        E = (d + 2) * U * (np.abs(X) @ np.abs(W1) + np.abs(b1))
        near = (Z1 != 0) & (np.abs(Z1) <= 4 * E)
        if not near.any():
            return X, labels, W1, b1, W2, b2
    raise RuntimeError("no kink-safe input found")  # pragma: no cover


class MlpCase:
    def __init__(self, n, d, h, c, kind, activation, seed, data=None, label=None):
        self.n, self.d, self.h, self.c = n, d, h, c
        self.kind, self.activation, self.seed, self.label = kind, activation, seed, label
        self.data = make_mlp(n, d, h, c, kind, seed) if data is None else data

    @property
    def params(self):
        X, labels, W1, b1, W2, b2 = self.data
        return X, W1, b1, W2, b2

    def __repr__(self):
        if self.label:
            return f"backprop_oracle.{self.label}"
        return (f"MlpCase(backprop_oracle.make_mlp(n={self.n}, d={self.d}, h={self.h}, "
                f"c={self.c}, kind={self.kind!r}, seed={self.seed}), "
                f"activation={self.activation!r})")


def torch_mlp(X, labels, W1, b1, W2, b2, activation):
    """PyTorch float64 autograd: (Z1, A1, Z2, P, loss, grads dict)."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
         for k, v in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    Xt = torch.tensor(X, dtype=torch.float64)
    Z1 = Xt @ t["W1"] + t["b1"]
    A1 = torch.relu(Z1) if activation == "relu" else \
        torch.nn.functional.gelu(Z1, approximate="tanh")
    Z2 = A1 @ t["W2"] + t["b2"]
    loss = torch.nn.functional.cross_entropy(Z2, torch.tensor(labels, dtype=torch.int64))
    loss.backward()
    P = torch.softmax(Z2.detach(), dim=1)
    return (Z1.detach().numpy(), A1.detach().numpy(), Z2.detach().numpy(), P.numpy(),
            float(loss.detach()), {k: v.grad.numpy() for k, v in t.items()})


def mlp_bounds(X, labels, W1, b1, W2, b2, activation, oracle):
    """The statement's first-order bounds E on one float64 evaluation (dict of arrays/float)."""
    Z1, A1, Z2, P, loss, _ = oracle
    n, d = X.shape
    h, c = W2.shape
    aX, aW1, ab1, aW2, ab2 = (np.abs(a) for a in (X, W1, b1, W2, b2))
    M1 = aX @ aW1 + ab1
    EZ1 = (d + 2) * U * M1
    if activation == "relu":
        EA1, phi, Ephi = EZ1, 1.0, np.zeros_like(M1)
    else:
        Mz = M1 + EZ1
        EA1 = 1.13 * EZ1 + 16 * U * Mz
        phi, Ephi = 1.13, 0.8 * EZ1 + 16 * U * (1 + Mz + Mz ** 3)
    MA1 = np.abs(A1) + EA1
    M2 = MA1 @ aW2 + ab2
    EZ2 = EA1 @ aW2 + (h + 2) * U * M2
    Y = np.zeros((n, c))
    Y[np.arange(n), labels] = 1.0
    tol_ce, r = ce_tolerances(Z2, labels, loss, zerr=EZ2)
    ez = EZ2.max(axis=1, keepdims=True)
    EP = P * (2 * ez + r[:, None])
    G2 = (P - Y) / n
    EG2 = (EP + 2 * U * np.abs(P - Y)) / n + TINY
    MG2 = np.abs(G2) + EG2
    E = {"loss": tol_ce, "Z2": EZ2}
    E["W2"] = EA1.T @ MG2 + MA1.T @ EG2 + (n + 1) * U * (MA1.T @ MG2)
    E["b2"] = EG2.sum(axis=0) + (n + 1) * U * MG2.sum(axis=0)
    EdA1 = EG2 @ aW2.T + (c + 1) * U * (MG2 @ aW2.T)
    MdA1 = MG2 @ aW2.T + EdA1
    EdZ1 = phi * EdA1 + MdA1 * Ephi + U * phi * MdA1
    MdZ1 = phi * MdA1 + EdZ1
    E["W1"] = aX.T @ EdZ1 + (n + 1) * U * (aX.T @ MdZ1)
    E["b1"] = EdZ1.sum(axis=0) + (n + 1) * U * MdZ1.sum(axis=0)
    return E


GRAD_KEYS = ("W1", "b1", "W2", "b2")


def check_logits(call, case, got, observe=None):
    X, labels, W1, b1, W2, b2 = case.data
    oracle = torch_mlp(X, labels, W1, b1, W2, b2, case.activation)
    got = require_array(call, got, (case.n, case.c))
    E = mlp_bounds(X, labels, W1, b1, W2, b2, case.activation, oracle)
    allowed = 4 * E["Z2"]
    err = np.abs(got - oracle[2])
    ratio = np.where(allowed > 0, err / np.where(allowed > 0, allowed, 1.0), 0.0)
    k = np.unravel_index(np.argmax(ratio), ratio.shape)
    if observe is not None:
        observe(float(err[k]), float(allowed[k]), label="mlp_forward: |logit error| vs 4·E_Z2")
    bad = ~(err <= allowed)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise AssertionError(
            f"{call}: logits[{i}, {j}] = {got[i, j]!r}, expected act(X @ W1 + b1) @ W2 + b2 = "
            f"{oracle[2][i, j]!r} (error {err[i, j]:.3g} > allowed {allowed[i, j]:.3g}); "
            f"activation {case.activation!r}")


def check_grads(call, case, got, observe=None):
    X, labels, W1, b1, W2, b2 = case.data
    oracle = torch_mlp(X, labels, W1, b1, W2, b2, case.activation)
    assert isinstance(got, dict), f"{call} must return a dict, got {type(got).__name__}"
    keys = {"loss", *GRAD_KEYS}
    assert set(got) == keys, (
        f"{call} must return a dict with exactly the keys {sorted(keys)}, got {sorted(got)}")
    E = mlp_bounds(X, labels, W1, b1, W2, b2, case.activation, oracle)
    loss = require_float(f"{call}['loss']", got["loss"])
    lerr = abs(loss - oracle[4])
    assert lerr <= 4 * E["loss"], (
        f"{call}['loss'] = {loss!r}, expected the mean cross-entropy {oracle[4]!r} (error "
        f"{lerr:.3g} > allowed {4 * E['loss']:.3g}); activation {case.activation!r}")
    shapes = {"W1": W1.shape, "b1": b1.shape, "W2": W2.shape, "b2": b2.shape}
    worst = (0.0, 1.0)
    for key in GRAD_KEYS:
        g = require_array(f"{call}[{key!r}]", got[key], shapes[key])
        want = oracle[5][key]
        allowed = 4 * E[key]
        err = np.abs(g - want)
        bad = ~(err <= allowed)
        if bad.any():
            idx = tuple(int(v) for v in np.argwhere(bad)[0])
            hint = ""
            if case.activation == "relu" and case.kind in ("kink", "zero_input"):
                hint = (" (this input has pre-activations exactly 0: ReLU's derivative there is "
                        "0, as in PyTorch)")
            raise AssertionError(
                f"{call}[{key!r}]{list(idx)} = {g[idx]!r}, expected dL/d{key}{list(idx)} = "
                f"{want[idx]!r} (torch.autograd, float64; error {err[idx]:.3g} > allowed "
                f"{allowed[idx]:.3g}); activation {case.activation!r}, N = {case.n}{hint}")
        ratio = np.where(allowed > 0, err / np.where(allowed > 0, allowed, 1), 0.0)
        k = np.unravel_index(np.argmax(ratio), ratio.shape)
        if allowed[k] > 0 and ratio[k] >= worst[0] / worst[1]:
            worst = (float(err[k]), float(allowed[k]))
    if observe is not None:
        observe(worst[0], worst[1], label="mlp_backward: |gradient error| vs 4·E (worst entry)")


# --------------------------------------------------------------------------- finite differences

def float64_loss(X, labels, W1, b1, W2, b2, activation):
    """The grader's own float64 loss (max-shifted logsumexp), for finite differences."""
    Z1 = X @ W1 + b1
    if activation == "relu":
        A1 = np.maximum(Z1, 0.0)
    else:
        A1 = 0.5 * Z1 * (1.0 + np.tanh(K_GELU * (Z1 + C_GELU * Z1 ** 3)))
    Z2 = A1 @ W2 + b2
    m = Z2.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(Z2 - m).sum(axis=1))
    return float(np.mean(lse - Z2[np.arange(len(labels)), labels]))


def make_fd(n, d, h, c, activation, seed):
    """An FD-friendly input: entries uniform in [-1, 1], every |Z1| > 4·FD_STEP."""
    for attempt in range(100):
        rng = np.random.default_rng([seed, attempt, 7])
        X = rng.uniform(-1, 1, (n, d))
        W1, b1 = rng.uniform(-1, 1, (d, h)), rng.uniform(-1, 1, h)
        W2, b2 = rng.uniform(-1, 1, (h, c)), rng.uniform(-1, 1, c)
        labels = rng.integers(0, c, n).astype(np.int64)
        if np.abs(X @ W1 + b1).min() > 4 * FD_STEP:
            return X, labels, W1, b1, W2, b2
    raise RuntimeError("no kink-free input found")  # pragma: no cover


class FdCase(MlpCase):
    def __init__(self, n, d, h, c, activation, seed):
        super().__init__(n, d, h, c, "fd", activation, seed,
                         data=make_fd(n, d, h, c, activation, seed))

    def __repr__(self):
        return (f"FdCase(backprop_oracle.make_fd(n={self.n}, d={self.d}, h={self.h}, c={self.c}, "
                f"activation={self.activation!r}, seed={self.seed}))")


def check_fd(call, case, got, coords_per_param=4):
    X, labels, W1, b1, W2, b2 = case.data
    assert isinstance(got, dict) and set(got) == {"loss", *GRAD_KEYS}, (
        f"{call} must return a dict with exactly the keys ['W1', 'W2', 'b1', 'b2', 'loss']")
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    rng = np.random.default_rng(case.seed)
    for key in GRAD_KEYS:
        g = require_array(f"{call}[{key!r}]", got[key], params[key].shape)
        size = params[key].size
        for flat in rng.choice(size, min(size, coords_per_param), replace=False):
            idx = np.unravel_index(int(flat), params[key].shape)
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            theta = params[key][idx]
            plus[key][idx] = theta + FD_STEP
            minus[key][idx] = theta - FD_STEP
            lp = float64_loss(X, labels, plus["W1"], plus["b1"], plus["W2"], plus["b2"],
                              case.activation)
            lm = float64_loss(X, labels, minus["W1"], minus["b1"], minus["W2"], minus["b2"],
                              case.activation)
            fd = (lp - lm) / (plus[key][idx] - minus[key][idx])
            tol = FD_TOL * (1 + abs(fd))
            err = abs(float(g[idx]) - fd)
            assert err <= tol, (
                f"{call}[{key!r}]{[int(v) for v in idx]} = {float(g[idx])!r}, but the central "
                f"difference (L(θ + h) − L(θ − h)) / 2h with h = 1e-5 is {fd!r} (difference "
                f"{err:.3g} > allowed {tol:.3g}): the gradient is not the loss's slope; "
                f"activation {case.activation!r}, N = {case.n}")
