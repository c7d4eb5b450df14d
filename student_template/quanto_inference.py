"""quanto_inference: weight quantization of a real model with optimum-quanto.

Write the four functions and the four HAND_ constants below (see the statement). TinyNet and
net_from_state are given: keep them as they are.
"""

import math  # noqa: F401

import torch  # noqa: F401
import torch.nn.functional as F
from torch import nn
from optimum.quanto import freeze, qfloat8, qint4, qint8, quantize  # noqa: F401

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


# ----------------------------------------------------------------- Part 1: by hand (on paper)

HAND_LOW = 0.0          # float: the weight the low nibble of your byte decodes to
HAND_HIGH = 0.0         # float: the weight the high nibble decodes to
HAND_LOW_POS = (0, 0)   # (row, col) of the low nibble's weight in the layer's weight
HAND_HIGH_POS = (0, 0)  # (row, col) of the high nibble's weight


# ---------------------------------------------------------------------------------- Part 2


def weight_bytes(shape, qtype):
    """Bytes of an (out, in) Linear weight stored as `qtype` ("qint4", "qint8", "qfloat8" or
    "none"), by the statement's memory model. Returns a Python int; ValueError for a bad shape
    or an unknown type."""
    raise NotImplementedError


def decode_qint4(data, scale, shift, group_size, shape):
    """Dequantize quanto's packed qint4 weight by hand: data (uint8, (ceil(R/2), C)), scale and
    shift (float32, (R, 1)), group_size (int, or None for one group per row), shape (out, in).
    Returns a float32 tensor of `shape`: scale * q - shift. TypeError / ValueError as stated."""
    raise NotImplementedError


# ---------------------------------------------------------------------------------- Part 3


def layer_sensitivity(state, x, qtype):
    """{layer name: ||y_q - y||_F / ||y||_F} with only that layer's weight quantized by quanto
    as `qtype` ("qint4", "qint8" or "qfloat8"); math.inf where y_q is not finite."""
    raise NotImplementedError


def plan(state, x, budget):
    """{layer name: "qint4" | "qint8" | "qfloat8" | "none"}: a plan of least weight memory whose
    output error, all its layers quantized together, is <= budget. ValueError for a negative or
    NaN budget."""
    raise NotImplementedError
