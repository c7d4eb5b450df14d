"""Malicious: never returns from pack_int4 (the per-call timeout must stop it, and the run must
go on); the other functions are not written."""


def pack_int4(codes):
    while True:
        pass


def unpack_int4(packed):
    raise NotImplementedError


def quantize_int4(w, group_size=128, symmetric=False):
    raise NotImplementedError


def dequantize_int4(packed, scale, zero, group_size=128):
    raise NotImplementedError


def int4_linear(x, packed, scale, zero, group_size=128):
    raise NotImplementedError
