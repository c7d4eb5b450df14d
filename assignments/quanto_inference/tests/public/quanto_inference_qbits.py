"""qint4 weights packed by optimum-quanto, for the decode_qint4 tests.

``QBitsCase(out, in, seed, kind)`` draws an (out, in) float32 weight (``kind``: "gauss",
"zero_rows", "constant_rows", "outliers"), quantizes it with quanto (``quantize(nn.Sequential(linear),
weights=qint4); freeze``, the way quanto quantizes TinyNet's layers) and keeps quanto's
WeightQBitsTensor. ``args()`` gives what decode_qint4 receives: the packed uint8 data, the float32
scale and shift (shape (R, 1)), the group size (None: one group per row) and the shape.
``check_decode`` compares an answer with scale * q - shift computed exactly from quanto's own
codes, and with quanto's dequantize().
"""

from __future__ import annotations

import torch
from hypothesis import strategies as st
import quanto_inference_setup  # noqa: F401  (quanto's int4 unpack without a C++ build)

from autograder.testing import observe

U = 2.0 ** -24
QB_KINDS = ("gauss", "zero_rows", "constant_rows", "outliers")
OUTS = [2, 3, 4, 5, 7, 8, 16, 33, 64]
INS = [16, 64, 100, 128, 129, 160, 192, 200, 224, 256, 320, 384]


class QBitsCase:
    def __init__(self, out_f: int, in_f: int, seed: int, kind: str = "gauss"):
        self.out_f, self.in_f, self.seed, self.kind = out_f, in_f, seed, kind
        from optimum.quanto import freeze, qint4, quantize
        g = torch.Generator().manual_seed(seed)
        w = torch.randn(out_f, in_f, generator=g) * 0.05
        if kind == "zero_rows":
            w[::2] = 0
        elif kind == "constant_rows":
            w[1::2] = torch.randn(out_f, 1, generator=g)[1::2]
        elif kind == "outliers":
            w.view(-1)[torch.randint(0, w.numel(), (3,), generator=g)] = 2.0
        lin = torch.nn.Linear(in_f, out_f)
        with torch.no_grad():
            lin.weight.copy_(w)
        net = torch.nn.Sequential(lin)
        quantize(net, weights=qint4)
        freeze(net)
        self.q = net[0].weight

    def args(self):
        q = self.q
        return (q._data._data.clone(), q._scale.clone(), q._shift.clone(), q._group_size,
                (self.out_f, self.in_f))

    def __repr__(self):
        return f"QBitsCase({self.out_f}, {self.in_f}, {self.seed}, {self.kind!r})"


def qbits_cases():
    return st.builds(QBitsCase, out_f=st.sampled_from(OUTS), in_f=st.sampled_from(INS),
                     seed=st.integers(0, 10 ** 6), kind=st.sampled_from(QB_KINDS))


def exact_weights(data, scale, shift, group_size, shape):
    """scale * q - shift in float64 (exact: a float32 times a 4-bit code has <= 28 bits; the
    difference is then rounded once to float64), from quanto's own unpacking of the codes."""
    from optimum.quanto.tensor.packed import PackedTensor
    out_f, in_f = shape
    cols = in_f if group_size is None else group_size
    rows = out_f * in_f // cols
    codes = PackedTensor(data, 4, torch.Size((rows, cols)), (cols, 1)).unpack()
    w = scale.double() * codes.double() - shift.double()
    return w.reshape(shape), (scale.double() * codes.double()).reshape(shape)


def check_decode(case: QBitsCase, got) -> None:
    call = f"decode_qint4(*{case!r}.args())"
    args = case.args()
    shape = args[4]
    assert isinstance(got, torch.Tensor), f"{call} must return a torch.Tensor, got {type(got).__name__}"
    assert got.dtype == torch.float32, f"{call} must return float32, got {got.dtype}"
    assert tuple(got.shape) == shape, f"{call} must have shape {shape}, got {tuple(got.shape)}"
    want, sq = exact_weights(*args)
    quanto = case.q.dequantize().double()
    tol = U * (sq.abs() * (1 + U) + want.abs()) + 2.0 ** -52 * want.abs()
    err = (got.double() - want).abs()
    bad = ~(err <= tol)
    worst = int(torch.argmax(torch.where(bad, err, torch.zeros_like(err)).reshape(-1)))
    observe(float(err.reshape(-1)[worst]), float(tol.reshape(-1)[worst]),
            label="decode_qint4: |w - (scale·q - shift)| vs u·(|scale·q| + |w|)")
    if bad.any():
        r, c = divmod(worst, shape[1])
        cols = shape[1] if args[3] is None else args[3]
        g, j = divmod(worst, cols)
        raise AssertionError(
            f"{call}: weight [{r}, {c}] = {float(got[r, c])!r}, but quanto's dequantize() gives "
            f"{float(quanto[r, c])!r} (scale·q - shift = {float(want[r, c])!r}; error "
            f"{float(err[r, c]):.3g} > tolerance {float(tol[r, c]):.3g}); {int(bad.sum())} of "
            f"{bad.numel()} weights are wrong. That weight is column {j} of group {g} "
            f"(group size {args[3]}); R = {shape[0] * shape[1] // cols} groups, so its code is "
            f"the {'low' if g < (shape[0] * shape[1] // cols + 1) // 2 else 'high'} nibble of "
            f"packed row {g % ((shape[0] * shape[1] // cols + 1) // 2)}")


def hand_answers(v):
    """(HAND_LOW, HAND_HIGH, HAND_LOW_POS, HAND_HIGH_POS) for the hand part's values v: the
    byte at packed row i, column j holds grouped row i (low nibble) and row i + ceil(R/2) (high
    nibble), column j; grouped row g, column j is flat index g*C + j of the (out, in) weight."""
    cols = v["inf"] if v["group"] is None else v["group"]
    half = (v["out"] * v["inf"] // cols + 1) // 2
    lo, hi = v["byte"] & 0x0F, v["byte"] >> 4
    low = v["scale_lo"] * lo - v["shift_lo"]
    high = v["scale_hi"] * hi - v["shift_hi"]
    pos_lo = divmod(v["i"] * cols + v["j"], v["inf"])
    pos_hi = divmod((v["i"] + half) * cols + v["j"], v["inf"])
    return float(low), float(high), pos_lo, pos_hi
