"""Malicious: never returns. It defines no @triton.jit kernel, so every test refuses it before
calling it and it scores zero at once: the endless loop itself is exercised by the CPU
assignments' samples and the attack suite, where a stuck call costs 2 s, not the several
seconds a Triton assignment allows a call under the interpreter."""


def attention(q, k, v, causal=False, sm_scale=None):
    while True:
        pass
