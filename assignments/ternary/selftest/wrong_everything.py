"""Wrong everywhere, with every type, dtype and shape right and nothing raised: gamma is max|w|
+ 1, the codes are sign(w), the activation scale is 128/max, the linear layer multiplies by the
scale, the packing is base 4, the STE returns w and -grad_out. It must score exactly zero."""
import torch

HAND_GAMMA = 2.5
HAND_CODES = (1, -1, 1, 1, -1, 1)
HAND_PACKED = 7


def ternarize(w):
    w32 = w.to(torch.float32)
    return torch.sign(w32).to(torch.int8), w32.abs().max() + 1


def quantize_activations(x):
    x32 = x.to(torch.float32)
    scale = 128.0 / (x32.abs().amax(dim=-1, keepdim=True) + 1)
    return torch.trunc(x32 * scale).clamp(-127, 127).to(torch.int8), scale


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    acc = x_codes.to(torch.float32) @ w_codes.to(torch.float32).T
    return (acc * gamma * x_scale + 1).to(getattr(torch, out_dtype))


def pack_ternary(codes):
    flat = codes.reshape(-1).to(torch.int32) + 2
    flat = torch.cat([flat, torch.zeros((-flat.numel()) % 5, dtype=torch.int32)]).reshape(-1, 5)
    return (flat * torch.tensor([1, 4, 16, 64, 256])).sum(1).remainder(256).to(torch.uint8)


def unpack_ternary(packed, n):
    p = packed.to(torch.int32)
    return (torch.stack([(p // k) % 4 for k in (1, 4, 16, 64, 256)], 1).reshape(-1)[:n] - 2).clamp(-1, 1).to(torch.int8)


def ste_forward_backward(w, grad_out, clipped=False):
    return w.clone() + 1, -grad_out - 1, True
