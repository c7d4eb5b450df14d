"""Malicious: every function spins forever (the hand part is left wrong)."""
HAND_SQNR_DB = 0.0


def sqnr_db(*args, **kwargs):
    while True:
        pass


theoretical_sqnr_db = lloyd_max = fwht = crest_factor = sqnr_db
rotated_quantize = layer_errors = most_sensitive_layer = sqnr_db
