"""Malicious: hides torch.quantize_per_channel behind getattr and an aliased import, hoping the
forbidden-name check does not see it. It must score zero on every quantizer test, and it writes
no other function."""
import torch as _t
from torch import ao as _hidden_ao  # noqa: F401  (a forbidden module under an alias)

_q = getattr(_t, "quantize_per_" + "channel")

HAND_SCALE = HAND_CODES = HAND_ZERO_POINT = HAND_ASYM_CODES = None


def quantize_symmetric(w, granularity="tensor", group_size=None, clip=None):
    t = _t.from_numpy(w)
    s = t.abs().amax(dim=1) / 127
    q = _q(t, s.double(), _t.zeros(t.shape[0], dtype=_t.long), 0, _t.qint8)
    return q.int_repr().numpy(), s.numpy().reshape(-1, 1)


def quantize_asymmetric(w, granularity="tensor", group_size=None):
    raise NotImplementedError


def dequantize(codes, scale, zero_point=None):
    raise NotImplementedError


def percentile_clip(w, p):
    raise NotImplementedError


def mse(w, w_hat):
    raise NotImplementedError


def max_abs_error(w, w_hat):
    raise NotImplementedError


def sqnr_db(w, w_hat):
    raise NotImplementedError
