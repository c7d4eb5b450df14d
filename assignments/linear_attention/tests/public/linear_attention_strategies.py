"""Inputs and independent oracles for the linear_attention grader tests.

Nothing here calls your code or the reference: the oracles are the statement's formulas evaluated
by the grader in float64 torch, with the error bounds of the statement.

Bounds (u = the unit roundoff of the input dtype, 2**-24 for float32 and 2**-53 for float64;
gamma(m, u) = m*u / (1 - m*u), the bound on m successive roundings):

* Linear attention, every form. o_t[j] is a sum of N = d_k*(t+1) products q_t[i]*k_s[i]*v_s[j]
  (s <= t) and q_t[i]*S0[i, j]. Any evaluation that adds these products in any order and
  grouping (the recurrent form, the chunk-wise form, the masked product, float64 inside), with
  each product formed by at most 2 multiplications, rounds every product at most
  2 + (N - 1) times (every addition on its way merges disjoint sets of products), so the error
  is at most gamma(m, u) * A_t[j], m = d_k*(T+1) + 2, A_t[j] = sum of the |products|. The final
  state S_T[i, j] = S0[i, j] + sum_s k_s[i]*v_s[j] likewise: m = T + 2, A = |S0| + sum|k_s||v_s|.
  The grader's own float64 oracle satisfies the same bound with u = 2**-53, so the test allows
  (gamma(m, u) + gamma(m, 2**-53)) * A.
* Delta rule. E_t = S^_t - S_t obeys E_t = (I - beta_t k_t k_t^T) E_{t-1} + D_t, where D_t is the
  rounding of step t: |D_t| <= gamma(d_k + 4, u) * (a + |beta_t k_t| r^T) elementwise with
  a = |S_{t-1}| + e_{t-1}, r = |v_t| + a^T |k_t|; the matrix has 2-norm
  rho_t = max(1, |1 - beta_t*||k_t||^2|), so the 2-norm of each column of E obeys
  e_t <= rho_t * e_{t-1} + ||D_t[:, j]||_2. Outputs: |o^_t - o_t| <= ||q_t||_2 * e_t
  + gamma(d_k + 1, u) * |q_t|^T (|S_t| + e_t). Computed along the float64 oracle (whose own error
  follows the same recursion with u = 2**-53 and is added).
"""

from __future__ import annotations

import math

import torch
from hypothesis import strategies as st

from autograder.testing import observe_worst

DTYPES = {"float32": torch.float32, "float64": torch.float64}
UNIT = {torch.float32: 2.0 ** -24, torch.float64: 2.0 ** -53}
U64 = 2.0 ** -53
ROUND_UP = 1 + 2.0 ** -20       # the bounds are evaluated in float64: round them up a little
OPS_SLACK = 4                   # chunk 2C may make at most this many more torch ops than chunk C


def gamma(m: int, u: float) -> float:
    return m * u / (1 - m * u)


# ------------------------------------------------------------------------------------- inputs

LA_KINDS = ["gauss", "scaled", "ints", "zero_keys", "unit_keys"]
DELTA_KINDS = ["unit_keys", "small_keys", "zero_keys", "basis"]
BETA_KINDS = ["uniform", "zero", "one", "mixed"]


class Case:
    """A drawn input, rebuilt from its recipe: ``Case(...).tensors()`` is the dict of tensors
    (q, k, v, and beta / initial_state when the case has them)."""

    def __init__(self, B, H, T, dk, dv, dtype="float32", kind="gauss", seed=0, init=False,
                 chunk=None, beta=None):
        self.B, self.H, self.T, self.dk, self.dv = B, H, T, dk, dv
        self.dtype, self.kind, self.seed, self.init = dtype, kind, seed, init
        self.chunk, self.beta = chunk, beta

    def __repr__(self):
        extra = "".join(f", {n}={getattr(self, n)!r}" for n in ("chunk", "beta")
                        if getattr(self, n) is not None)
        return (f"Case(B={self.B}, H={self.H}, T={self.T}, dk={self.dk}, dv={self.dv}, "
                f"dtype={self.dtype!r}, kind={self.kind!r}, seed={self.seed}, "
                f"init={self.init}{extra})")

    def tensors(self) -> dict:
        g = torch.Generator().manual_seed(self.seed)
        B, H, T, dk, dv = self.B, self.H, self.T, self.dk, self.dv
        kind = self.kind

        def gauss(*shape):
            return torch.randn(*shape, generator=g, dtype=torch.float64)

        def ints(*shape, lo=-4, hi=4):
            return torch.randint(lo, hi + 1, shape, generator=g).to(torch.float64)

        if kind in ("ints", "basis"):
            q, k, v = ints(B, H, T, dk), ints(B, H, T, dk), ints(B, H, T, dv)
            s0 = ints(B, H, dk, dv)
        else:
            q, k, v = gauss(B, H, T, dk), gauss(B, H, T, dk), gauss(B, H, T, dv)
            s0 = gauss(B, H, dk, dv)
        if kind == "scaled":      # every token's q, k, v scaled by its own power of two
            for x in (q, k, v):
                x.mul_(torch.exp2(torch.randint(-6, 7, (B, H, T, 1), generator=g).double()))
        if kind in ("unit_keys", "small_keys", "zero_keys"):
            k = k / k.norm(dim=-1, keepdim=True)
        if kind == "small_keys":
            k = k * torch.rand(B, H, T, 1, generator=g, dtype=torch.float64)
        if kind == "zero_keys":   # about a third of the keys are 0 (at least the first)
            zero = torch.rand(B, H, T, 1, generator=g) < 1 / 3
            zero[:, :, 0] = True
            k = k.masked_fill(zero, 0.0)
        if kind == "basis":       # keys are signed unit basis vectors: exact arithmetic
            idx = torch.randint(0, dk, (B, H, T), generator=g)
            sign = torch.randint(0, 2, (B, H, T), generator=g).double() * 2 - 1
            k = torch.nn.functional.one_hot(idx, dk).double() * sign[..., None]
        dt = DTYPES[self.dtype]
        out = {"q": q.to(dt), "k": k.to(dt), "v": v.to(dt)}
        if self.init:
            out["initial_state"] = s0.to(dt)
        if self.beta is not None:
            r = torch.rand(B, H, T, generator=g, dtype=torch.float64)
            if self.beta == "zero":
                b = torch.zeros(B, H, T, dtype=torch.float64)
            elif self.beta == "one":
                b = torch.ones(B, H, T, dtype=torch.float64)
            elif self.beta == "mixed":
                pick = torch.randint(0, 3, (B, H, T), generator=g)
                b = torch.where(pick == 0, 0.0, torch.where(pick == 1, 1.0, r))
            else:
                b = r
            out["beta"] = b.to(dt)
        return out


@st.composite
def la_cases(draw, max_T=24, max_d=8, max_bh=2, dtypes=("float32", "float64"),
             kinds=tuple(LA_KINDS), init=None, chunk=False):
    T = draw(st.one_of(st.integers(1, max_T), st.sampled_from([1, 2, max_T])))
    c = None
    if chunk:
        c = draw(st.one_of(st.integers(1, T + 3), st.sampled_from([1, T, T + 1])))
    return Case(draw(st.integers(1, max_bh)), draw(st.integers(1, max_bh)), T,
                draw(st.integers(1, max_d)), draw(st.integers(1, max_d)),
                draw(st.sampled_from(dtypes)), draw(st.sampled_from(kinds)),
                draw(st.integers(0, 2 ** 31 - 1)),
                draw(st.booleans()) if init is None else init, c)


@st.composite
def delta_cases(draw, max_T=24, max_d=8, max_bh=2, dtypes=("float32", "float64"),
                kinds=tuple(DELTA_KINDS), betas=tuple(BETA_KINDS), init=None):
    case = draw(la_cases(max_T=max_T, max_d=max_d, max_bh=max_bh, dtypes=dtypes, kinds=kinds,
                         init=init))
    case.beta = draw(st.sampled_from(betas))
    return case


# ------------------------------------------------------------------------------------ oracles

def f64(t):
    return t.detach().to(torch.float64)


def la_oracle(q, k, v, s0=None, chunk=None):
    """Exact-formula linear attention in float64, with each output's and state element's
    allowed error. Returns dict(o, S, tol_o, tol_S) and wrong variants for diagnosis."""
    u = UNIT[q.dtype]
    q, k, v = f64(q), f64(k), f64(v)
    B, H, T, dk = q.shape
    dv = v.shape[-1]
    s0 = torch.zeros(B, H, dk, dv, dtype=torch.float64) if s0 is None else f64(s0)
    outer = k[..., :, None] * v[..., None, :]                     # (B, H, T, dk, dv)
    states = s0[:, :, None] + outer.cumsum(dim=2)                 # S_t for t = 1..T
    o = (q[..., None, :] @ states)[..., 0, :]
    abs_states = s0.abs()[:, :, None] + (k.abs()[..., :, None] * v.abs()[..., None, :]).cumsum(2)
    a_o = (q.abs()[..., None, :] @ abs_states)[..., 0, :]
    m_o, m_s = dk * (T + 1) + 2, T + 2
    tol_o = (gamma(m_o, u) + gamma(m_o, U64)) * a_o * ROUND_UP
    tol_s = (gamma(m_s, u) + gamma(m_s, U64)) * abs_states[:, :, -1] * ROUND_UP
    return {"o": o, "S": states[:, :, -1], "tol_o": tol_o, "tol_S": tol_s, "u": u}


def la_wrong_variants(q, k, v, s0=None, chunk=None):
    """Outputs of the usual mistakes, to name one when a submission matches it."""
    q, k, v = f64(q), f64(k), f64(v)
    B, H, T, dk = q.shape
    if T > 1024:              # T x T matrices: too big to be worth a hint
        return {}
    s0f = None if s0 is None else f64(s0)
    scores = q @ k.transpose(-1, -2)
    init = 0 if s0f is None else q @ s0f
    out = {}
    strict = torch.ones(T, T, dtype=torch.bool).tril(-1)
    out["the strict causal mask (token t must attend to itself: M includes the diagonal)"] = \
        scores.masked_fill(~strict, 0) @ v + init
    out["no causal mask (token t must not see later tokens)"] = scores @ v + init
    if s0f is not None:
        out["initial_state ignored (o_t = q_t S_t with S_0 = initial_state)"] = \
            scores.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), 0) @ v
    if chunk is not None and chunk < T:
        idx = torch.arange(T) // chunk
        local = (idx[:, None] == idx[None, :]) & torch.ones(T, T, dtype=torch.bool).tril()
        out["no state carried across chunks (O_c = Q_c S_prev + ..., S_prev = the state "
            "after the previous chunks)"] = scores.masked_fill(~local, 0) @ v + init
    return out


def delta_oracle(q, k, v, beta, s0=None):
    """The delta rule in float64 with the statement's error recursion. Returns dict(o, S,
    tol_o, tol_S)."""
    u = UNIT[q.dtype]
    q, k, v, beta = f64(q), f64(k), f64(v), f64(beta)
    B, H, T, dk = q.shape
    dv = v.shape[-1]
    S = torch.zeros(B, H, dk, dv, dtype=torch.float64) if s0 is None else f64(s0).clone()
    e64 = torch.zeros(B, H, dv, dtype=torch.float64)      # the oracle's error (2-norm, per column)
    es = torch.zeros(B, H, dv, dtype=torch.float64)       # the submission's
    g_loc, g_loc64 = gamma(dk + 4, u), gamma(dk + 4, U64)
    g_out, g_out64 = gamma(dk + 1, u), gamma(dk + 1, U64)
    outs, tols = [], []
    for t in range(T):
        kt, bt, vt, qt = k[:, :, t], beta[:, :, t], v[:, :, t], q[:, :, t]
        bk = (bt[..., None] * kt).abs()                                     # (B, H, dk)
        rho = torch.clamp((1 - bt * (kt * kt).sum(-1)).abs(), min=1.0)       # (B, H)
        a64 = S.abs() + e64[:, :, None, :]
        r64 = vt.abs() + (kt.abs()[:, :, None, :] @ a64)[:, :, 0, :]
        d64 = g_loc64 * (a64 + bk[..., None] * r64[:, :, None, :])
        a = a64 + es[:, :, None, :]
        r = vt.abs() + (kt.abs()[:, :, None, :] @ a)[:, :, 0, :]
        d = g_loc * (a + bk[..., None] * r[:, :, None, :])
        e64 = rho[..., None] * e64 + d64.pow(2).sum(2).sqrt()
        es = rho[..., None] * es + d.pow(2).sum(2).sqrt()
        old = (kt[:, :, None, :] @ S)[:, :, 0, :]
        S = S + (bt[..., None] * kt)[..., None] * (vt - old)[:, :, None, :]
        outs.append((qt[:, :, None, :] @ S)[:, :, 0, :])
        qn = qt.pow(2).sum(-1).sqrt()[..., None]
        mag = (qt.abs()[:, :, None, :] @ (S.abs() + (e64 + es)[:, :, None, :]))[:, :, 0, :]
        tols.append(qn * (e64 + es) + (g_out + g_out64) * mag)
    tol_s = (e64 + es)[:, :, None, :].expand(B, H, dk, dv)
    return {"o": torch.stack(outs, 2), "S": S, "tol_o": torch.stack(tols, 2) * ROUND_UP,
            "tol_S": tol_s * ROUND_UP, "u": u}


def delta_wrong_variants(q, k, v, beta, s0=None):
    q, k, v, beta = f64(q), f64(k), f64(v), f64(beta)
    B, H, T, dk = q.shape
    dv = v.shape[-1]
    start = torch.zeros(B, H, dk, dv, dtype=torch.float64) if s0 is None else f64(s0)
    variants = {
        "o_t read from S_{t-1}, before the update (o_t = S_tᵀ q_t uses the NEW state)": "before",
        "the plain linear-attention update S += beta k ⊗ v (the delta rule subtracts the old "
        "value S_{t-1}ᵀ k_t first)": "hebb",
        "beta ignored (beta_t scales the correction: S += beta_t k_t ⊗ (v_t − S_{t-1}ᵀ k_t))":
            "nobeta",
    }
    out = {}
    for what, how in variants.items():
        S = start.clone()
        os_ = []
        for t in range(T):
            kt, bt, vt, qt = k[:, :, t], beta[:, :, t], v[:, :, t], q[:, :, t]
            before = (qt[:, :, None, :] @ S)[:, :, 0, :]
            old = (kt[:, :, None, :] @ S)[:, :, 0, :]
            b = torch.ones_like(bt) if how == "nobeta" else bt
            r = vt if how == "hebb" else vt - old
            S = S + (b[..., None] * kt)[..., None] * r[:, :, None, :]
            os_.append(before if how == "before" else (qt[:, :, None, :] @ S)[:, :, 0, :])
        out[what] = torch.stack(os_, 2)
    return out


# ------------------------------------------------------------------------------------- checks

def check_tensor(name, t, dtype, shape):
    assert isinstance(t, torch.Tensor), f"{name} must be a torch.Tensor, got {type(t).__name__}"
    assert t.dtype == dtype, (f"{name} must have the input's dtype {dtype}, got {t.dtype}"
                              + (" (a tensor made with torch.zeros(...) without dtype= is "
                                 "float32)" if t.dtype == torch.float32 else ""))
    assert tuple(t.shape) == tuple(shape), (
        f"{name} must have shape {list(shape)}, got {list(t.shape)}")


def check_pair(call, result):
    assert isinstance(result, tuple) and len(result) == 2, (
        f"{call} must return a tuple (o, state), got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
    return result


def _fmt(x) -> str:
    return f"{float(x):.9g}"


def check_close(call, name, got, want, tol, label, wrong=None):
    """|got - want| <= tol elementwise (got already type-checked), with the worst element shown
    and, if the whole output matches a usual mistake (``wrong``: a dict of outputs, or a function
    returning one, called only on failure), that mistake named."""
    g = got.detach().to(torch.float64)
    err = (g - want).abs()
    bad = ~(err <= tol)                                  # NaN counts as bad
    observe_worst(err.numpy(), tol.numpy(), bad.numpy(), label=label)
    if not bad.any():
        return
    ratio = torch.where(bad, err / tol.clamp(min=1e-300), torch.zeros_like(err))
    ratio = torch.nan_to_num(ratio, nan=math.inf)
    i = int(ratio.flatten().argmax())
    at = tuple(int(x) for x in torch.unravel_index(torch.tensor(i), got.shape))
    msg = (f"{call}: {name}{list(at)} = {_fmt(g.flatten()[i])}, but the exact value is "
           f"{_fmt(want.flatten()[i])} (allowed error {float(tol.flatten()[i]):.3g}, yours "
           f"{float(err.flatten()[i]):.3g}; {int(bad.sum())} of {bad.numel()} elements are off)")
    for what, alt in (wrong() if callable(wrong) else wrong or {}).items():
        if alt.shape == g.shape and bool(((g - alt).abs() <= tol + 1e-9 * alt.abs()).all()):
            msg += f". Your {name} matches {what}"
            break
    raise AssertionError(msg)


def describe(case_tensors, extra="") -> str:
    q, v = case_tensors["q"], case_tensors["v"]
    B, H, T, dk = q.shape
    return f"B={B}, H={H}, T={T}, d_k={dk}, d_v={v.shape[-1]}, {str(q.dtype)[6:]}{extra}"
