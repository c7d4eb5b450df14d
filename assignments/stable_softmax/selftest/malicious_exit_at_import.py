"""Malicious: exits the worker process as soon as it is imported (status 0, as if all went well)."""
import os

os._exit(0)


def softmax(z, axis=-1):
    return z


def log_softmax(z, axis=-1):
    return z


def logsumexp(z, axis=-1):
    return z
