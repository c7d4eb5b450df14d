"""Inputs, the exact oracle, the error bounds and the kernel checks of online_softmax.

Exact values (the grader's, never the student's): for float32 data, float64 arithmetic (its own
error, below 2**-45 relative, is added to every tolerance); for float64 data, mpmath at 160 bits
(rounded once to float64: 2**-52 relative is added).
M is the row's max (exact: a max never rounds), d_j = x_j - M, t_j = exp(d_j), L = sum_j t_j,
LSE = M + log(L), P_j = t_j / L.

The bounds (the statement states the same formulas; u is the unit roundoff of the dtype the
computation runs in, k the number of update/merge calls that built the state, n the number of
values of the row):

  l       |l - L| <= 2 * rel_l * L,  rel_l = (n + 10 k + 16) u + 4 u sum_j t_j |d_j| / L + n tiny / L
  lse     |lse - LSE| <= 2 * (u + 8 u log(L) + u |LSE|)          (finalize from an exact state)
  softmax |p_j - P_j| <= 2 * P_j * (rel + (4 |d_j| + 12) u) + tiny (rel = u for an exact state)

The subtractions x_j - m along any chain of increasing running maxima telescope to |d_j| u, each
exp is good to 4 ulps (8u), each rescale costs one multiply and one add, the row's sum at most
n - 1 additions in any order (gamma_n), and tiny (the smallest normal number) lets an exp that
underflows be flushed to zero. The factor 2 covers the second-order terms with room to spare.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
from hypothesis import strategies as st

from autograder.testing import observe_worst, triton_source

U = {"float32": 2.0 ** -24, "float64": 2.0 ** -53, "float16": 2.0 ** -11}
TINY_NORMAL = {"float32": 2.0 ** -126, "float64": 2.0 ** -1022}
ORACLE_REL = {"float32": 2.0 ** -45, "float64": 2.0 ** -52}  # float64: mpmath rounded once
NP_DTYPES = {"float32": np.float32, "float64": np.float64}
STYLES = ["normal", "neg_inf_entries", "neg_inf_prefix", "all_neg_inf_row", "huge", "extreme",
          "ties", "wide"]
seeds = st.integers(min_value=0, max_value=2**31 - 1)


# ----------------------------------------------------------------------------- inputs

def make_x(rows, n, dtype="float32", seed=0, style="normal"):
    """A (rows, n) array of the style's values, drawn from a seeded generator.

    normal: N(0, 1). neg_inf_entries: about a third of the entries -inf. neg_inf_prefix: the
    first half of every row -inf (the first blocks are all -inf). all_neg_inf_row: row 0 all
    -inf, the others normal. huge: 1e4 + N(0, 1). extreme: every row mixes +-(dtype max)/2, 0 and
    -inf. ties: small integers, so that the max is tied across blocks. wide: N(0, 30)."""
    rng = np.random.default_rng(int(seed))
    big = float(np.finfo(NP_DTYPES[dtype] if dtype in NP_DTYPES else np.float16).max) / 2
    x = rng.standard_normal((rows, n))
    if style == "neg_inf_entries":
        x[rng.random((rows, n)) < 0.35] = -np.inf
    elif style == "neg_inf_prefix":
        x[:, : n // 2] = -np.inf
    elif style == "all_neg_inf_row":
        x[0] = -np.inf
    elif style == "huge":
        x = 1e4 + x
    elif style == "extreme":
        choice = rng.integers(0, 5, size=(rows, n))
        x = np.where(choice == 0, big, np.where(choice == 1, -big, np.where(choice == 2, -np.inf, x)))
        x[:, -1] = big  # every row reaches the huge max at least once (in its last block)
    elif style == "ties":
        x = rng.integers(-3, 2, size=(rows, n)).astype(np.float64)
    elif style == "wide":
        x = 30.0 * x
    return x.astype(dtype)


def cuts_text(cuts):
    return "[" + ", ".join(map(str, cuts)) + "]"


def blocks_of(x, cuts):
    """The column blocks x[:, c0:c1] between consecutive cuts (0 and n added at the ends)."""
    n = x.shape[1]
    edges = [0, *cuts, n]
    return [np.ascontiguousarray(x[:, a:b]) for a, b in zip(edges[:-1], edges[1:])]


class Case:
    """One NumPy-part input: (rows, n) values of a style, cut into column blocks at `cuts`;
    row `dead` (if not None) is all -inf."""

    def __init__(self, rows, n, dtype, seed, style, cuts, dead=None):
        self.rows, self.n, self.dtype, self.seed, self.style = rows, n, dtype, seed, style
        self.cuts = sorted(min(max(c, 0), n) for c in cuts)
        self.dead = dead
        self.x = make_x(rows, n, dtype, seed, style)
        if dead is not None:
            self.x[dead % rows] = -np.inf

    def blocks(self):
        return blocks_of(self.x, self.cuts)

    def __repr__(self):
        return (f"Case(rows={self.rows}, n={self.n}, dtype={self.dtype!r}, seed={self.seed}, "
                f"style={self.style!r}, cuts={self.cuts}"
                + ("" if self.dead is None else f", dead={self.dead}") + ")")


@st.composite
def cases(draw, dtypes=("float32", "float64"), max_n=48, styles=STYLES):
    rows = draw(st.integers(1, 4))
    n = draw(st.one_of(st.integers(1, max_n), st.sampled_from([1, 2, 16, max_n])))
    dtype = draw(st.sampled_from(list(dtypes)))
    style = draw(st.sampled_from(list(styles)))
    seed = draw(seeds)
    how = draw(st.sampled_from(["random", "ones", "single", "halves"]))
    if how == "ones":
        cuts = list(range(1, n))
    elif how == "single":
        cuts = []
    elif how == "halves":
        cuts = [n // 2]
    else:
        cuts = draw(st.lists(st.integers(0, n), max_size=8))  # repeats give empty blocks
    dead = draw(st.sampled_from([None, *range(rows)]))  # most cases have a row of only -inf
    return Case(rows, n, dtype, seed, style, cuts, dead)


# ----------------------------------------------------------------------------- oracle

class Exact:
    """Exact statistics of the rows of x (float64 arrays; M is exact)."""

    def __init__(self, x, dtype=None):
        # dtype: the data's dtype when x is a float64 copy of float32/float16 data (the Triton
        # part): the float64 oracle (fsum, error below 2**-45) is then enough, not mpmath.
        self.dtype = dtype or str(x.dtype)
        w = x.astype(np.float64)
        self.rows, self.n = w.shape
        self.M = w.max(axis=1) if self.n else np.full(self.rows, -np.inf)
        self.empty = np.isneginf(self.M)
        shift = np.where(self.empty, 0.0, self.M)
        with np.errstate(invalid="ignore", over="ignore"):
            self.d = w - shift[:, None]  # -inf where x is -inf
        self.t = np.zeros_like(w)
        self.L = np.zeros(self.rows)
        self.LSE = np.full(self.rows, -np.inf)
        self.P = np.zeros_like(w)
        for r in range(self.rows):
            if self.empty[r]:
                continue
            if self.dtype == "float64":
                self._row_mp(r)
            else:
                self._row_f64(r)

    def _row_f64(self, r):
        t = np.exp(self.d[r])
        self.t[r] = t
        self.L[r] = math.fsum(t.tolist())
        self.LSE[r] = self.M[r] + math.log(self.L[r])
        self.P[r] = t / self.L[r]

    def _row_mp(self, r):
        with mpmath.workprec(160):
            t = [mpmath.exp(mpmath.mpf(float(v))) if np.isfinite(v) else mpmath.mpf(0)
                 for v in self.d[r]]
            L = mpmath.fsum(t)
            self.t[r] = [float(v) for v in t]
            self.L[r] = float(L)
            self.LSE[r] = float(mpmath.mpf(float(self.M[r])) + mpmath.log(L))
            self.P[r] = [float(v / L) for v in t]

    def rel_l(self, k, u, n=None):
        """rel_l of the docstring for a state built by k update/merge calls (u: the unit roundoff)."""
        n = self.n if n is None else n
        with np.errstate(invalid="ignore"):
            td = np.where(self.t > 0, self.t * np.abs(np.where(self.t > 0, self.d, 0.0)), 0.0)
        L = np.where(self.empty, 1.0, self.L)
        tiny = TINY_NORMAL.get(self.dtype, 2.0 ** -126)
        return (n + 10 * k + 16) * u + 4 * u * td.sum(axis=1) / L + n * tiny / L


def describe(values):
    return np.array2string(np.asarray(values), precision=9, separator=", ", threshold=12)


# ----------------------------------------------------------------------------- NumPy checks

def check_state_type(got, rows, dtype, what):
    assert isinstance(got, tuple) and len(got) == 2, \
        f"{what} must return a tuple (m, l), got {type(got).__name__}"
    m, l = got
    for name, a in (("m", m), ("l", l)):
        assert isinstance(a, np.ndarray), \
            f"{what}: {name} must be a NumPy array, got {type(a).__name__}"
        assert a.shape == (rows,), f"{what}: {name} has shape {a.shape}, expected ({rows},)"
        assert a.dtype == np.dtype(dtype), f"{what}: {name} has dtype {a.dtype}, expected {dtype}"
    return m, l


def check_state(got, x, k, what, label):
    """The state (m, l) after k update/merge calls over the values x: m exact, l within bound."""
    dtype = str(x.dtype)
    ex = Exact(x)
    m, l = check_state_type(got, ex.rows, dtype, what)
    assert not np.isnan(m).any() and not np.isnan(l).any(), (
        f"{what}: NaN in the state (m = {describe(m)}, l = {describe(l)}). A row whose values so "
        f"far are all -inf must stay (m, l) = (-inf, 0): never compute -inf - (-inf)")
    want_m = ex.M.astype(dtype)
    wrong_m = ~((m == want_m) | (np.isneginf(m) & np.isneginf(want_m)))
    assert not wrong_m.any(), (
        f"{what}: m = {describe(m)}, expected the exact row max {describe(want_m)} "
        "(m is the largest value seen; a max never rounds)")
    assert not (l[ex.empty] != 0).any(), (
        f"{what}: l = {describe(l)}; a row that saw no finite value must have l = 0 exactly")
    u = U[dtype]
    tol = 2.0 * ex.rel_l(k, u) * np.where(ex.empty, 0.0, ex.L) + ORACLE_REL[dtype] * ex.L
    err = np.abs(l.astype(np.float64) - ex.L)
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label=label, among=~ex.empty)
    hint = ""
    if bad.any() and np.isinf(l).any():
        hint = " exp overflowed: subtract the running max before exp."
    elif bad.any():
        hint = (" Is the old sum rescaled by exp(m_old - m_new) when the max grows, and the"
                " block's terms taken as exp(x - m_new)?")
    assert not bad.any(), (
        f"{what}: l = {describe(l)}, expected {describe(ex.L)} ± {describe(tol)} "
        f"(l = sum of exp(x - m) over every value seen).{hint}")


def exact_state(x):
    """The state of x computed exactly and rounded once to x's dtype (what finalize is given)."""
    ex = Exact(x)
    dt = NP_DTYPES[str(x.dtype)]
    return (ex.M.astype(dt), ex.L.astype(dt)), ex


# ----------------------------------------------------------------------------- Triton part

TORCH_U_OUT = {"float32": 2.0 ** -24, "float16": 2.0 ** -11}
TORCH_TINY_OUT = {"float32": 2.0 ** -126, "float16": 2.0 ** -24}


def make_rows(rows, n, dtype, seed, style="normal"):
    """A (rows, n) torch tensor (float32 or float16) of make_x's style."""
    import torch

    x = make_x(rows, n, "float32", seed, style)
    if dtype == "float16":
        big = float(np.finfo(np.float16).max) / 2
        x = np.where(np.isfinite(x) & (np.abs(x) > 6e4), np.sign(x) * big, x)
        if style == "huge":
            x = x - 1e4 + 3e4  # 3e4 + N(0, 1): a large fp16 logit
    return torch.from_numpy(np.ascontiguousarray(x)).to(getattr(torch, dtype))


def triton_tolerance(x64, block):
    """(exact P, per-element tolerance) for a row softmax in fp32 statistics (u32), n-wide rows
    walked in blocks of `block`; see the statement."""
    rows, n = x64.shape
    ex = Exact(x64, dtype="float32")  # float32/float16 data: exact in float64
    nb = -(-n // block)
    u = 2.0 ** -24
    rel = ex.rel_l(nb, u)
    with np.errstate(invalid="ignore"):
        dabs = np.where(ex.t > 0, np.abs(np.where(ex.t > 0, ex.d, 0.0)), 0.0)
    return ex, 2.0 * ex.P * (rel[:, None] + (4 * dabs + 12) * u)


def check_triton(got, x, block, label, what=None):
    """got must be softmax(x) per row (zeros for an all -inf row) within the statement's bound."""
    import torch

    dtype = str(x.dtype).replace("torch.", "")
    what = what or f"softmax_rows(x[{x.shape[0]}, {x.shape[1]}] {dtype}, block={block})"
    assert isinstance(got, torch.Tensor), f"{what} must return a torch.Tensor, got {type(got).__name__}"
    assert tuple(got.shape) == tuple(x.shape), \
        f"{what} returned shape {tuple(got.shape)}, expected {tuple(x.shape)}"
    assert got.dtype == x.dtype, f"{what} returned dtype {got.dtype}, expected {x.dtype}"
    x64 = x.detach().cpu().to(torch.float64).numpy()
    g = got.detach().cpu().to(torch.float64).numpy()
    ex, tol = triton_tolerance(x64, block)
    tol = tol + 2.0 * TORCH_U_OUT[dtype] * ex.P + TORCH_TINY_OUT[dtype] + 2.0 ** -45 * ex.P
    if np.isnan(g).any():
        r = int(np.argwhere(np.isnan(g))[0][0])
        cause = ("an all -inf row must give zeros (guard 0/0 and -inf - (-inf))" if ex.empty[r]
                 else "a load without a mask past the end of the row (the grader surrounds x with "
                      "NaN), or -inf - (-inf) in the running max")
        raise AssertionError(f"{what}: NaN in row {r} of the output: probably {cause}.")
    zero = np.isneginf(ex.d) | ex.empty[:, None]  # x = -inf, or the whole row -inf: exactly 0
    err = np.abs(g - ex.P)
    bad = ~(err <= tol) | (zero & (g != 0))
    observe_worst(err, tol, bad, label=label)
    if bad.any():
        r, j = (int(i) for i in np.argwhere(bad)[0])
        hint = ""
        if ex.empty[r]:
            hint = " This row is all -inf: the contract gives zeros."
        elif np.isinf(g[r]).any():
            hint = " exp overflowed: subtract the running max."
        else:
            hint = (" Check the rescale of l by exp(m_old - m_new), the masked loads' other=-inf "
                    "(a padding 0 is a value), and the second pass over the whole row.")
            if dtype == "float16":
                hint += " Are m and l kept in float32 (.to(tl.float32) after loading fp16)?"
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} outputs outside the error bound. First: "
            f"out[{r}, {j}] = {g[r, j]:.9g}, expected {ex.P[r, j]:.9g} ± {tol[r, j]:.3g} "
            f"(x[{r}, {j}] = {x64[r, j]!r}, row max {ex.M[r]!r}).{hint}")


# ----------------------------------------------------------------------------- kernel structure

def require_kernel(sub):
    """The softmax must come from a @triton.jit kernel that loops over column blocks with exp."""
    found = triton_source(sub.source)
    if found is None:
        return
    kernels = sorted(found.kernels)
    with_exp = any("load" in calls and calls & {"exp", "exp2"}
                   for calls in map(found.calls, found.loops()))
    assert kernels, ("your module defines no @triton.jit kernel: softmax_rows must compute the "
                     "softmax in your Triton kernel (host code only checks, allocates, launches)")
    assert with_exp, (f"none of your Triton kernels ({', '.join(kernels)}) has a loop that loads "
                      "a block and calls tl.exp/tl.exp2: walk each row block by block "
                      "(for start in range(0, n_cols, BLOCK)) with the online recurrence")


# ----------------------------------------------------------------------------- test helpers

def fold(sub, case):
    """update the empty state with every block of the case; k = the number of updates."""
    dt = NP_DTYPES[case.dtype]
    state = (np.full(case.rows, -np.inf, dtype=dt), np.zeros(case.rows, dtype=dt))
    blocks = case.blocks()
    for b in blocks:
        state = sub.update(state, b)
    return state, len(blocks)


def merge_in_order(sub, leaves, order_seed):
    """Merge the leaf states pairwise in a random order (random pairs, random argument order)."""
    rng = np.random.default_rng(order_seed)
    states = list(leaves)
    merges = 0
    while len(states) > 1:
        i, j = rng.choice(len(states), size=2, replace=False)
        a, b = states[i], states[j]
        merged = sub.merge(a, b)
        merges += 1
        states = [s for t, s in enumerate(states) if t not in (i, j)] + [merged]
    return states[0], merges


def check_lse(sub, case, label):
    """finalize_lse of the exact state of case.x within the bound."""
    state, ex = exact_state(case.x)
    got = sub.finalize_lse(state)
    what = f"finalize_lse(exact state of {case!r})"
    assert isinstance(got, np.ndarray) and got.shape == (case.rows,) and got.dtype == np.dtype(case.dtype), (
        f"{what} must return a NumPy array of shape ({case.rows},) and dtype {case.dtype}, got "
        f"{type(got).__name__} {getattr(got, 'shape', '')} {getattr(got, 'dtype', '')}")
    assert not np.isnan(got).any(), f"{what}: NaN in {describe(got)} (an all -inf row gives -inf)"
    u = U[case.dtype]
    L = np.where(ex.empty, 1.0, ex.L)
    tol = 2.0 * (u + 8 * u * np.log(L) + u * np.abs(np.where(ex.empty, 0.0, ex.LSE))) \
        + ORACLE_REL[case.dtype] * np.abs(np.where(ex.empty, 0.0, ex.LSE))
    g = got.astype(np.float64)
    err = np.where(ex.empty, np.where(np.isneginf(g), 0.0, np.inf), np.abs(g - np.where(ex.empty, 0.0, ex.LSE)))
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label=label, among=~ex.empty)
    assert not bad.any(), (f"{what} = {describe(got)}, expected {describe(ex.LSE)} ± {describe(tol)} "
                           "(m + log(l))")


def check_probabilities(got, x, state, ex, what, label):
    rows, n = x.shape
    dtype = str(x.dtype)
    assert isinstance(got, np.ndarray) and got.shape == (rows, n) and got.dtype == np.dtype(dtype), (
        f"{what} must return a NumPy array of shape ({rows}, {n}) and dtype {dtype}, got "
        f"{type(got).__name__} {getattr(got, 'shape', '')} {getattr(got, 'dtype', '')}")
    assert not np.isnan(got).any(), (
        f"{what}: NaN in the output {describe(got)}: a row of -inf gives zeros (guard l = 0 and "
        "-inf - (-inf))")
    u = U[dtype]
    with np.errstate(invalid="ignore"):
        dabs = np.where(ex.t > 0, np.abs(np.where(ex.t > 0, ex.d, 0.0)), 0.0)
    tol = 2.0 * ex.P * (u + (4 * dabs + 12) * u) + TINY_NORMAL[dtype] + ORACLE_REL[dtype] * ex.P
    g = got.astype(np.float64)
    err = np.abs(g - ex.P)
    zero = np.isneginf(ex.d) | ex.empty[:, None]
    bad = ~(err <= tol) | (zero & (g != 0))
    observe_worst(err, tol, bad, label=label)
    if bad.any():
        r, j = (int(i) for i in np.argwhere(bad)[0])
        hint = " An all -inf row gives zeros." if ex.empty[r] else ""
        if zero[r, j] and not ex.empty[r]:
            hint = " x is -inf here: its probability is exactly 0."
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} probabilities outside the bound. First: "
            f"p[{r}, {j}] = {g[r, j]!r}, expected {ex.P[r, j]!r} ± {tol[r, j]:.3g} (x = {x[r, j]!r}, "
            f"m = {state[0][r]!r}, l = {state[1][r]!r}): p = exp(x - m) / l.{hint}")


def kernel_trace(sub):
    """What the worker saw the student's Triton kernels do in the last call (launches, active
    lanes loaded and stored), or None where it is not recorded (compiled on a GPU)."""
    meta = getattr(sub, "last_meta", None)
    trace = meta.get("triton") if isinstance(meta, dict) else None
    return trace if isinstance(trace, dict) else None


def load_budget(rows, n, block):
    """The most elements the kernels of one two-pass call may load: every value twice, plus
    room for two (m, l) pairs per row and block (a split-row design that reads partial states)."""
    return 2 * rows * n + 4 * rows * (-(-n // block))


def check_kernel_work(sub, x, block):
    """Under the interpreter: a kernel was launched, read every value and wrote every output."""
    trace = kernel_trace(sub)
    if trace is None:
        return
    rows, n = x.shape
    what = f"softmax_rows(x[{rows}, {n}], block={block})"
    launches = int(trace.get("launches", 0))
    loaded = int(trace.get("loaded_elems", 0))
    stored = int(trace.get("stored_elems", 0))
    assert launches >= 1, (f"{what} launched no Triton kernel: the softmax must be computed by "
                           "your @triton.jit kernel, not on the host")
    assert loaded >= rows * n and stored >= rows * n, (
        f"{what}: your kernels loaded {loaded} elements and stored {stored}; the softmax reads "
        f"every value of x ({rows * n}) and writes every output element ({rows * n}) in the kernel")


def run_triton(sub, x, block, label):
    require_kernel(sub)
    got = sub.softmax_rows(x, block)
    oob = (getattr(sub, "last_meta", None) or {}).get("out_of_bounds_writes")
    assert not oob, (f"softmax_rows(x[{x.shape[0]}, {x.shape[1]}], block={block}) stored past the "
                     "end of the output (a tl.store without a mask)")
    check_kernel_work(sub, x, block)
    check_triton(got, x, block, label)
    return got


