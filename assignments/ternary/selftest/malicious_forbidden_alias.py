"""Malicious: a correct-looking solution that hides a forbidden module behind an alias
(torch.ao.quantization imported as `tq`, and used in a helper every function calls). The static
check resolves the alias: every function and the hand part score zero."""
import torch
import torch.ao.quantization as tq

HAND_GAMMA = 1.0
HAND_CODES = (0, -1, 0, 1, -1, 1)
HAND_PACKED = 200
EPS = 1e-5


def _observer():
    return tq.MinMaxObserver


def ternarize(w):
    _observer()
    w32 = w.to(torch.float32)
    gamma = w32.abs().mean()
    return torch.clamp(torch.round(w32 / (gamma + EPS)), -1, 1).to(torch.int8), gamma


def quantize_activations(x):
    _observer()
    x32 = x.to(torch.float32)
    scale = 127.0 / torch.clamp(x32.abs().amax(dim=-1, keepdim=True), min=EPS)
    return torch.clamp(torch.round(x32 * scale), -128, 127).to(torch.int8), scale


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    _observer()
    acc = x_codes.to(torch.int64) @ w_codes.to(torch.int64).T
    return (acc.to(torch.float32) * (gamma / x_scale)).to(getattr(torch, out_dtype))


def pack_ternary(codes):
    _observer()
    flat = codes.reshape(-1).to(torch.int32) + 1
    flat = torch.cat([flat, torch.ones((-flat.numel()) % 5, dtype=torch.int32)]).reshape(-1, 5)
    return (flat * torch.tensor([1, 3, 9, 27, 81])).sum(1).to(torch.uint8)


def unpack_ternary(packed, n):
    _observer()
    p = packed.to(torch.int32)
    return (torch.stack([(p // k) % 3 for k in (1, 3, 9, 27, 81)], 1).reshape(-1)[:n] - 1).to(torch.int8)


def ste_forward_backward(w, grad_out, clipped=False):
    _observer()
    return w, grad_out, True
