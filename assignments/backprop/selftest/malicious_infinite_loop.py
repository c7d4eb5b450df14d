"""Malicious: every function spins forever (the hand part is left wrong)."""
HAND_DL_DW = 0.0
HAND_NEW_W = 0.0


def neuron_step(*args, **kwargs):
    while True:
        pass


gelu = gelu_grad = softmax_cross_entropy = mlp_forward = mlp_backward = neuron_step
