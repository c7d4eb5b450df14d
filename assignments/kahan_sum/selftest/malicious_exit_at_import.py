"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)


def naive_sum(x):
    return x


kahan_sum = neumaier_sum = naive_sum
