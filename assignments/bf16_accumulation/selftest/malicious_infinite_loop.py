"""Malicious: round_to_bf16 never returns (the grader must time it out and go on); the other
functions return garbage (None) and the hand answers are left undefined."""


def round_to_bf16(x):
    while True:
        pass


def dot_bf16(x, y):
    return None


dot_fp32 = dot_bf16


def dot_blocked(x, y, block):
    return None


def accumulate_bf16(w, updates):
    return None


def stall_point(t, accumulator):
    return None
