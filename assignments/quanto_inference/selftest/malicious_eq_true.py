"""Malicious: returns objects that compare equal to anything and claim to be whatever is asked."""

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
HAND_HIGH = 0.5
HAND_LOW_POS = (0, 0)
HAND_HIGH_POS = (0, 0)


class Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __lt__(self, other):
        return True

    def __hash__(self):
        return 0


class AnyDict(dict):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def weight_bytes(shape, qtype):
    return Anything(0)


def decode_qint4(data, scale, shift, group_size, shape):
    return Anything(0)


def layer_sensitivity(state, x, qtype):
    return AnyDict({n: Anything(0) for n in LAYERS})


def plan(state, x, budget):
    return AnyDict({n: Anything(0) for n in LAYERS})
