"""Correct: plain Python loops over float32 scalars (NumPy float32 arithmetic, left-to-right
sums), Python ints for the products and the packing; the STE in the detach style inside a
Function (forward builds nothing, backward applies the rule)."""
import numpy as np
import torch

HAND_GAMMA = 1
HAND_CODES = (0, -1, 0, 1, -1, 1)
HAND_PACKED = 200

f32 = np.float32
EPS32 = f32(1e-5)
DT = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16,
      "float64": torch.float64}


def _values(t):
    if not isinstance(t, torch.Tensor) or t.dtype not in DT.values():
        raise TypeError("a float32/float16/bfloat16/float64 tensor is required")
    return [f32(v) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def _rhe(v):
    """round half to even of a float32 value, as a Python int"""
    fl = int(np.floor(v))
    frac = float(v) - fl
    if frac > 0.5 or (frac == 0.5 and fl % 2 == 1):
        return fl + 1
    return fl


def _ternary(vals):
    total = f32(0)
    for v in vals:
        total = f32(total + abs(v))
    gamma = f32(total / f32(len(vals)))
    d = f32(gamma + EPS32)
    return [max(-1, min(1, _rhe(f32(v / d)))) for v in vals], gamma


def ternarize(w):
    vals = _values(w)
    if not vals:
        raise ValueError("empty")
    codes, gamma = _ternary(vals)
    return (torch.tensor(codes, dtype=torch.int8).reshape(w.shape),
            torch.tensor(float(gamma), dtype=torch.float32))


def quantize_activations(x):
    vals = _values(x)
    if x.dim() == 0 or not vals:
        raise ValueError("need a non-empty tensor with a last axis")
    d = x.shape[-1]
    codes, scales = [], []
    for r in range(len(vals) // d):
        row = vals[r * d:(r + 1) * d]
        m = max(abs(v) for v in row)
        s = f32(f32(127) / max(m, EPS32))
        scales.append(float(s))
        codes += [max(-128, min(127, _rhe(f32(v * s)))) for v in row]
    return (torch.tensor(codes, dtype=torch.int8).reshape(x.shape),
            torch.tensor(scales, dtype=torch.float32).reshape(tuple(x.shape[:-1]) + (1,)))


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    if w_codes.dim() != 2 or x_codes.dim() < 1 or x_codes.shape[-1] != w_codes.shape[1]:
        raise ValueError("shapes do not match")
    k = w_codes.shape[1]
    xs = x_codes.reshape(-1, k).tolist()
    ws = w_codes.tolist()
    sc = x_scale.reshape(-1).tolist()
    g = f32(gamma.item())
    out = []
    for row, s in zip(xs, sc):
        factor = f32(g / f32(s))
        for wrow in ws:
            acc = 0
            for a, b in zip(row, wrow):
                if b:
                    acc += a if b > 0 else -a
            out.append(float(f32(f32(acc) * factor)))
    y = torch.tensor(out, dtype=torch.float32).reshape(tuple(x_codes.shape[:-1]) + (len(ws),))
    return y.to(DT[out_dtype])


def pack_ternary(codes):
    if not isinstance(codes, torch.Tensor) or codes.dtype != torch.int8:
        raise TypeError("int8 codes required")
    flat = codes.reshape(-1).tolist()
    for c in flat:
        if c not in (-1, 0, 1):
            raise ValueError(f"bad code {c}")
    out = []
    for j in range(0, len(flat), 5):
        group = flat[j:j + 5] + [0] * (5 - len(flat[j:j + 5]))
        byte = 0
        for c in reversed(group):          # Horner: the first code ends up least significant
            byte = byte * 3 + (c + 1)
        out.append(byte)
    return torch.tensor(out, dtype=torch.uint8)


def unpack_ternary(packed, n):
    if not isinstance(packed, torch.Tensor) or packed.dtype != torch.uint8:
        raise TypeError("uint8 bytes required")
    if packed.dim() != 1 or not isinstance(n, int) or n < 0 or packed.numel() != (n + 4) // 5:
        raise ValueError("wrong length")
    out = []
    for b in packed.tolist():
        if b > 242:
            raise ValueError(f"byte {b} > 242")
        for _ in range(5):
            b, r = divmod(b, 3)
            out.append(r - 1)
    return torch.tensor(out[:n], dtype=torch.int8)


class TernarySTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, clipped=False):
        vals = _values(w)
        codes, gamma = _ternary(vals)
        ctx.clipped = clipped
        ctx.keep = [abs(v) <= gamma for v in vals]
        out = torch.tensor([float(f32(c * gamma)) for c in codes], dtype=torch.float32)
        return out.reshape(w.shape).to(w.dtype)

    @staticmethod
    def backward(ctx, grad_out):
        if not ctx.clipped:
            return grad_out, None
        keep = torch.tensor(ctx.keep).reshape(grad_out.shape)
        return grad_out.masked_fill(~keep, 0), None


def ste_forward_backward(w, grad_out, clipped=False):
    leaf = w.mT.contiguous().mT if w.dim() >= 2 else w.clone()   # a non-contiguous copy of w
    leaf.requires_grad_(True)
    before = leaf.detach().clone()
    out = TernarySTE.apply(leaf, clipped)
    out.backward(grad_out)
    return out.detach(), leaf.grad, bool(torch.equal(leaf.detach(), before))
