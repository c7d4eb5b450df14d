"""Malicious: returns objects that claim to equal everything and to be below every bound: int
and float subclasses, and tensor subclasses whose comparisons are always True."""
import torch


class LiarInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class LiarFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __le__(self, other):
        return True

    def __ge__(self, other):
        return True

    __hash__ = float.__hash__


class LiarTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def __le__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def __ge__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)


class LiarBool(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


HAND_SCALES = tuple(LiarFloat(1.0) for _ in range(10))
HAND_TRACKER = LiarInt(0)
HAND_STEP_OUTSIDE = HAND_STEP_INSIDE = HAND_STEP_FLUSHED = LiarFloat(1e-3)


def _liar(shape, dtype):
    return torch.zeros(shape, dtype=dtype).as_subclass(LiarTensor)


def unscale_grads(grads, scale):
    return [_liar(g.shape, torch.float32) for g in grads], LiarBool(0)


def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    return LiarFloat(1.0), LiarInt(0)


def master_weights_run(w0, updates):
    return _liar(w0.shape, torch.float32), _liar(w0.shape, torch.bfloat16)


def bf16_direct_run(w0, updates):
    return _liar(w0.shape, torch.bfloat16)


def adam_step(param, grad, m, v, t, *args):
    return _liar(param.shape, torch.float32), _liar(m.shape, m.dtype), _liar(v.shape, v.dtype)
