"""Buggy: layer_sensitivity quantizes one network layer after layer, so each error includes
the layers before it."""

import math

import torch
import torch.nn.functional as F
from torch import nn
from optimum.quanto import freeze, qfloat8, qint4, qint8, quantize

# ----------------------------------------------------------------------------- the given model

LAYERS = ("embed", "block.up", "block.down", "proj", "head")


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


def net_from_state(state):
    net = TinyNet()
    net.load_state_dict(state)
    return net.eval()


# ------------------------------------------------------------------------ hand part (default)

HAND_LOW = -0.1572265625
HAND_HIGH = 0.2607421875
HAND_LOW_POS = (11, 32)
HAND_HIGH_POS = (75, 32)

# --------------------------------------------------------------------------------- memory model

_QTYPES = {"qint4": qint4, "qint8": qint8, "qfloat8": qfloat8}
_ALL = ("qint4", "qint8", "qfloat8", "none")


def _group_size(in_f):
    g = 128
    if in_f > g:
        while in_f % g != 0 and g > 32:
            g -= 32
        if in_f % g == 0:
            return g
    return None


def weight_bytes(shape, qtype):
    try:
        out_f, in_f = shape
    except (TypeError, ValueError):
        raise ValueError(f"bad shape {shape!r}") from None
    if not isinstance(shape, (tuple, list)) or type(out_f) is not int or type(in_f) is not int \
            or min(out_f, in_f) < 1:
        raise ValueError(f"bad shape {shape!r}")
    per_weight = {"none": 4, "qint8": 1, "qfloat8": 1}
    if qtype in per_weight:
        return per_weight[qtype] * out_f * in_f + (0 if qtype == "none" else 4 * out_f)
    if qtype != "qint4":
        raise ValueError(f"unknown qtype {qtype!r}")
    width = _group_size(in_f) or in_f
    packed_shape = (-(-(out_f * in_f // width) // 2), width)
    return packed_shape[0] * packed_shape[1] + 8 * (out_f * in_f // width)


# ------------------------------------------------------------------------------------- errors

def _rel_error(yq, y):
    if not bool(torch.isfinite(yq).all()):
        return math.inf
    d = (yq.double() - y.double())
    return float(torch.sqrt((d * d).sum()) / torch.sqrt((y.double() ** 2).sum()))


def _quantized_nets(state):
    """The float net and, per qtype, a copy with every layer quantized by quanto."""
    nets = {"none": net_from_state(state)}
    for name, qt in _QTYPES.items():
        net = net_from_state(state)
        quantize(net, weights=qt, include=list(LAYERS))
        freeze(net)
        nets[name] = net
    return nets


def layer_sensitivity(state, x, qtype):
    if qtype not in _QTYPES:
        raise ValueError(f"qtype must be one of qint4, qint8, qfloat8, got {qtype!r}")
    with torch.no_grad():
        y = net_from_state(state)(x)
        out = {}
        net = net_from_state(state)
        for name in LAYERS:
            quantize(net, weights=_QTYPES[qtype], include=[name])
            freeze(net)
            out[name] = _rel_error(net(x), y)
    return out


def plan(state, x, budget):
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget >= 0:
        raise ValueError(f"budget must be a number >= 0, got {budget!r}")
    nets = _quantized_nets(state)
    base = nets["none"]
    shapes = {n: tuple(state[n + ".weight"].shape) for n in LAYERS}
    cost = {n: {t: weight_bytes(shapes[n], t) for t in _ALL} for n in LAYERS}
    # the least the layers after position k can weigh
    rest = [sum(min(cost[n].values()) for n in LAYERS[k:]) for k in range(len(LAYERS) + 1)]
    best = [math.inf, None]

    def mod(t, name):
        return nets[t].get_submodule(name)

    with torch.no_grad():
        y = base(x)
        for a in _ALL:
            ca = cost["embed"][a]
            if ca + rest[1] >= best[0]:
                continue
            h1 = mod(a, "embed")(x)
            n1 = base.block.norm(h1)
            for b in _ALL:
                cb = ca + cost["block.up"][b]
                if cb + rest[2] >= best[0]:
                    continue
                u = F.gelu(mod(b, "block.up")(n1))
                for c in _ALL:
                    cc = cb + cost["block.down"][c]
                    if cc + rest[3] >= best[0]:
                        continue
                    p0 = base.norm(h1 + mod(c, "block.down")(u))
                    for d in _ALL:
                        cd = cc + cost["proj"][d]
                        if cd + rest[4] >= best[0]:
                            continue
                        p = F.gelu(mod(d, "proj")(p0))
                        for e in _ALL:
                            ce = cd + cost["head"][e]
                            if ce >= best[0]:
                                continue
                            if _rel_error(mod(e, "head")(p), y) <= budget:
                                best[:] = [ce, (a, b, c, d, e)]
    return dict(zip(LAYERS, best[1]))


# ------------------------------------------------------------------------------- decode_qint4

def decode_qint4(data, scale, shift, group_size, shape):
    if not torch.is_tensor(data) or data.dtype != torch.uint8:
        raise TypeError("data must be a torch.uint8 tensor")
    if not torch.is_tensor(scale) or not torch.is_tensor(shift) or \
            torch.float32 not in (scale.dtype,) or shift.dtype != torch.float32:
        raise TypeError("scale and shift must be float32 tensors")
    out_f, in_f = shape
    width = group_size or in_f
    if in_f % width:
        raise ValueError("group size")
    groups = out_f * in_f // width
    if data.shape != (-(-groups // 2), width) or scale.shape != (groups, 1) or \
            shift.shape != (groups, 1):
        raise ValueError("shapes")
    b = data.to(torch.int16)
    codes = torch.stack([b % 16, b // 16]).reshape(-1, width)[:groups]
    # stack puts all low nibbles first, then all high nibbles: rows 0..h-1, then h..2h-1
    w = torch.mul(codes.to(torch.float32), scale)
    w = torch.sub(w, shift)
    return w.reshape(out_f, in_f).contiguous()
