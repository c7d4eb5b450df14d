"""Reference solution: BitNet b1.58 ternary weights and the straight-through estimator
(the contract: assignments/ternary/statement.md.j2).

Weights (absmean), computed in float32 whatever w's dtype::

    gamma = mean(|w|)                                   (float32; 0 for all-zero weights)
    codes = clamp(round(w / (gamma + eps)), -1, 1)      eps = 1e-5, round = half to even

Activations (absmax, per token = along the last axis)::

    scale = 127 / max(max|x|, eps)                      (float32, shape [..., 1])
    codes = clamp(round(x * scale), -128, 127)

Linear layer from the codes: acc = x_codes @ w_codes^T computed exactly (integers), then
y = acc * (gamma / x_scale) in float32, rounded once to the requested dtype.

Packing: five trits per byte, digit = code + 1, the FIRST code of a group is the least
significant base-3 digit; the flat code sequence is padded with code 0 (digit 1).

TernarySTE: forward gamma * codes in w's dtype; backward passes the gradient straight through
(gamma treated as a constant), or, clipped, only where |w| <= gamma.
"""

from __future__ import annotations

import torch

__all__ = ["ternarize", "quantize_activations", "ternary_linear", "pack_ternary",
           "unpack_ternary", "TernarySTE", "ste_forward_backward"]

EPS = 1e-5
_FLOATS = (torch.float32, torch.float16, torch.bfloat16, torch.float64)
_OUT_DTYPES = {"float32": torch.float32, "float16": torch.float16,
               "bfloat16": torch.bfloat16, "float64": torch.float64}
_POW3 = (1, 3, 9, 27, 81)

# ---------------------------------------------------------------------------- hand part (defaults)
# W = [[0.5, -2.0, 0.25], [1.5, -0.75, 1.0]]  ->  gamma = 6 / 6 = 1.0
HAND_GAMMA = 1.0
HAND_CODES = (0, -1, 0, 1, -1, 1)
# trits (1, -1, 0, 0, 1) -> digits (2, 0, 1, 1, 2) -> 2 + 0*3 + 1*9 + 1*27 + 2*81
HAND_PACKED = 200


def _check_float(name, t):
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if t.dtype not in _FLOATS:
        raise TypeError(f"{name} must be float32, float16, bfloat16 or float64, got {t.dtype}")


# ------------------------------------------------------------------------------------ weights

def ternarize(w):
    """Absmean ternarization: (codes int8 of w's shape, gamma float32 0-d tensor)."""
    _check_float("w", w)
    if w.numel() == 0:
        raise ValueError("ternarize needs at least one weight")
    w32 = w.to(torch.float32)
    gamma = w32.abs().mean()
    t = w32 / (gamma + EPS)
    codes = torch.clamp(torch.round(t), -1, 1).to(torch.int8)
    return codes, gamma


# -------------------------------------------------------------------------------- activations

def quantize_activations(x):
    """Per-token absmax int8: (codes int8 of x's shape, scale float32 [..., 1])."""
    _check_float("x", x)
    if x.dim() == 0 or x.numel() == 0:
        raise ValueError("quantize_activations needs at least one dimension and one element")
    x32 = x.to(torch.float32)
    m = x32.abs().amax(dim=-1, keepdim=True)
    scale = 127.0 / torch.clamp(m, min=EPS)
    codes = torch.clamp(torch.round(x32 * scale), -128, 127).to(torch.int8)
    return codes, scale


# ------------------------------------------------------------------------------------- linear

def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    """y = (x_codes @ w_codes^T) * (gamma / x_scale), exact integer product, float32 scaling."""
    if out_dtype not in _OUT_DTYPES:
        raise ValueError(f"out_dtype must be one of {sorted(_OUT_DTYPES)}, got {out_dtype!r}")
    if w_codes.dim() != 2:
        raise ValueError(f"w_codes must be 2-D [N, K], got shape {tuple(w_codes.shape)}")
    if x_codes.dim() < 1 or x_codes.shape[-1] != w_codes.shape[1]:
        raise ValueError(f"x_codes must be [..., {w_codes.shape[1]}], got {tuple(x_codes.shape)}")
    acc = torch.matmul(x_codes.to(torch.int64), w_codes.to(torch.int64).T)
    factor = gamma.to(torch.float32) / x_scale.to(torch.float32)
    y = acc.to(torch.float32) * factor
    return y.to(_OUT_DTYPES[out_dtype])


# ------------------------------------------------------------------------------------ packing

def pack_ternary(codes):
    """Five trits per byte, first code = least significant digit, padded with code 0."""
    if not isinstance(codes, torch.Tensor) or codes.dtype != torch.int8:
        raise TypeError("codes must be an int8 torch.Tensor")
    flat = codes.reshape(-1).to(torch.int16)
    if flat.numel() and (int(flat.min()) < -1 or int(flat.max()) > 1):
        raise ValueError("every code must be -1, 0 or 1")
    n = flat.numel()
    m = (n + 4) // 5
    digits = torch.ones(5 * m, dtype=torch.int16)
    digits[:n] = flat + 1
    weights = torch.tensor(_POW3, dtype=torch.int16)
    packed = (digits.reshape(m, 5) * weights).sum(dim=1)
    return packed.to(torch.uint8)


def unpack_ternary(packed, n):
    """Inverse of pack_ternary: the first n codes (int8, 1-D)."""
    if not isinstance(packed, torch.Tensor) or packed.dtype != torch.uint8:
        raise TypeError("packed must be a uint8 torch.Tensor")
    if packed.dim() != 1:
        raise ValueError("packed must be 1-D")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}")
    if packed.numel() != (n + 4) // 5:
        raise ValueError(f"{n} codes need {(n + 4) // 5} bytes, got {packed.numel()}")
    p = packed.to(torch.int16)
    if p.numel() and int(p.max()) > 242:
        raise ValueError("a byte above 242 = 3**5 - 1 is not a packed group of five trits")
    digits = torch.stack([(p // w) % 3 for w in _POW3], dim=1).reshape(-1)
    return (digits[:n] - 1).to(torch.int8)


# ------------------------------------------------------------------------------------ the STE

class TernarySTE(torch.autograd.Function):
    """Forward: gamma * codes in w's dtype. Backward: straight through (clipped: where |w| <= gamma)."""

    @staticmethod
    def forward(ctx, w, clipped=False):
        codes, gamma = ternarize(w)
        ctx.clipped = bool(clipped)
        ctx.save_for_backward(w, gamma)
        return (gamma * codes.to(torch.float32)).to(w.dtype)

    @staticmethod
    def backward(ctx, grad_out):
        w, gamma = ctx.saved_tensors
        if not ctx.clipped:
            return grad_out, None
        keep = w.to(torch.float32).abs() <= gamma
        return torch.where(keep, grad_out, torch.zeros_like(grad_out)), None


def ste_forward_backward(w, grad_out, clipped=False):
    """The grader's harness, as given in the statement."""
    leaf = w.mT.contiguous().mT if w.dim() >= 2 else w.clone()
    leaf.requires_grad_(True)
    before = leaf.detach().clone()
    out = TernarySTE.apply(leaf, clipped)
    out.backward(grad_out)
    return out.detach(), leaf.grad, bool(torch.equal(leaf.detach(), before))
