"""Inputs and independent checks for the moe_router grader tests.

Nothing here calls your code or the reference: every check is written from the contract, with
Python integers and Fractions (selection, capacity, slots: exact) or in float64 NumPy (gates,
combine, loss: within a tolerance derived in the statement). float32 inputs are exact in
float64; for float64 inputs the grader adds its own float64 error (the same formula with
u = 2**-53) to the tolerance.

Tolerances (u = the unit roundoff of the logits' or x's dtype: 2**-24 float32, 2**-53 float64;
t = its smallest subnormal: 2**-149, 2**-1074; K = 32, C = 2, F = 8):

* gates: with m the row's max logit, d_j = l_j - m and g*_j the exact gate,
  |g_j - g*_j| <= (K u (1 + |d_j|) + C (E + k) u) g*_j + F E t.
* moe_combine: with S_to = sum over kept j of |g_tj| (sum_d |x_td| |W[e_tj]_do| + |b[e_tj]_o|),
  |y_to - y*_to| <= (2 (D + k) + 8) u S_to + (D + 2) k t (the last term only where the token
  keeps an assignment: a token with none must be exactly 0).
* loss: L* = (E / (T^2 k)) sum_{t,e} c_e p*_te with c_e the number of top-k choices of e, and
  |L - L*| <= (E / (T^2 k)) sum_{t,e} c_e ((K u (1 + |d_te|) + C E u) p*_te + F t)
                + C (T + E + 4) u L*.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe, observe_worst

K_EXP, C_SUM, F_TINY = 32, 2, 8
UNIT = {np.dtype(np.float32): 2.0 ** -24, np.dtype(np.float64): 2.0 ** -53}
TINY = {np.dtype(np.float32): 2.0 ** -149, np.dtype(np.float64): 2.0 ** -1074}
U64 = 2.0 ** -53
DTYPES = {"float32": np.float32, "float64": np.float64}


def _fmt(v) -> str:
    return f"{float(v):.9g}"


def check_array(name, a, dtype, shape):
    assert isinstance(a, np.ndarray), f"{name} must be a numpy.ndarray, got {type(a).__name__}"
    assert a.dtype == np.dtype(dtype), f"{name} must have dtype {np.dtype(dtype)}, got {a.dtype}"
    assert a.shape == tuple(shape), f"{name} must have shape {tuple(shape)}, got {a.shape}"


# ------------------------------------------------------------------------------------ logits

def select_oracle(logits, k) -> np.ndarray:
    """The k largest logits per row, descending, ties to the lower index (exact comparisons)."""
    T, E = logits.shape
    out = np.empty((T, k), dtype=np.int64)
    for t in range(T):
        row = [float(v) for v in logits[t]]
        out[t] = sorted(range(E), key=lambda i: (-row[i], i))[:k]
    return out


def _d(logits):
    w = logits.astype(np.float64)
    return w - w.max(axis=1, keepdims=True)


def softmax64(logits):
    e = np.exp(_d(logits))
    return e / e.sum(axis=1, keepdims=True)


def make_logits(T, E, dtype, kind, seed, log2_mag):
    rng = np.random.default_rng(seed)
    if kind == "gauss":
        a = rng.standard_normal((T, E))
    elif kind == "ints":                      # few distinct values: ties everywhere
        a = rng.integers(-2, 3, (T, E)).astype(np.float64)
    elif kind == "constant":                  # every row all equal: the tie-break decides all
        a = np.repeat(rng.standard_normal((T, 1)), E, axis=1)
    elif kind == "favourite":                 # every token prefers the same expert
        a = rng.standard_normal((T, E))
        a[:, int(rng.integers(E))] += 4.0
    elif kind == "near_ties":                 # pairs of adjacent floats: select by the logits
        a = rng.standard_normal((T, E)) * 0.125   # small: their exps round to the same float
        a = a.astype(dtype).astype(np.float64)
        for t in range(T):                    # the row's top two: a float and the next one up
            if E < 2:
                continue
            i, j = sorted(int(v) for v in rng.choice(E, size=2, replace=False))
            if rng.random() < 0.5:            # the larger one at the higher index
                a[t, i] = float(np.asarray(a[t].max() + 0.01, dtype=dtype))
                a[t, j] = float(np.nextafter(np.asarray(a[t, i], dtype=dtype), np.inf))
            else:
                a[t, j] = float(np.nextafter(np.asarray(a[t, i], dtype=dtype), np.inf))
    elif kind == "tiny":                      # all probabilities nearly 1/E
        a = rng.standard_normal((T, E)) * 2.0 ** -20
    else:
        raise ValueError(kind)
    if kind != "near_ties":
        a = a * 2.0 ** log2_mag
    return a.astype(dtype)


class LogitCase:
    """A drawn logits matrix: ``moe_strategies.LogitCase(...).logits`` rebuilds it."""

    def __init__(self, T, E, k, dtype, kind, seed, log2_mag, logits=None):
        self.T, self.E, self.k, self.dtype, self.kind = T, E, k, dtype, kind
        self.seed, self.log2_mag = seed, log2_mag
        self.logits = (make_logits(T, E, DTYPES[dtype], kind, seed, log2_mag)
                       if logits is None else logits)

    def __repr__(self):
        if self.kind == "explicit":
            return f"LogitCase(logits = {self.logits.tolist()} ({self.dtype}), k = {self.k})"
        head = (f"LogitCase(T={self.T}, E={self.E}, k={self.k}, dtype={self.dtype!r}, "
                f"kind={self.kind!r}, seed={self.seed}, log2_mag={self.log2_mag})")
        if self.logits.size <= 24:
            head += f"\n  # logits = {self.logits.tolist()}"
        return head


def explicit_logits(values, k, dtype="float32"):
    a = np.array(values, dtype=DTYPES[dtype])
    return LogitCase(a.shape[0], a.shape[1], k, dtype, "explicit", 0, 0, a)


LOGIT_KINDS = ["gauss", "ints", "constant", "favourite", "near_ties", "tiny"]


@st.composite
def logit_cases(draw, max_T=32, max_E=16, dtypes=tuple(DTYPES), kinds=tuple(LOGIT_KINDS),
                mag=(-4, 6)):
    T = draw(st.one_of(st.just(1), st.integers(1, max_T)))
    E = draw(st.one_of(st.just(1), st.integers(1, max_E)))
    k = draw(st.one_of(st.just(1), st.just(E), st.integers(1, E)))
    dtype = draw(st.sampled_from(list(dtypes)))
    kind = draw(st.sampled_from(list(kinds)))
    log2_mag = draw(st.integers(*mag))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return LogitCase(T, E, k, dtype, kind, seed, log2_mag)


def gate_bound(d, g, E, k, u):
    return (K_EXP * u * (1 + np.abs(d)) + C_SUM * (E + k) * u) * g


def check_gating(call, logits, k, result):
    """Types, then the experts exactly (by the logits), then the gates within tolerance."""
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{call} must return a tuple (experts, gates), got {type(result).__name__}")
    experts, gates = result
    T, E = logits.shape
    check_array(f"{call}: experts", experts, np.int64, (T, k))
    check_array(f"{call}: gates", gates, logits.dtype, (T, k))
    want = select_oracle(logits, k)
    bad_rows = np.flatnonzero((experts != want).any(axis=1))
    if bad_rows.size:
        t = int(bad_rows[0])
        row = logits[t].tolist()
        got_r, want_r = experts[t].tolist(), want[t].tolist()
        hint = ""
        if sorted(got_r) == sorted(want_r):
            hint = " (the right experts in the wrong order: list them in descending order of logit)"
        else:
            chosen = [row[i] for i in want_r]
            if len(set(row)) < len(row) and any(row.count(v) > 1 for v in chosen):
                hint = " (equal logits: the tie goes to the LOWER expert index)"
            elif any(0 < abs(row[a] - row[b]) <= 1e-6 * abs(row[a])
                     for a in range(E) for b in range(E)):
                hint = (" (select by the logits themselves: two different logits can give "
                        "probabilities that round to the same float)")
        raise AssertionError(
            f"{call}: token {t} with logits {row}: experts {got_r}, expected {want_r}: the {k} "
            f"largest logits, in descending order, ties to the lower expert index{hint}")
    d = np.take_along_axis(_d(logits), want, axis=1)
    e = np.exp(d)
    gstar = e / e.sum(axis=1, keepdims=True)
    u, tiny = UNIT[logits.dtype], TINY[logits.dtype]
    tol = gate_bound(d, gstar, E, k, u) + F_TINY * E * tiny + gate_bound(d, gstar, E, k, U64)
    g = gates.astype(np.float64)
    err = np.abs(g - gstar)
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label="top_k_gating: |gate - exact| vs bound")
    if bad.any():
        t, j = (int(i) for i in np.argwhere(bad)[0])
        s = float(g[t].sum())
        hint = ""
        if k < E and abs(s - 1) > 1e-3:
            hint = " (the k gates of a token must sum to 1: renormalize over the k selected)"
        elif k < E and np.isclose(g[t, j], softmax64(logits)[t, want[t, j]], rtol=1e-5, atol=0):
            hint = (" — it is the softmax over ALL experts: renormalize over the k selected "
                    "(divide by their sum)")
        raise AssertionError(
            f"{call}: gates[{t}, {j}] = {_fmt(g[t, j])} for expert {int(want[t, j])} of token "
            f"{t}, expected {_fmt(gstar[t, j])} within {float(tol[t, j]):.3g}{hint}")
    return experts, gates


# ---------------------------------------------------------------------------------- capacity

def capacity_oracle(T, E, k, cf) -> int:
    f = Fraction(repr(cf)) if isinstance(cf, float) else Fraction(cf)
    n = f * T * k
    return -((-n.numerator) // (n.denominator * E))      # exact ceil of n / E


# ------------------------------------------------------------------------------------- slots

def slots_oracle(experts, num_experts, capacity) -> np.ndarray:
    T, k = experts.shape
    used = [0] * num_experts
    pos = np.full((T, k), -1, dtype=np.int64)
    for j in range(k):
        for t in range(T):
            e = int(experts[t, j])
            if used[e] < capacity:
                pos[t, j] = used[e]
                used[e] += 1
    return pos


def make_table(T, E, k, kind, seed):
    """An experts table (T, k) int64, distinct experts per row."""
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        rows = [rng.permutation(E)[:k] for _ in range(T)]
    elif kind == "skewed":                   # most tokens put one expert first
        fav = int(rng.integers(E))
        rows = []
        for _ in range(T):
            perm = list(rng.permutation(E))
            if rng.random() < 0.7:
                perm.remove(fav)
                perm.insert(0, fav)
            rows.append(perm[:k])
    elif kind == "same":                     # every token has the same preference order
        perm = rng.permutation(E)[:k]
        rows = [perm for _ in range(T)]
    elif kind == "second_heavy":             # one expert is everyone's 2nd choice
        fav = int(rng.integers(E))
        rows = []
        for _ in range(T):
            perm = [e for e in rng.permutation(E) if e != fav]
            rows.append((perm[:1] + [fav] + perm[1:])[:k] if E > 1 else [fav])
    else:
        raise ValueError(kind)
    return np.array(rows, dtype=np.int64).reshape(T, k)


class RouteCase:
    """A drawn routing table: ``moe_strategies.RouteCase(...).experts`` rebuilds it."""

    def __init__(self, T, E, k, kind, seed, capacity, experts=None):
        self.T, self.E, self.k, self.kind, self.seed, self.capacity = T, E, k, kind, seed, capacity
        self.experts = make_table(T, E, k, kind, seed) if experts is None else experts

    def __repr__(self):
        if self.kind == "explicit":
            return (f"RouteCase(experts = {self.experts.tolist()}, num_experts = {self.E}, "
                    f"capacity = {self.capacity})")
        head = (f"RouteCase(T={self.T}, E={self.E}, k={self.k}, kind={self.kind!r}, "
                f"seed={self.seed}, capacity={self.capacity})")
        if self.experts.size <= 24:
            head += f"\n  # experts = {self.experts.tolist()}"
        return head


def explicit_route(rows, E, capacity):
    a = np.array(rows, dtype=np.int64)
    return RouteCase(a.shape[0], E, a.shape[1], "explicit", 0, capacity, a)


ROUTE_KINDS = ["uniform", "skewed", "same", "second_heavy"]


@st.composite
def route_cases(draw, max_T=40, max_E=12):
    T = draw(st.integers(1, max_T))
    E = draw(st.integers(1, max_E))
    k = draw(st.integers(min(2, E), min(E, 4)) | st.just(1) | st.integers(min(2, E), E))
    kind = draw(st.sampled_from(ROUTE_KINDS + ["skewed", "second_heavy"]))
    cf = draw(st.sampled_from([0.25, 0.5, 0.75, 1, 1.25]))
    cap = draw(st.sampled_from([1, 2]) | st.just(capacity_oracle(T, E, k, cf)))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return RouteCase(T, E, k, kind, seed, cap)


def check_slots(call, experts, E, capacity, got):
    T, k = experts.shape
    check_array(f"{call}: positions", got, np.int64, (T, k))
    want = slots_oracle(experts, E, capacity)
    if np.array_equal(got, want):
        return
    t, j = (int(i) for i in np.argwhere(got != want)[0])
    e = int(experts[t, j])
    hint = ""
    if int(got[t, j]) >= capacity:
        hint = f" (slots run from 0 to capacity - 1 = {capacity - 1}: an expert holds at most capacity)"
    elif (got == slots_oracle_token_major(experts, E, capacity)).all():
        hint = (" — you placed the assignments token by token; the priority is choice-major: "
                "every token's 1st choice first (in token order), then every 2nd choice, ...")
    elif (got >= 0).sum() == (want >= 0).sum() and ((got >= 0) == (want >= 0)).all():
        hint = " (the right assignments are kept, but the slot numbers differ)"
    raise AssertionError(
        f"{call}: positions[{t}, {j}] = {int(got[t, j])} for token {t}'s choice {j} "
        f"(expert {e}), expected {int(want[t, j])}: capacity {capacity}, assignments placed "
        f"choice-major (all 1st choices in token order, then all 2nd choices, ...), each in "
        f"its expert's next free slot, -1 once the expert is full{hint}")


def slots_oracle_token_major(experts, num_experts, capacity):
    T, k = experts.shape
    used = [0] * num_experts
    pos = np.full((T, k), -1, dtype=np.int64)
    for t in range(T):
        for j in range(k):
            e = int(experts[t, j])
            if used[e] < capacity:
                pos[t, j] = used[e]
                used[e] += 1
    return pos


# ----------------------------------------------------------------------------------- combine

class CombineCase:
    """Drawn inputs of moe_combine: ``moe_strategies.CombineCase(...).args()`` rebuilds them as
    (x, experts, gates, positions, weights, biases)."""

    def __init__(self, T, E, k, D, D_out, dtype, seed, capacity, log2_mag=0):
        self.T, self.E, self.k, self.D, self.D_out = T, E, k, D, D_out
        self.dtype, self.seed, self.capacity, self.log2_mag = dtype, seed, capacity, log2_mag

    def args(self):
        rng = np.random.default_rng(self.seed)
        dt = DTYPES[self.dtype]
        T, E, k, D, D_out = self.T, self.E, self.k, self.D, self.D_out
        x = (rng.standard_normal((T, D)) * 2.0 ** self.log2_mag).astype(dt)
        experts = make_table(T, E, k, "skewed", int(rng.integers(2 ** 32)))
        raw = rng.standard_normal((T, k))
        gates = np.exp(raw) / np.exp(raw).sum(axis=1, keepdims=True)
        gates = gates.astype(dt)
        positions = slots_oracle(experts, E, self.capacity)
        weights = (rng.standard_normal((E, D, D_out)) / math.sqrt(D)).astype(dt)
        biases = (rng.standard_normal((E, D_out)) * 0.5).astype(dt)
        return x, experts, gates, positions, weights, biases

    def __repr__(self):
        return (f"CombineCase(T={self.T}, E={self.E}, k={self.k}, D={self.D}, "
                f"D_out={self.D_out}, dtype={self.dtype!r}, seed={self.seed}, "
                f"capacity={self.capacity}, log2_mag={self.log2_mag})")


@st.composite
def combine_cases(draw, max_T=24, max_E=8, max_D=24, dtypes=tuple(DTYPES)):
    T = draw(st.integers(1, max_T))
    E = draw(st.integers(1, max_E))
    k = draw(st.integers(min(2, E), min(E, 3)) | st.just(1) | st.integers(min(2, E), E))
    D = draw(st.integers(1, max_D))
    D_out = draw(st.integers(1, 12))
    dtype = draw(st.sampled_from(list(dtypes)))
    cap = draw(st.sampled_from([0, 1, 2, max(1, T * k // (2 * E)), max(1, T * k // (2 * E)),
                                -(-T * k // E), T * k]))
    log2_mag = draw(st.integers(-6, 6))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return CombineCase(T, E, k, D, D_out, dtype, seed, cap, log2_mag)


def combine_oracle(x, experts, gates, positions, weights, biases):
    """(y* in float64, S the sum of absolute values of the terms, per output)."""
    x64, w64, b64 = x.astype(np.float64), weights.astype(np.float64), biases.astype(np.float64)
    g64 = gates.astype(np.float64)
    T, k = experts.shape
    y = np.zeros((T, weights.shape[2]))
    S = np.zeros_like(y)
    for j in range(k):
        keep = (positions[:, j] >= 0).astype(np.float64)[:, None]
        e = experts[:, j]
        h = np.einsum("td,tdo->to", x64, w64[e]) + b64[e]
        habs = np.einsum("td,tdo->to", np.abs(x64), np.abs(w64[e])) + np.abs(b64[e])
        y += keep * g64[:, j:j + 1] * h
        S += keep * np.abs(g64[:, j:j + 1]) * habs
    return y, S


def check_combine(call, args, got):
    x, experts, gates, positions, weights, biases = args
    T, D = x.shape
    k = experts.shape[1]
    check_array(f"{call}: y", got, x.dtype, (T, weights.shape[2]))
    ystar, S = combine_oracle(*args)
    u, tiny = UNIT[x.dtype], TINY[x.dtype]
    anykept = (positions >= 0).any(axis=1)[:, None]
    tol = (2 * (D + k) + 8) * u * S + (D + k + 4) * U64 * S + np.where(anykept, (D + 2) * k * tiny, 0.0)
    y = got.astype(np.float64)
    err = np.abs(y - ystar)
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label="moe_combine: |y - exact| vs (2(D+k)+8)u·S")
    if bad.any():
        t, o = (int(i) for i in np.argwhere(bad)[0])
        kept = [j for j in range(k) if positions[t, j] >= 0]
        hint = ""
        if not kept:
            hint = (" — every assignment of this token is dropped, so its output is exactly 0 "
                    "(no residual pass-through)")
        elif len(kept) < k:
            sub_g = gates[t, kept].astype(np.float64)
            ren = ystar[t, o] / sub_g.sum() if sub_g.sum() else None
            if ren is not None and abs(y[t, o] - ren) <= max(tol[t, o], 1e-6 * abs(ren)):
                hint = (" — it looks like you renormalized the kept gates: a dropped assignment "
                        "just contributes 0, the other gates are used as given")
        raise AssertionError(
            f"{call}: y[{t}, {o}] = {_fmt(y[t, o])}, expected {_fmt(ystar[t, o])} within "
            f"{float(tol[t, o]):.3g}: token {t} keeps choices {kept} (experts "
            f"{[int(experts[t, j]) for j in kept]}, gates "
            f"{[_fmt(gates[t, j]) for j in kept]}); y_t = sum over kept j of "
            f"gate_tj * (x_t @ W[e_tj] + b[e_tj]){hint}")


# -------------------------------------------------------------------------------------- loss

def loss_oracle(logits, k):
    """(L*, tolerance)."""
    T, E = logits.shape
    counts = np.bincount(select_oracle(logits, k).ravel(), minlength=E).astype(np.float64)
    d = _d(logits)
    p = softmax64(logits)
    scale = E / (T * T * k)
    Lstar = scale * float((counts[None, :] * p).sum())
    u, tiny = UNIT[logits.dtype], TINY[logits.dtype]

    def part(uu, floor):
        per = (K_EXP * uu * (1 + np.abs(d)) + C_SUM * E * uu) * p + floor
        return scale * float((counts[None, :] * per).sum()) + C_SUM * (T + E + 4) * uu * Lstar

    return Lstar, part(u, F_TINY * tiny) + part(U64, 0.0), counts


def check_loss(call, logits, k, got):
    assert isinstance(got, float), (
        f"{call} must return a Python float, got {type(got).__name__}")
    T, E = logits.shape
    Lstar, tol, counts = loss_oracle(logits, k)
    err = abs(got - Lstar)
    observe(err, tol, label="load_balancing_loss: |L - exact| vs bound")
    if err <= tol:
        return
    hint = ""
    p = softmax64(logits)
    top1 = np.bincount(select_oracle(logits, 1).ravel(), minlength=E)
    alt = {
        "f_e counted over the 1st choice only": E * float((top1 / T * p.mean(axis=0)).sum()),
        "f_e not divided by k (fractions summing to k)": E * float((counts / T * p.mean(axis=0)).sum()),
        "the factor E left out": float((counts / (T * k) * p.mean(axis=0)).sum()),
    }
    for what, v in alt.items():
        if abs(got - v) <= max(tol, 1e-9 * abs(v)) and abs(v - Lstar) > tol:
            hint = f" — it matches {what}"
            break
    raise AssertionError(
        f"{call}: loss = {got!r}, expected {Lstar!r} within {tol:.3g}: E * sum_e f_e * P_e with "
        f"f_e = (number of top-{k} choices of expert e) / (T * k) = "
        f"{[str(Fraction(int(c), T * k)) for c in counts]} and P_e the mean softmax "
        f"probability of e{hint}")


# (T, E, k, cf) where cf * T * k / E is an integer exactly but at least six of seven natural
# float orders (cf*T*k/E, cf*(T*k)/E, T*k/E*cf, ...) round one ulp above it, so their ceiling
# is one too many (found by an exhaustive search over short decimals and small counts).
FLOAT_TRAPS = [
    (230, 11, 4, 0.55), (190, 11, 2, 1.1), (100, 8, 4, 1.1), (200, 8, 4, 0.55),
    (190, 11, 4, 0.55), (180, 4, 2, 1.1), (50, 4, 4, 1.1), (200, 11, 2, 1.1),
    (115, 11, 4, 0.55), (90, 1, 1, 1.1), (95, 11, 4, 1.1), (100, 1, 1, 0.55),
    (100, 11, 2, 1.1), (230, 1, 1, 1.1), (220, 1, 1, 0.55), (170, 4, 4, 1.1),
    (180, 2, 2, 0.55), (220, 4, 4, 0.55), (85, 11, 4, 1.1), (25, 11, 4, 0.55),
    (175, 7, 4, 0.55), (175, 14, 4, 1.1), (100, 2, 1, 1.1), (50, 11, 2, 1.1),
]


@st.composite
def exact_capacity_args(draw, max_E=64):
    """(T, E, k, cf) with cf a short decimal and cf * T * k / E an integer exactly: there a
    float evaluation that rounds up by one ulp gets the ceiling wrong. 3 in 4 draws scale
    a known float trap by 2**s (the rounding pattern is the same); the others are built at random."""
    if draw(st.integers(0, 3)) > 0:
        T, E, k, cf = draw(st.sampled_from(FLOAT_TRAPS))
        s = draw(st.integers(0, 20))
        return T * 2 ** s, E, k, cf
    E = draw(st.integers(1, max_E))
    k = draw(st.integers(1, E))
    n = draw(st.integers(1, 40))
    cf = float(f"{n // 10}.{n % 10}") if n % 10 else float(n // 10)
    j = draw(st.integers(1, 400))
    T = 10 * E * j
    return T, E, k, cf
