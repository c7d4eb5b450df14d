"""Malicious: exits the worker with status 0 as soon as it is imported."""
import os

os._exit(0)

HAND_SQNR_DB = 61.97


def sqnr_db(x, x_hat):
    return 0.0


theoretical_sqnr_db = lloyd_max = fwht = crest_factor = sqnr_db
rotated_quantize = layer_errors = most_sensitive_layer = sqnr_db
