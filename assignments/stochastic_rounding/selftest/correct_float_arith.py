"""Correct, without bit patterns: exact float64 arithmetic. frexp gives the exponent, the BF16
ulp is a power of two, |x| / ulp splits into its integer part k and the fraction d / 65536 (all
exact in float64), and the result is (k + up) * ulp with x's sign."""
import numpy as np

HAND_RNE = 2.5
HAND_SR_UP_COUNT = 48339


def _split(x):
    """(a, ulp, k, d) for the float32 array x, in float64 (exact)."""
    a = np.abs(x.astype(np.float64))
    finite = np.isfinite(a)
    a0 = np.where(finite, a, 1.0)
    _, e = np.frexp(a0)                          # a0 = m * 2**e, 0.5 <= m < 1
    e = np.maximum(e - 1, -126)                  # 2**e <= |x| (or the subnormal range)
    ulp = np.ldexp(1.0, e - 7)
    q = a0 / ulp
    k = np.floor(q)
    d = (q - k) * 65536.0
    return finite, ulp, k, d


def _assemble(x, finite, ulp, k, up):
    mag = (k + up) * ulp
    with np.errstate(over="ignore"):
        out = np.copysign(mag, x.astype(np.float64)).astype(np.float32)   # 2**128 -> inf
    return np.where(finite, out, x).astype(np.float32)        # NaN and ±inf unchanged


def round_bf16_rne(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be a float32 ndarray")
    finite, ulp, k, d = _split(x)
    up = (d > 32768) | ((d == 32768) & (np.mod(k, 2) == 1))
    return _assemble(x, finite, ulp, k, up)


def round_bf16_sr(x, r):
    if not isinstance(x, np.ndarray) or x.dtype != np.float32:
        raise TypeError("x must be a float32 ndarray")
    if not isinstance(r, np.ndarray) or r.dtype != np.uint16:
        raise TypeError("r must be a uint16 ndarray")
    if x.shape != r.shape:
        raise ValueError("x and r must have the same shape")
    finite, ulp, k, d = _split(x)
    up = r.astype(np.float64) < d
    return _assemble(x, finite, ulp, k, up)


def sr_up_count(x):
    if type(x) is not np.float32:
        raise TypeError("x must be a numpy.float32")
    finite, _, _, d = _split(np.array([x]))
    return int(d[0]) if finite[0] else 0


def sgd_bf16(w0, updates, random_bits, mode):
    if mode not in ("rne", "sr"):
        raise ValueError("mode must be 'rne' or 'sr'")
    w = np.array([w0], dtype=np.float32)
    if not np.isfinite(w[0]) or round_bf16_rne(w)[0] != w[0]:
        raise ValueError("w0 must be a finite BF16 value")
    n = len(updates)
    if mode == "sr":
        if random_bits is None or len(random_bits) != n:
            raise ValueError("mode 'sr' needs one random value per update")
        r = np.asarray(random_bits, dtype=np.uint16)
    traj = np.empty(n + 1, dtype=np.float32)
    traj[0] = w[0]
    for k in range(n):
        s = w + updates[k:k + 1]                   # float32 + float32 arrays: float32
        w = round_bf16_rne(s) if mode == "rne" else round_bf16_sr(s, r[k:k + 1])
        traj[k + 1] = w[0]
    return traj
