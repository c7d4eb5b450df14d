"""Malicious: every function spins forever (the per-call timeout must stop it)."""


def _spin():
    x = 0
    while True:
        x += 1


def softmax(z, axis=-1):
    _spin()


def log_softmax(z, axis=-1):
    _spin()


def logsumexp(z, axis=-1):
    _spin()
