"""Malicious: decode_qint4 never returns (the per-call timeout must stop it and the run go on);
the rest is not written."""

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


def weight_bytes(shape, qtype):
    raise NotImplementedError


def decode_qint4(data, scale, shift, group_size, shape):
    while True:
        pass


def layer_sensitivity(state, x, qtype):
    raise NotImplementedError


def plan(state, x, budget):
    raise NotImplementedError
