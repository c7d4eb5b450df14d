"""Malicious: decode_qint4 hides quanto's PackedTensor and dequantize behind an alias import;
the answer would be right, only the forbidden names make it score zero. Nothing else is written."""

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


HAND_LOW = 0.5
HAND_HIGH = -0.5
HAND_LOW_POS = (1, 2)
HAND_HIGH_POS = (3, 4)

from optimum.quanto.tensor.packed import PackedTensor as PT  # noqa: E402
from optimum.quanto import WeightQBitsTensor as WQ  # noqa: E402


def weight_bytes(shape, qtype):
    raise NotImplementedError


def decode_qint4(data, scale, shift, group_size, shape):
    out_f, in_f = shape
    c = in_f if group_size is None else group_size
    r = out_f * in_f // c
    packed = PT(data, 4, torch.Size((r, c)), (c, 1))
    w = WQ(qint4, 0, group_size, torch.Size(shape), (in_f, 1), packed, scale, shift)
    return w.dequantize()


def layer_sensitivity(state, x, qtype):
    raise NotImplementedError


def plan(state, x, budget):
    raise NotImplementedError
