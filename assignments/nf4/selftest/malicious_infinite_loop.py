"""Malicious: nf_codebook never returns (the per-call timeout must stop it, and the run must go
on); the other functions are not written and the hand part is left at zero."""
HAND_BITS_PLAIN = 0.0
HAND_BITS_DQ = 0.0
HAND_BYTES_SAVED = 0


def nf_codebook(bits=4):
    while True:
        pass


def _missing(*args, **kwargs):
    raise NotImplementedError


nearest_code = quantize_blockwise = dequantize_blockwise = _missing
pack_nibbles = unpack_nibbles = double_quantize = double_dequantize = _missing
