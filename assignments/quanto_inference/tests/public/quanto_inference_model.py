"""The model of quanto_inference, its seeded weights and input, quanto's measurement of a plan,
and the memory model: what the grader uses to judge your answers (it never calls the reference).

- ``TinyNet`` is the network of the statement, line for line; ``net_from_state(state)`` loads a
  state dict into it.
- ``make_state(seed, kind)`` draws the weights (``kind``: "plain", "outlier", "zero") and
  ``make_input(seed)`` the batch x, both with torch's own seeded generator.
- ``plan_error(state, x, plan)`` quantizes a fresh copy with optimum-quanto as the plan says
  (quantize(include=[name]) per layer, then freeze), runs it, and returns
  ||y_q - y||_F / ||y||_F computed in float64 from the two float32 outputs.
- ``weight_bytes(shape, qtype)`` and ``plan_bytes(state, plan)``: the memory model.
"""

from __future__ import annotations

import math

import quanto_inference_setup  # noqa: F401  (one thread; quanto's int4 unpack without a C++ build)
import torch
import torch.nn.functional as F
from torch import nn

LAYERS = ("embed", "block.up", "block.down", "proj", "head")
TYPES = ("qint4", "qint8", "qfloat8", "none")
QTYPES = ("qint4", "qint8", "qfloat8")
D_IN, BATCH = 64, 8


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(128)
        self.up = nn.Linear(128, 256)
        self.down = nn.Linear(256, 128)

    def forward(self, h):
        return h + self.down(F.gelu(self.up(self.norm(h))))


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(64, 128)
        self.block = Block()
        self.norm = nn.LayerNorm(128)
        self.proj = nn.Linear(128, 192)
        self.head = nn.Linear(192, 32)

    def forward(self, x):
        h = self.block(self.embed(x))
        return self.head(F.gelu(self.proj(self.norm(h))))


def net_from_state(state: dict) -> TinyNet:
    net = TinyNet()
    net.load_state_dict(state)
    return net.eval()


KINDS = ("plain", "outlier", "zero")
ZERO_OK = ("embed", "block.up", "block.down", "proj")   # a zero head would make y = 0
TOL_ABS, TOL_REL = 1e-5, 1e-3


def tolerance(e: float) -> float:
    """How far a correct measurement of a relative error e may be from the grader's."""
    return TOL_ABS + TOL_REL * e


def make_state(seed: int, kind: str = "plain", special: str = "proj") -> dict:
    """Seeded float32 weights for TinyNet. "outlier": 4 weights of layer `special` are set to
    +-16 times that layer's largest weight; "zero": layer `special`'s weight and bias are 0."""
    g = torch.Generator().manual_seed(seed)
    state = {}
    for name, t in TinyNet().state_dict().items():
        if name.endswith("norm.weight"):
            v = 1 + 0.1 * torch.randn(t.shape, generator=g)
        elif name.endswith("norm.bias"):
            v = 0.1 * torch.randn(t.shape, generator=g)
        elif name.endswith(".weight"):
            v = torch.randn(t.shape, generator=g) / math.sqrt(t.shape[1])
        else:
            v = 0.05 * torch.randn(t.shape, generator=g)
        state[name] = v.to(torch.float32).contiguous()
    w = state[special + ".weight"]
    if kind == "outlier":
        big = 16 * float(w.abs().max())
        rows = torch.randint(0, w.shape[0], (4,), generator=g)
        cols = torch.randint(0, w.shape[1], (4,), generator=g)
        for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())):
            w[r, c] = big if k % 2 == 0 else -big
    elif kind == "zero":
        w.zero_()
        state[special + ".bias"].zero_()
    return state


def make_input(seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(10_000 + seed)
    return torch.randn(BATCH, D_IN, generator=g).to(torch.float32)


class Case:
    """A drawn (state, x); prints as the call that rebuilds it."""

    def __init__(self, seed: int, kind: str = "plain", special: str = "proj"):
        if kind == "zero" and special not in ZERO_OK:
            special = "block.down"
        self.seed, self.kind, self.special = seed, kind, special
        self.state = make_state(seed, kind, special)
        self.x = make_input(seed)

    def __repr__(self):
        return f"Case({self.seed}, {self.kind!r}, {self.special!r})"


# ------------------------------------------------------------------------------ quanto, measured

def _qtype(name: str):
    from optimum.quanto import qfloat8, qint4, qint8
    return {"qint4": qint4, "qint8": qint8, "qfloat8": qfloat8}[name]


def quantized_net(state: dict, plan: dict) -> TinyNet:
    """A fresh TinyNet with `state`, each layer's weight quantized by quanto as `plan` says."""
    from optimum.quanto import freeze, quantize
    net = net_from_state(state)
    for t in QTYPES:
        names = [n for n in LAYERS if plan.get(n) == t]
        if names:
            quantize(net, weights=_qtype(t), include=names)
    freeze(net)
    return net


def rel_error(yq: torch.Tensor, y: torch.Tensor) -> float:
    """||yq - y||_F / ||y||_F in float64; math.inf when yq holds a NaN or an infinity."""
    if not bool(torch.isfinite(yq).all()):
        return math.inf
    yq64, y64 = yq.detach().to(torch.float64), y.detach().to(torch.float64)
    return float(torch.sqrt(((yq64 - y64) ** 2).sum()) / torch.sqrt((y64 ** 2).sum()))


def plan_error(state: dict, x: torch.Tensor, plan: dict) -> float:
    with torch.no_grad():
        y = net_from_state(state)(x)
        yq = quantized_net(state, plan)(x)
    return rel_error(yq, y)


def sensitivities(state: dict, x: torch.Tensor, qtype: str) -> dict:
    return {n: plan_error(state, x, {n: qtype}) for n in LAYERS}


# ---------------------------------------------------------------------------------- memory model

def group_size(shape) -> int | None:
    """quanto's qint4 group size for an (out, in) Linear weight; None: one group per row."""
    out_f, in_f = shape
    g = 128
    if in_f > g:
        while in_f % g != 0 and g > 32:
            g -= 32
        if in_f % g == 0:
            return g
    return None


def all_qint4(state: dict) -> dict:
    return {n: "qint4" for n in LAYERS}


def weight_bytes(shape, qtype: str) -> int:
    out_f, in_f = shape
    n = out_f * in_f
    if qtype == "none":
        return 4 * n
    if qtype in ("qint8", "qfloat8"):
        return n + 4 * out_f
    g = group_size(shape)
    cols = in_f if g is None else g
    groups = n // cols
    return (groups + 1) // 2 * cols + 8 * groups


def layer_shapes(state: dict) -> dict:
    return {n: tuple(state[n + ".weight"].shape) for n in LAYERS}


def plan_bytes(state: dict, plan: dict) -> int:
    shapes = layer_shapes(state)
    return sum(weight_bytes(shapes[n], plan[n]) for n in LAYERS)
