"""Per-student values for mixed_precision's hand part.

Part A: a GradScaler run worked on paper: init_scale = 2**k (k in 8..16), growth_factor 2,
backoff_factor 0.5, growth_interval 2 or 3, and ten found_inf flags with at least two infs and at
least one growth. Every scale is a power of two, so the answers are exact.

Part B: one Adam step size with eps outside the square root, inside it, and with v-hat flushed
to zero: lr in {5e-4, 1e-3, 2e-3}, m_hat = a * 1e-5, sqrt(v_hat) = b * 1e-5 (a, b in 1..9) and
eps in {1e-6, 1e-5, 1e-4, 1e-3}. The answers are asked to 3 significant digits; a draw whose
exact value lies within 1e-9 (relative) of a rounding boundary of the third digit (a tie such as
2.125e-4 included) is drawn again, so the rounding is never in doubt.
"""

from decimal import Decimal, getcontext

DEFAULTS = {
    "init_scale": 32768.0, "growth_interval": 3,
    "flags": [False, False, True, False, False, False, True, True, False, False],
    "lr": 1e-3, "m_hat": 3e-5, "sqrt_v_hat": 2e-5, "eps": 1e-4,
}


def scaler_run(init_scale, growth_interval, flags):
    """The scales after each update and the final growth tracker (factors 2 and 1/2: exact)."""
    scale, tracker, scales = float(init_scale), 0, []
    for found in flags:
        if found:
            scale, tracker = scale / 2, 0
        else:
            tracker += 1
            if tracker == growth_interval:
                scale, tracker = scale * 2, 0
        scales.append(scale)
    return tuple(scales), tracker


def _dec(x):
    return Decimal(repr(x))


def exact_steps(lr, m_hat, sqrt_v_hat, eps):
    """(outside, inside, flushed) as 40-digit Decimals from the decimal values as written."""
    getcontext().prec = 40
    lr, m, s, e = _dec(lr), _dec(m_hat), _dec(sqrt_v_hat), _dec(eps)
    return lr * m / (s + e), lr * m / (s * s + e).sqrt(), lr * m / e


def three_digits(d):
    """A Decimal rounded to 3 significant digits, as the Python float of that decimal."""
    return float(format(d, ".2e"))


def hand_steps(lr, m_hat, sqrt_v_hat, eps):
    return tuple(three_digits(d) for d in exact_steps(lr, m_hat, sqrt_v_hat, eps))


def _safe(d):
    # distance of d from the nearest rounding boundary of its third significant digit
    getcontext().prec = 40
    exp = d.adjusted()                     # d = x.yz... * 10**exp
    scaled = d.scaleb(2 - exp)             # 100 <= scaled < 1000
    frac = scaled - int(scaled)
    return abs(frac - Decimal("0.5")) > Decimal("1e-9") * scaled


def draw(rng):
    while True:
        k = rng.randint(8, 16)
        gi = rng.choice([2, 3])
        flags = [rng.random() < 0.3 for _ in range(10)]
        scales, _ = scaler_run(2.0 ** k, gi, flags)
        prev = [2.0 ** k] + list(scales[:-1])
        grew = any(s > p for s, p in zip(scales, prev))
        if sum(flags) >= 2 and grew:
            break
    while True:
        lr = rng.choice([5e-4, 1e-3, 2e-3])
        m_hat = float(f"{rng.randint(1, 9)}e-5")
        s = float(f"{rng.randint(1, 9)}e-5")
        eps = rng.choice([1e-6, 1e-5, 1e-4, 1e-3])
        if all(_safe(d) for d in exact_steps(lr, m_hat, s, eps)):
            break
    return {"init_scale": 2.0 ** k, "growth_interval": gi, "flags": flags,
            "lr": lr, "m_hat": m_hat, "sqrt_v_hat": s, "eps": eps}
