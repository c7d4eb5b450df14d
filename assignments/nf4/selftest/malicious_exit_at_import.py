"""Malicious: exits the worker while being imported, hoping the grader counts that as a pass."""
import os

os._exit(0)


def nf_codebook(bits=4):
    return None
