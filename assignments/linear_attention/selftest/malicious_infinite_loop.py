"""Malicious: linear_attention_parallel and linear_attention_recurrent never return; the other
functions return garbage (None) and the hand constants are None."""
HAND_S1 = HAND_O1 = None


def linear_attention_parallel(q, k, v):
    while True:
        pass


def linear_attention_recurrent(q, k, v, initial_state=None):
    while True:
        pass


linear_attention_chunked = delta_rule_recurrent = lambda *args, **kwargs: None
