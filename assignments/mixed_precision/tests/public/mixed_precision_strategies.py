"""Inputs and independent checks for the mixed_precision grader tests.

Nothing here calls your code or the reference. The oracles are PyTorch's own GradScaler and Adam
(run here, in the grader), exact rounding written with NumPy float64 (every float32, bfloat16
and float16 value, and every product of two float32 values, is exact in float64), and the
formulas of the statement evaluated in float64 with tolerances derived from float32 rounding.

u = 2**-24 is float32's unit roundoff. The tolerances (derived in the statement):

* update_scale / unscale_grads: exact (one rounding each, fixed by the contract).
* master_weights_run / bf16_direct_run: exact (the order of the additions is fixed).
* adam_step, states m' and v': round_S(x) for some x within 5u * (|m| + (1 - beta1)|g|) of the
  exact m'* (v'*: within 5u * v'*), S the state dtype, round_S round-to-nearest-even.
* adam_step, param': within 16u * |s| + u * |p'| of p - s, the step s computed exactly from YOUR
  stored m' and v' (plus 2**-40 relative for the float64 bias corrections).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st
from torch.amp import GradScaler      # the oracles; imported (and warmed up below) at collection,
                                      # so that their first-use cost is not charged to a test

from autograder.testing import observe_worst

U = 2.0 ** -24
F32_MAX = float(np.finfo(np.float32).max)
STATE_ULPS_M = 5          # m': 5u * (|m| + (1 - beta1)|g|)
STATE_ULPS_V = 5          # v': 5u * v'*
STEP_ULPS = 16            # param': 16u * |s| + u * |p'|
C_REL = 2.0 ** -40        # float64 bias corrections 1 - beta**t, relative

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
NAMES = {v: k for k, v in DTYPES.items()}
# (precision p, smallest normal exponent e_min, largest finite value)
FORMATS = {torch.float32: (24, -126, F32_MAX),
           torch.bfloat16: (8, -126, float(torch.finfo(torch.bfloat16).max)),
           torch.float16: (11, -14, 65504.0)}


def f64(t) -> np.ndarray:
    """A tensor of any float dtype as exact float64 NumPy values."""
    return t.detach().to(torch.float64).numpy()


def fmt(v) -> str:
    return f"{float(v):.9g}"


def round_fmt(x, dtype) -> np.ndarray:
    """Round float64 values to the nearest value of `dtype` (ties to even), in float64."""
    p, emin, top = FORMATS[dtype]
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        _, e = np.frexp(x)                       # |x| = m * 2**e, 0.5 <= m < 1
        e = np.maximum(e - 1, emin)              # exponent of x's binade (subnormals: e_min)
        q = np.ldexp(1.0, e - p + 1)             # the spacing there
        r = np.round(x / q) * q                  # exact scaling; np.round is half to even
        r = np.where(np.isfinite(x), r, x)
        r = np.where(np.abs(r) > top, np.copysign(np.inf, x), r)
    return r


def check_tensor(name, t, dtype, shape):
    assert isinstance(t, torch.Tensor), f"{name} must be a torch.Tensor, got {type(t).__name__}"
    assert t.dtype == dtype, f"{name} must have dtype {dtype}, got {t.dtype}"
    assert tuple(t.shape) == tuple(shape), (
        f"{name} must have shape {list(shape)}, got {list(t.shape)}")


def same_bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal values, NaN equal to NaN, +0 and -0 equal (elementwise mask)."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


def first_bad(mask):
    return int(np.flatnonzero(~np.asarray(mask).ravel())[0])


# -------------------------------------------------------------------------------- hand part

def scaler_run(init_scale, growth_interval, flags):
    """The scales after each update and the final growth tracker (factors 2 and 1/2: exact)."""
    scale, tracker, scales = float(init_scale), 0, []
    for found in flags:
        if found:
            scale, tracker = scale / 2, 0
        else:
            tracker += 1
            if tracker == growth_interval:
                scale, tracker = scale * 2, 0
        scales.append(scale)
    return tuple(scales), tracker


def hand_steps(lr, m_hat, sqrt_v_hat, eps):
    """(outside, inside, flushed) step sizes from the decimal values as written, computed with
    40-digit decimals and rounded to 3 significant digits (never near a tie, by the draw)."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 40
        lr, m, s, e = (Decimal(repr(x)) for x in (lr, m_hat, sqrt_v_hat, eps))
        exact = (lr * m / (s + e), lr * m / (s * s + e).sqrt(), lr * m / e)
        return tuple(float(format(d, ".2e")) for d in exact)


# ----------------------------------------------------------------------- GradScaler traces

PATTERNS = ("ok", "ok", "ok", "inf", "nan", "-inf", "big", "zero")


def _step_values(kind, n, rng):
    """The per-element gradient values c of one step (the loss is sum(p * c))."""
    c = rng.uniform(0.5, 2.0, n) * rng.choice([-1.0, 1.0], n)
    c = c * 2.0 ** rng.integers(-20, 4, n)
    j = int(rng.integers(n))
    if kind == "inf":
        c[j] = np.inf
    elif kind == "-inf":
        c[j] = -np.inf
    elif kind == "nan":
        c[j] = np.nan
    elif kind == "big":          # finite, but scale * c overflows float32 for scales >= 2**10
        c[j] = np.sign(c[j]) * 2.0 ** 118
    elif kind == "zero":
        c[:] = 0.0
    return c.astype(np.float32)


class ScalerCase:
    """A GradScaler run: its settings and the kinds of the steps (seed: the values)."""

    def __init__(self, init_scale, growth_factor, backoff_factor, growth_interval, kinds,
                 seed=0, sizes=(3, 2)):
        self.init_scale = float(np.float32(init_scale))
        self.growth_factor = float(growth_factor)
        self.backoff_factor = float(backoff_factor)
        self.growth_interval = int(growth_interval)
        self.kinds = tuple(kinds)
        self.seed = int(seed)
        self.sizes = tuple(sizes)

    def __repr__(self):
        return (f"ScalerCase({self.init_scale!r}, {self.growth_factor!r}, "
                f"{self.backoff_factor!r}, {self.growth_interval}, {list(self.kinds)!r}, "
                f"{self.seed}, {self.sizes})")

    def settings(self):
        return (f"GradScaler(init_scale={self.init_scale!r}, growth_factor="
                f"{self.growth_factor!r}, backoff_factor={self.backoff_factor!r}, "
                f"growth_interval={self.growth_interval})")

    def trace(self):
        """Run torch.amp.GradScaler("cpu") with SGD on sum(p_i * c_i) and record every step:
        a dict with scale, tracker (before), scaled (list of grads), unscaled (torch's),
        found (bool), new_scale, new_tracker (after update)."""
        rng = np.random.default_rng(self.seed)
        params = [torch.nn.Parameter(torch.ones(n)) for n in self.sizes]
        opt = torch.optim.SGD(params, lr=1.0)
        scaler = GradScaler("cpu", init_scale=self.init_scale, growth_factor=self.growth_factor,
                            backoff_factor=self.backoff_factor,
                            growth_interval=self.growth_interval)
        steps = []
        for kind in self.kinds:
            opt.zero_grad(set_to_none=True)
            cs = [torch.from_numpy(_step_values(kind if i == 0 else "ok", n, rng))
                  for i, n in enumerate(self.sizes)]
            if kind == "zero":
                cs = [torch.zeros(n) for n in self.sizes]
            loss = sum((p * c).sum() for p, c in zip(params, cs))
            scaled_loss = scaler.scale(loss)
            scale = float(scaler._scale.item())
            tracker = int(scaler._growth_tracker.item())
            scaled_loss.backward()
            scaled = [p.grad.detach().clone() for p in params]
            before = [p.detach().clone() for p in params]
            scaler.step(opt)
            unscaled = [p.grad.detach().clone() for p in params]
            stepped = any(not torch.equal(b, p.detach()) for b, p in zip(before, params))
            found = bool(sum(v.item() for v in
                             scaler._per_optimizer_states[id(opt)]["found_inf_per_device"]
                             .values()))
            scaler.update()
            steps.append({"kind": kind, "scale": scale, "tracker": tracker, "scaled": scaled,
                          "unscaled": unscaled, "found": found, "stepped": stepped,
                          "new_scale": float(scaler._scale.item()),
                          "new_tracker": int(scaler._growth_tracker.item())})
        return steps


def _f32(x):
    return float(np.float32(x))


@st.composite
def limit_cases(draw, max_steps=24):
    """Runs that reach float32's limit: a huge scale, short intervals, gradients that are often
    exactly 0 (scale * 0 never overflows, so the scale keeps growing)."""
    return ScalerCase(2.0 ** draw(st.integers(118, 127)), draw(st.sampled_from([2.0, 1.5, 3.0])),
                      draw(st.sampled_from([0.5, 0.25])), draw(st.integers(1, 2)),
                      draw(st.lists(st.sampled_from(["zero", "zero", "zero", "ok", "inf"]),
                                    min_size=4, max_size=max_steps)),
                      draw(st.integers(0, 2 ** 32 - 1)))


def scaler_cases(max_steps=24):
    return st.one_of(_scaler_cases(max_steps), limit_cases(max_steps))


@st.composite
def _scaler_cases(draw, max_steps=24):
    init = draw(st.one_of(
        st.integers(-20, 126).map(lambda k: 2.0 ** k),
        st.sampled_from([65536.0, 1.0, 0.5, 1000.0, 3.0, 2.0 ** 127, 1e30]),
        st.floats(2.0 ** -20, 2.0 ** 40).map(_f32)))
    gf = draw(st.one_of(st.sampled_from([2.0, 1.5, 1.1, 3.0, 1.0001]),
                        st.floats(1.001, 4.0)))
    bf = draw(st.one_of(st.sampled_from([0.5, 0.25, 0.3, 0.9, 0.1]),
                        st.floats(0.05, 0.99)))
    gi = draw(st.integers(1, 5))
    kinds = draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=max_steps))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return ScalerCase(init, gf, bf, gi, kinds, seed)


def check_unscale_result(call, grads, scale, result, want_found=None, want=None):
    """Types, then every unscaled value == float32(g * float32(1 / scale)) bit for bit, then
    found_inf == any inf/NaN among the given (scaled) grads."""
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{call} must return a tuple (unscaled_grads, found_inf), got {type(result).__name__}")
    out, found = result
    assert isinstance(out, list) and len(out) == len(grads), (
        f"{call}: unscaled_grads must be a list of {len(grads)} tensors, got "
        f"{type(out).__name__}" + (f" of length {len(out)}" if isinstance(out, (list, tuple))
                                   else ""))
    assert type(found) is bool, f"{call}: found_inf must be a Python bool, got {type(found).__name__}"
    inv = _f32(1.0 / scale)
    for i, (g, o) in enumerate(zip(grads, out)):
        check_tensor(f"{call}: unscaled_grads[{i}]", o, torch.float32, g.shape)
        gv = f64(g)
        with np.errstate(over="ignore", invalid="ignore"):
            exp = round_fmt(gv * inv, torch.float32)       # the exact product, rounded once
        if want is not None:                                # torch's own unscaled grads
            exp = f64(want[i])
        got = f64(o)
        ok = same_bits(got, exp)
        if not ok.all():
            j = first_bad(ok)
            hint = ""
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                div = round_fmt(gv.ravel()[j] / scale, torch.float32)
            if same_bits(got.ravel()[j], div) and not same_bits(div, exp.ravel()[j]):
                hint = (" — that is g / scale; the contract multiplies by inv = "
                        "float32(1 / scale), which rounds differently when scale is not a "
                        "power of two")
            raise AssertionError(
                f"{call}: unscaled_grads[{i}] flat [{j}] = {fmt(got.ravel()[j])} for the scaled "
                f"gradient {fmt(gv.ravel()[j])} and scale {scale!r}: expected "
                f"{fmt(exp.ravel()[j])} = float32(g * inv) with inv = float32(1 / scale) = "
                f"{inv!r}{hint}")
    any_bad = any(not bool(torch.isfinite(g).all()) for g in grads)
    if want_found is not None:
        assert want_found == any_bad          # the grader's own consistency
    if found != any_bad:
        if any_bad:
            raise AssertionError(
                f"{call}: found_inf = False, but a scaled gradient holds inf or NaN: it must be "
                f"True (the step is then skipped)")
        over = any(not bool(torch.isfinite(o).all()) for o in out)
        raise AssertionError(
            f"{call}: found_inf = True, but every scaled gradient is finite"
            + (" — found_inf looks at the SCALED gradients you were given (as GradScaler "
               "does), not at the unscaled ones, which may overflow when scale < 1" if over
               else ""))
    return out, found


def expected_update(scale, tracker, found, gf, bf, gi):
    """The contract's update (float32 rounding of the float64 product)."""
    if found:
        return _f32(scale * bf), 0
    tracker += 1
    if tracker == gi:
        with np.errstate(over="ignore"):
            grown = _f32(scale * gf)
        return (grown if math.isfinite(grown) else scale), 0
    return scale, tracker


def check_update_result(call, result, want_scale, want_tracker, scale, tracker, found, gf, bf,
                        gi):
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{call} must return a tuple (scale, growth_tracker), got {type(result).__name__}")
    s, k = result
    assert type(s) is float, f"{call}: the new scale must be a Python float, got {type(s).__name__}"
    assert type(k) is int, (
        f"{call}: the new growth_tracker must be a Python int, got {type(k).__name__}")
    if k != want_tracker:
        if found:
            why = "an inf/NaN step resets growth_tracker to 0"
        elif tracker + 1 == gi:
            why = (f"this is clean step number growth_interval = {gi} in a row: the scale grows "
                   f"and growth_tracker resets to 0")
        else:
            why = f"a clean step counts up: growth_tracker + 1 = {tracker + 1} < {gi}"
        raise AssertionError(f"{call}: growth_tracker = {k}, expected {want_tracker} ({why})")
    if s != want_scale:
        hint = ""
        product = scale * (bf if found else gf)
        if s == product and s != want_scale:
            hint = (" — that is the float64 product; the scale is a float32 number: round "
                    "the product to float32")
        elif not found and tracker + 1 == gi and not math.isfinite(s):
            hint = (" — when the grown scale overflows float32 to inf, GradScaler keeps the old "
                    "scale")
        elif s == _f32(float(np.float32(scale) * np.float32(bf if found else gf))):
            hint = (" — that is a float32 product of float32(scale) and float32(factor); the "
                    "contract (and GradScaler) multiplies in float64 and rounds once")
        raise AssertionError(
            f"{call}: scale = {s!r}, expected {want_scale!r} "
            f"({'backoff' if found else ('growth' if tracker + 1 == gi else 'no change')}){hint}")


# --------------------------------------------------------------------------- master weights

class RunCase:
    """w0 (n,) float32 and updates (T, n) float32, rebuilt from a recipe."""

    def __init__(self, n, steps, kind, seed, log2_w=0, log2_rel=-10):
        self.n, self.steps, self.kind, self.seed = int(n), int(steps), kind, int(seed)
        self.log2_w, self.log2_rel = int(log2_w), int(log2_rel)
        rng = np.random.default_rng(self.seed)
        w = rng.uniform(0.5, 2.0, n) * rng.choice([-1.0, 1.0], n) * 2.0 ** self.log2_w
        if kind == "bf16":                      # w0 exactly on the bf16 grid
            w = round_fmt(w, torch.bfloat16)
        w = round_fmt(w, torch.float32)
        size = np.abs(w) * 2.0 ** self.log2_rel
        if kind in ("small", "bf16"):           # one signed update per weight, repeated
            u = np.tile(rng.choice([-1.0, 1.0], n) * size * rng.uniform(0.5, 1.0, n), (steps, 1))
        elif kind == "noisy":                   # drift plus noise
            u = (size * rng.uniform(0.2, 1.0, n))[None, :] * (1 + rng.standard_normal((steps, n)))
        elif kind == "mixed":                   # a few large steps among small ones
            u = size[None, :] * rng.standard_normal((steps, n))
            big = rng.random((steps, n)) < 0.1
            u = np.where(big, u * 2.0 ** 10, u)
        elif kind == "zero":
            u = np.zeros((steps, n))
        else:
            raise ValueError(kind)
        self.w0 = torch.from_numpy(w.astype(np.float32))
        self.updates = torch.from_numpy(u.astype(np.float32)).reshape(steps, n)

    def __repr__(self):
        return (f"RunCase({self.n}, {self.steps}, {self.kind!r}, {self.seed}, {self.log2_w}, "
                f"{self.log2_rel})")


@st.composite
def run_cases(draw, max_n=16, max_steps=64, kinds=("small", "bf16", "noisy", "mixed", "zero")):
    return RunCase(draw(st.integers(1, max_n)), draw(st.integers(0, max_steps)),
                   draw(st.sampled_from(kinds)), draw(st.integers(0, 2 ** 32 - 1)),
                   draw(st.integers(-12, 12)), draw(st.integers(-16, -4)))


def master_oracle(w0, updates):
    """Sequential float32 additions (NumPy float32), and the exact running sums (float64 fsum
    per element) with the bound sum_t u * |master_t| on the rounding drift."""
    m = w0.numpy().astype(np.float32).copy()
    u = updates.numpy().astype(np.float32)
    drift = np.zeros(m.shape)
    for t in range(u.shape[0]):
        m = (m + u[t]).astype(np.float32)
        drift += U * np.abs(m.astype(np.float64))
    exact = np.array([math.fsum([float(w0[i])] + [float(x) for x in u[:, i]])
                      for i in range(m.shape[0])])
    return m.astype(np.float64), exact, drift


def bf16_oracle(w0, updates):
    w = round_fmt(f64(w0), torch.bfloat16)
    u = round_fmt(f64(updates), torch.bfloat16)
    for t in range(u.shape[0]):
        w = round_fmt(w + u[t], torch.bfloat16)      # a sum of two bf16 values: exact in float64
    return w


# --------------------------------------------------------------------------------------- Adam

class AdamCase:
    """One adam_step input: param, grad, m, v (state dtype) and the hyperparameters."""

    def __init__(self, n, state, t, seed, log2_g=0, lr=1e-3, beta1=0.9, beta2=0.999,
                 eps=1e-8, eps_inside=False, kind="gauss"):
        self.n, self.state, self.t, self.seed = int(n), state, int(t), int(seed)
        self.log2_g, self.lr, self.beta1, self.beta2 = int(log2_g), lr, beta1, beta2
        self.eps, self.eps_inside, self.kind = eps, bool(eps_inside), kind
        rng = np.random.default_rng(self.seed)
        sdt = DTYPES[state]
        g = rng.standard_normal(n) * 2.0 ** self.log2_g
        if kind == "zero_grad":
            g[:] = 0.0
        elif kind == "sparse":
            g = g * (rng.random(n) < 0.5)
        elif kind == "wide":
            g = g * 2.0 ** rng.integers(-12, 5, n)
        if self.t == 1 or kind == "fresh":
            m = np.zeros(n)
            v = np.zeros(n)
        else:
            m = 0.1 * rng.standard_normal(n) * 2.0 ** self.log2_g * math.sqrt(1 - beta1 ** t)
            v = (2.0 ** self.log2_g) ** 2 * rng.uniform(0.1, 2.0, n) * (1 - beta2 ** t)
            if kind == "cancel":                 # m' = beta1 m + (1 - beta1) g nearly cancels
                m = -(1 - beta1) * g / beta1 * (1 + rng.uniform(-1e-3, 1e-3, n))
        top = 2.0 ** 7 if state == "float16" else 2.0 ** 8
        g = np.clip(g, -top, top)
        tiny = (g != 0) & (np.abs(g) < 2.0 ** -40)     # keep g*g far from float32 subnormals
        g = np.where(tiny, np.copysign(2.0 ** -40, g), g)
        self.param = torch.from_numpy(rng.uniform(-1, 1, n)).to(torch.float32)
        self.grad = torch.from_numpy(g).to(torch.float32)
        self.m = torch.from_numpy(m).to(torch.float32).to(sdt)
        self.v = torch.from_numpy(v).to(torch.float32).to(sdt)

    def args(self):
        return (self.param, self.grad, self.m, self.v, self.t, self.lr, self.beta1, self.beta2,
                self.eps, self.eps_inside)

    def __repr__(self):
        return (f"AdamCase({self.n}, {self.state!r}, {self.t}, {self.seed}, {self.log2_g}, "
                f"{self.lr!r}, {self.beta1!r}, {self.beta2!r}, {self.eps!r}, "
                f"{self.eps_inside}, {self.kind!r})")

    def call(self):
        return (f"adam_step(param, grad, m, v, t={self.t}, lr={self.lr!r}, beta1={self.beta1!r}, "
                f"beta2={self.beta2!r}, eps={self.eps!r}, eps_inside={self.eps_inside}) with "
                f"{self.state} m, v")


@st.composite
def adam_cases(draw, states=("float32", "bfloat16", "float16"), max_n=32, inside=None):
    state = draw(st.sampled_from(states))
    lo, hi = (-12, 4) if state == "float16" else (-20, 8)
    return AdamCase(
        draw(st.integers(1, max_n)), state,
        draw(st.one_of(st.just(1), st.integers(1, 20), st.integers(1, 10 ** 6))),
        draw(st.integers(0, 2 ** 32 - 1)), draw(st.integers(lo, hi)),
        draw(st.sampled_from([1e-3, 1e-4, 3e-4, 1e-2, 0.1, 1.0])),
        draw(st.sampled_from([0.9, 0.8, 0.95, 0.5])),
        draw(st.sampled_from([0.999, 0.99, 0.9999, 0.95])),
        draw(st.sampled_from([1e-8, 1e-6, 1e-4, 1e-2, 1e-12])),
        draw(st.booleans()) if inside is None else inside,
        draw(st.sampled_from(["gauss", "gauss", "zero_grad", "sparse", "wide", "cancel",
                              "fresh"])))


def step_exact(M, V, t, lr, beta1, beta2, eps, inside):
    """The step s = lr * m_hat / d from stored states M, V (float64 values), in float64."""
    c1 = 1.0 - beta1 ** t
    c2 = 1.0 - beta2 ** t
    m_hat = M / c1
    v_hat = V / c2
    d = np.sqrt(v_hat + eps) if inside else np.sqrt(v_hat) + eps
    return lr * m_hat / d, d


def check_adam_result(call, args, result, label="adam_step"):
    """Types; m' and v' within the state tolerance; param' from YOUR m', v' within 16u|s| +
    u|p'|. Returns (P, M, V) as float64 arrays and the exact step."""
    param, grad, m, v, t, lr, beta1, beta2, eps, inside = args
    sdt = m.dtype
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        f"{call} must return a tuple (param, m, v), got {type(result).__name__}")
    P, M, V = result
    check_tensor(f"{call}: param", P, torch.float32, param.shape)
    check_tensor(f"{call}: m", M, sdt, m.shape)
    check_tensor(f"{call}: v", V, sdt, v.shape)
    p, g, m0, v0 = f64(param), f64(grad), f64(m), f64(v)
    Pv, Mv, Vv = f64(P), f64(M), f64(V)
    sname = NAMES[sdt]
    # ---- first moment
    mstar = beta1 * m0 + (1.0 - beta1) * g
    dm = (STATE_ULPS_M * U + 2.0 ** -48) * (np.abs(m0) + (1.0 - beta1) * np.abs(g))
    lo, hi = round_fmt(mstar - dm, sdt), round_fmt(mstar + dm, sdt)
    ok = (Mv >= lo) & (Mv <= hi)
    if not ok.all():
        j = first_bad(ok)
        hint = ""
        if np.isclose(Mv.ravel()[j], ((1 - beta1) * m0 + beta1 * g).ravel()[j], rtol=1e-3,
                      atol=0) and not np.isclose(Mv.ravel()[j], mstar.ravel()[j], rtol=1e-3):
            hint = " — beta1 and 1 - beta1 are swapped"
        raise AssertionError(
            f"{call}: m'[{j}] = {fmt(Mv.ravel()[j])}, expected beta1*m + (1-beta1)*g = "
            f"{fmt(mstar.ravel()[j])} (m = {fmt(m0.ravel()[j])}, g = {fmt(g.ravel()[j])}) "
            f"computed in float32 and rounded once to {sname}: between {fmt(lo.ravel()[j])} "
            f"and {fmt(hi.ravel()[j])}{hint}")
    # ---- second moment
    vstar = beta2 * v0 + (1.0 - beta2) * g * g
    dv = (STATE_ULPS_V * U + 2.0 ** -48) * vstar
    lo, hi = round_fmt(vstar - dv, sdt), round_fmt(vstar + dv, sdt)
    ok = (Vv >= lo) & (Vv <= hi)
    if not ok.all():
        j = first_bad(ok)
        hint = ""
        if np.isclose(Vv.ravel()[j], (beta2 * v0 + (1 - beta2) * np.abs(g)).ravel()[j],
                      rtol=1e-3) and not np.isclose(Vv.ravel()[j], vstar.ravel()[j], rtol=1e-3):
            hint = " — v averages the SQUARED gradient g*g"
        raise AssertionError(
            f"{call}: v'[{j}] = {fmt(Vv.ravel()[j])}, expected beta2*v + (1-beta2)*g*g = "
            f"{fmt(vstar.ravel()[j])} (v = {fmt(v0.ravel()[j])}, g = {fmt(g.ravel()[j])}) "
            f"computed in float32 and rounded once to {sname}: between {fmt(lo.ravel()[j])} "
            f"and {fmt(hi.ravel()[j])}{hint}")
    # ---- parameter, from YOUR stored states
    s, d = step_exact(Mv, Vv, t, lr, beta1, beta2, eps, inside)
    pstar = p - s
    tol = (STEP_ULPS * U + C_REL) * np.abs(s) + U * (1 + 2.0 ** -20) * np.abs(pstar)
    err = np.abs(Pv - pstar)
    bad = ~(err <= tol)
    observe_worst(err, tol, bad, label=f"{label}: |param' - (p - s)| vs 16u|s| + u|p'|")
    if bad.any():
        j = int(np.flatnonzero(bad.ravel())[0])
        hints = []
        s_other, _ = step_exact(Mv, Vv, t, lr, beta1, beta2, eps, not inside)
        if abs(Pv.ravel()[j] - (p - s_other).ravel()[j]) <= tol.ravel()[j]:
            hints.append("that is eps " + ("OUTSIDE" if inside else "INSIDE") +
                         " the square root; here eps_inside=" + str(inside))
        nb = lr * Mv / (np.sqrt(Vv) + eps) if not inside else lr * Mv / np.sqrt(Vv + eps)
        if abs(Pv.ravel()[j] - (p - nb).ravel()[j]) <= tol.ravel()[j] * 4:
            hints.append("that step has no bias correction (divide m' by 1 - beta1**t and v' "
                         "by 1 - beta2**t)")
        if sdt != torch.float32:
            m32 = beta1 * m0 + (1.0 - beta1) * g
            v32 = beta2 * v0 + (1.0 - beta2) * g * g
            s32, _ = step_exact(m32, v32, t, lr, beta1, beta2, eps, inside)
            if abs(Pv.ravel()[j] - (p - s32).ravel()[j]) <= 1e-6 * abs(s32.ravel()[j]) + \
                    tol.ravel()[j]:
                hints.append(f"the step must use the STORED ({sname}) m' and v', rounded "
                             f"before the update, not the float32 values")
        c1, c2 = 1.0 - beta1 ** t, 1.0 - beta2 ** t
        raise AssertionError(
            f"{call}: param'[{j}] = {fmt(Pv.ravel()[j])}, expected p - lr*m_hat/d = "
            f"{fmt(pstar.ravel()[j])} within {tol.ravel()[j]:.3g} (p = {fmt(p.ravel()[j])}, "
            f"your m' = {fmt(Mv.ravel()[j])}, v' = {fmt(Vv.ravel()[j])}, 1-beta1^t = {c1:.9g}, "
            f"1-beta2^t = {c2:.9g}, d = {fmt(d.ravel()[j])}, step = {fmt(s.ravel()[j])})"
            + (" — " + "; ".join(hints) if hints else ""))
    return Pv, Mv, Vv


def torch_adam_trace(n, steps, seed, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, log2_g=0):
    """torch.optim.Adam (float32, CPU) on one parameter with drawn gradients: a list of
    (args, (param', m', v')) per step, args as adam_step takes them (states float32)."""
    rng = np.random.default_rng(seed)
    p = torch.nn.Parameter(torch.from_numpy(rng.uniform(-1, 1, n)).to(torch.float32))
    opt = torch.optim.Adam([p], lr=lr, betas=betas, eps=eps)
    out = []
    drift = rng.standard_normal(n)
    for t in range(1, steps + 1):
        g = (drift + rng.standard_normal(n)) * 2.0 ** (log2_g + rng.integers(-3, 3, n))
        if t % 7 == 3:
            g[rng.integers(n)] = 0.0
        grad = torch.from_numpy(g).to(torch.float32)
        st_ = opt.state.get(p, {})
        m = st_["exp_avg"].clone() if st_ else torch.zeros(n)
        v = st_["exp_avg_sq"].clone() if st_ else torch.zeros(n)
        before = p.detach().clone()
        p.grad = grad.clone()
        opt.step()
        st_ = opt.state[p]
        out.append(((before, grad, m, v, t, lr, betas[0], betas[1], eps, False),
                    (p.detach().clone(), st_["exp_avg"].clone(), st_["exp_avg_sq"].clone())))
    return out


def agree_with_torch(call, args, mine, theirs):
    """|P - P_torch| <= 2 * (the step tolerance + lr * |M - m'*| / (c1 * d) + 4u|s|): both lie
    within that of the exact formula evaluated on exact m'*, v'*."""
    param, grad, m, v, t, lr, beta1, beta2, eps, inside = args
    p, g, m0, v0 = f64(param), f64(grad), f64(m), f64(v)
    mstar = beta1 * m0 + (1.0 - beta1) * g
    vstar = beta2 * v0 + (1.0 - beta2) * g * g
    em = (STATE_ULPS_M * U + 2.0 ** -48) * (np.abs(m0) + (1.0 - beta1) * np.abs(g)) \
        + U * np.abs(mstar)
    s, d = step_exact(mstar, vstar, t, lr, beta1, beta2, eps, inside)
    c1 = 1.0 - beta1 ** t
    one = (STEP_ULPS + 4) * U * np.abs(s) + 2 * U * np.abs(p - s) + lr * em / (c1 * d)
    P, Pt = mine[0], f64(theirs[0])
    err = np.abs(P - Pt)
    bad = ~(err <= 2 * one)
    observe_worst(err, 2 * one, bad, label="adam_step vs torch.optim.Adam: |param' difference|")
    if bad.any():
        j = int(np.flatnonzero(bad.ravel())[0])
        raise AssertionError(
            f"{call}: param'[{j}] = {fmt(P.ravel()[j])}, but torch.optim.Adam gives "
            f"{fmt(Pt.ravel()[j])} from the same inputs; both must lie within "
            f"{one.ravel()[j]:.3g} of the exact step")


# Warm-up at import (collection time): the first GradScaler run and the first Adam step pay
# one-time costs (lazy imports, kernel initialisation) that must not count against a test's
# time budget.
ScalerCase(65536.0, 2.0, 0.5, 1, ["ok", "inf"]).trace()
torch_adam_trace(2, 2, 0)
