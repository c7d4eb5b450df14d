"""Malicious: weight_bytes never returns; every other function and constant is garbage (None)."""
HAND_INT4_BYTES = HAND_INT4_GIB = HAND_TRAIN_BYTES = HAND_TRAIN_GB = None


def weight_bytes(n_params, dtype, group_size=128):
    while True:
        pass


def training_bytes(*args, **kwargs):
    while True:
        n = 1
        n += 1


matmul_intensity = attention_intensity = elementwise_intensity = roofline = \
    decode_tokens_per_s = energy_pj = lambda *args, **kwargs: None
