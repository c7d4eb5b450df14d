"""Malicious: never returns from round_bf16_rne (the per-call timeout must stop it, and the run
must go on); sgd_bf16 calls it; the other functions and the hand answers are not written."""


def round_bf16_rne(x):
    while True:
        pass


def round_bf16_sr(x, r):
    raise NotImplementedError


def sr_up_count(x):
    raise NotImplementedError


def sgd_bf16(w0, updates, random_bits, mode):
    return round_bf16_rne(updates)
