"""Wrong everything: plausible but wrong values from every function and constant (no input
checks either). Must score exactly zero."""

HAND_INT4_BYTES = 6_500_000_000            # forgot the scales and zeros
HAND_INT4_GIB = 6.5                        # GB, not GiB, and without the scales
HAND_TRAIN_BYTES = 26_000_000_000          # BF16 weights only
HAND_TRAIN_GB = 24.21                      # that in GiB


def weight_bytes(n_params, dtype, group_size=128):
    return 4 * n_params                    # always fp32


def training_bytes(n_params, optimizer="adam", n_gpus=1, zero_stage=0):
    return 12 * n_params                   # no master copy, no sharding


def matmul_intensity(m, k, n, dtype):
    return (m * k * n, m * k + k * n)      # FLOPs not doubled, output not counted, unreduced


def attention_intensity(phase, batch, seq_len, n_heads, n_kv_heads, head_dim, dtype):
    return (seq_len, 1)


def elementwise_intensity(n_inputs, flops_per_element, dtype):
    return (flops_per_element, n_inputs)


def roofline(intensity, device):
    return (989, 1), (295, 1), "memory"


def decode_tokens_per_s(n_params, model_bytes, device, batch=1):
    return (3350, model_bytes)


def energy_pj(counts):
    return (len(counts), 1)
