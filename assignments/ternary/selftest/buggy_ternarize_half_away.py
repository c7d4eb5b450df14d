"""Buggy: ternarize rounds half away from zero (floor(|t| + 0.5) with the sign), not half to even."""
import torch

EPS = 1e-5
HAND_GAMMA = 1.0
HAND_CODES = (0, -1, 0, 1, -1, 1)
HAND_PACKED = 200

_FLOATS = (torch.float32, torch.float16, torch.bfloat16, torch.float64)
_OUT = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16,
        "float64": torch.float64}


def _check(t):
    if not isinstance(t, torch.Tensor) or t.dtype not in _FLOATS:
        raise TypeError("expected a float tensor")


def ternarize(w):
    _check(w)
    if w.numel() == 0:
        raise ValueError("empty")
    w32 = w.to(torch.float32)
    gamma = w32.abs().sum() / w32.numel()
    inv = 1.0 / (gamma + EPS)
    t = w32 * inv
    codes = (torch.sign(t) * torch.floor(t.abs() + 0.5)).clamp(-1, 1).to(torch.int8)
    return codes, gamma


def quantize_activations(x):
    _check(x)
    if x.dim() == 0 or x.numel() == 0:
        raise ValueError("need a non-empty tensor with at least one dimension")
    x32 = x.to(torch.float32)
    m = x32.abs().max(dim=-1, keepdim=True).values
    scale = 127.0 / torch.maximum(m, torch.tensor(EPS, dtype=torch.float32))
    codes = torch.round(x32 * scale).clamp(-128, 127).to(torch.int8)
    return codes, scale


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    if w_codes.dim() != 2 or x_codes.shape[-1] != w_codes.shape[1]:
        raise ValueError("shape mismatch")
    acc = x_codes.to(torch.float32) @ w_codes.to(torch.float32).T
    y = acc * (gamma / x_scale)
    return y.to(_OUT[out_dtype])


def pack_ternary(codes):
    if not isinstance(codes, torch.Tensor) or codes.dtype != torch.int8:
        raise TypeError("codes must be int8")
    flat = codes.reshape(-1)
    if ((flat < -1) | (flat > 1)).any():
        raise ValueError("codes must be -1, 0 or 1")
    n = flat.numel()
    pad = (-n) % 5
    digits = torch.cat([flat.to(torch.int32) + 1, torch.ones(pad, dtype=torch.int32)])
    digits = digits.reshape(-1, 5)
    p3 = torch.tensor([1, 3, 9, 27, 81], dtype=torch.int32)
    return (digits * p3).sum(dim=1).to(torch.uint8)


def unpack_ternary(packed, n):
    if not isinstance(packed, torch.Tensor) or packed.dtype != torch.uint8:
        raise TypeError("packed must be uint8")
    if packed.dim() != 1 or n < 0 or packed.numel() != (n + 4) // 5:
        raise ValueError("bad length")
    p = packed.to(torch.int32)
    if (p > 242).any():
        raise ValueError("byte above 242")
    cols = []
    for _ in range(5):
        cols.append(p % 3)
        p = p // 3
    digits = torch.stack(cols, dim=1).reshape(-1)[:n]
    return (digits - 1).to(torch.int8)


class TernarySTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, clipped=False):
        codes, gamma = ternarize(w)
        ctx.clipped = clipped
        ctx.save_for_backward(w, gamma)
        return (codes.to(torch.float32) * gamma).to(w.dtype)

    @staticmethod
    def backward(ctx, grad_out):
        w, gamma = ctx.saved_tensors
        if ctx.clipped:
            keep = (w.to(torch.float32).abs() <= gamma).to(grad_out.dtype)
            return grad_out * keep, None
        return grad_out, None


def ste_forward_backward(w, grad_out, clipped=False):
    leaf = w.mT.contiguous().mT if w.dim() >= 2 else w.clone()   # a non-contiguous copy of w
    leaf.requires_grad_(True)
    before = leaf.detach().clone()
    out = TernarySTE.apply(leaf, clipped)
    out.backward(grad_out)
    return out.detach(), leaf.grad, bool(torch.equal(leaf.detach(), before))
