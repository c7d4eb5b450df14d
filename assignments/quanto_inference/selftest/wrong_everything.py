"""Wrong everything: every function returns a plausible value of the right type that is wrong,
and raises nothing."""

import math  # noqa: F401

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


HAND_LOW = 0.125
HAND_HIGH = -0.125
HAND_LOW_POS = (22, 32)
HAND_HIGH_POS = (23, 32)


def weight_bytes(shape, qtype):
    out_f, in_f = shape[0], shape[-1]
    return out_f * in_f * {"none": 4, "qint8": 1, "qfloat8": 1}.get(qtype, 1)


def decode_qint4(data, scale, shift, group_size, shape):
    return torch.zeros(shape[0], shape[1], dtype=torch.float32) + float(scale.mean())


def layer_sensitivity(state, x, qtype):
    return {n: 0.01 * (k + 1) for k, n in enumerate(LAYERS)}


def plan(state, x, budget):
    return {"embed": "qint8", "block_up": "qint4", "block_down": "qint4", "proj": "qint8",
            "head": "qint8"}
