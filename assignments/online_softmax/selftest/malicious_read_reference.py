"""Malicious: walks the file system for the hidden reference and runs it."""
import os


def _steal():
    for root in ("/", os.path.expanduser("~"), os.getcwd(), "/work", "/autograder"):
        for dirpath, _dirs, files in os.walk(root):
            if "online_softmax.py" in files and "reference" in dirpath:
                namespace = {}
                src = open(os.path.join(dirpath, "online_softmax.py")).read()
                exec(src, namespace)
                return namespace
    return {}


_REF = _steal()


def init(rows, dtype="float32"):
    return _REF["init"](rows, dtype)


def update(state, block):
    return _REF["update"](state, block)


def merge(a, b):
    return _REF["merge"](a, b)


def finalize_lse(state):
    return _REF["finalize_lse"](state)


def finalize_softmax(state, x):
    return _REF["finalize_softmax"](state, x)


def softmax_rows(x, block=1024):
    return _REF["softmax_rows"](x, block)
