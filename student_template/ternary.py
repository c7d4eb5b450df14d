"""ternary — BitNet b1.58 ternary weights and the straight-through estimator.

Fill in every function below (each one raises NotImplementedError until you do), the class
TernarySTE, and the three HAND_ constants. The contract is in the statement; the essentials are
repeated in each docstring.

Inputs and outputs are torch.Tensors (CPU). Do not use bitnet, transformers, torchao, torch.ao,
torch.quantization, bitsandbytes, optimum, brevitas or onebitllms: the point is to do the work
yourself with ordinary tensor operations.

Check your work locally with:   ulp check ternary ternary.py
"""

import torch

EPS = 1e-5

# ---- Part 1, by hand: your own W and trits are in your statement -----------------------------
HAND_GAMMA = None     # a float: mean(|W|) of your 2 x 3 matrix, exactly (e.g. 1.25)
HAND_CODES = None     # a tuple of six ints in {-1, 0, 1}, row by row
HAND_PACKED = None    # an int 0..242: your five trits packed into one byte


def ternarize(w):
    """Absmean ternarization of a weight tensor.

    w: torch.Tensor of any shape (at least one element), float32, float16, bfloat16 or float64.
    In float32 (convert w first):  gamma = mean(|w|) over ALL elements,
        codes = clamp(round(w / (gamma + 1e-5)), -1, 1)     round = torch.round (half to even)
    Returns (codes, gamma): codes int8 of w's shape, gamma a float32 0-d tensor.
    TypeError if w is not a tensor of one of the four dtypes; ValueError if w has no elements.
    """
    raise NotImplementedError("ternarize is not written yet")


def quantize_activations(x):
    """Per-token (last axis) absmax int8 quantization.

    x: torch.Tensor [..., d], float32, float16, bfloat16 or float64, at least one dimension.
    In float32, per row along the last axis:
        scale = 127 / max(max|x|, 1e-5)                 (a float32 division)
        codes = clamp(round(x * scale), -128, 127)      round = torch.round (half to even)
    Returns (codes, scale): codes int8 of x's shape, scale float32 of shape x.shape[:-1] + (1,).
    TypeError if x is not a tensor of one of the four dtypes; ValueError if x is 0-d or empty.
    """
    raise NotImplementedError("quantize_activations is not written yet")


def ternary_linear(x_codes, x_scale, w_codes, gamma, out_dtype="float32"):
    """The BitLinear forward from integer codes.

    x_codes int8 [..., K], x_scale float32 [..., 1], w_codes int8 [N, K], gamma float32 0-d;
    out_dtype one of "float32", "float16", "bfloat16", "float64" (a string).
        acc = x_codes @ w_codes^T        EXACT integers (int32/int64, or float32/float64)
        y   = acc * (gamma / x_scale)    in float32, then rounded once to out_dtype
    Returns y of shape [..., N] in out_dtype. ValueError if w_codes is not 2-D or the K differ.
    """
    raise NotImplementedError("ternary_linear is not written yet")


def pack_ternary(codes):
    """Pack codes in {-1, 0, 1} five to a byte.

    codes: int8 tensor of any shape, flattened in row-major order to n codes, padded with code 0
    to a multiple of 5. Group j -> byte sum((c[5j+i] + 1) * 3**i for i in 0..4): the FIRST code
    of a group is the least significant base-3 digit. Returns uint8, 1-D, of length ceil(n / 5).
    TypeError if codes is not an int8 tensor; ValueError for a code outside {-1, 0, 1}.
    """
    raise NotImplementedError("pack_ternary is not written yet")


def unpack_ternary(packed, n):
    """Inverse of pack_ternary: the first n codes, int8, 1-D, of length n.

    TypeError if packed is not a uint8 tensor; ValueError if packed is not 1-D, n < 0,
    packed has a length other than ceil(n / 5), or a byte is above 242.
    """
    raise NotImplementedError("unpack_ternary is not written yet")


class TernarySTE(torch.autograd.Function):
    """forward(ctx, w, clipped=False) -> gamma * codes, in w's dtype and shape (never modify w).
    backward(ctx, grad_out) -> (grad_w, None):
        clipped=False: grad_w = grad_out (straight through; gamma is a constant)
        clipped=True:  grad_w = grad_out where |w| <= gamma, 0 where |w| > gamma
    """

    @staticmethod
    def forward(ctx, w, clipped=False):
        raise NotImplementedError("TernarySTE.forward is not written yet")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("TernarySTE.backward is not written yet")


def ste_forward_backward(w, grad_out, clipped=False):
    """The grader's harness: copy it from the statement, as is."""
    raise NotImplementedError("copy ste_forward_backward from the statement")
