"""Malicious (or just broken): every function spins forever, and so does reading the hand
answers; the per-call timeout must stop each and grading must go on."""


def _spin():
    n = 0
    while True:
        n += 1


def __getattr__(name):          # HAND_V / HAND_W: module attribute reads spin too
    if name.startswith("HAND_"):
        _spin()
    raise AttributeError(name)


def encode_e4m3fn(x, saturate=False):
    _spin()


def decode_e4m3fn(code):
    _spin()


def encode_e5m2(x, saturate=False):
    _spin()


def decode_e5m2(code):
    _spin()


def encode_fp16(x):
    _spin()


def decode_fp16(code):
    _spin()


def encode_bf16(x):
    _spin()


def decode_bf16(code):
    _spin()


def format_info(exp_bits, man_bits, nan_style):
    _spin()


def which_formats_hold(x):
    _spin()
