"""Malicious (or just broken): every function spins forever; the per-call timeout must stop it
and grading must go on. No hand answers."""


def _spin():
    n = 0
    while True:
        n += 1


def encode_fp32(x):
    _spin()


def decode_fp32(bits):
    _spin()


def fp32_fields(x):
    _spin()


def encode_float(x, exp_bits, man_bits):
    _spin()


def decode_float(bits, exp_bits, man_bits):
    _spin()
