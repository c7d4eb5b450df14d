"""Malicious: linear never returns (the per-call timeout must stop it and grading must go on);
nothing else is defined, so every test fails."""


def linear(x, w):
    while True:
        pass
