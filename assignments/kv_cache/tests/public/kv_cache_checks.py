"""Assertions with messages a student can act on, shared by the kv_cache tests."""

from __future__ import annotations

from kv_cache_strategies import arch_bytes, show_config


def call_text(fn: str, *args) -> str:
    shown = []
    for a in args:
        if isinstance(a, dict):
            shown.append(show_config(a))
        elif type(a).__module__ == "numpy":
            shown.append(f"np.{type(a).__name__}({int(a)})")
        else:
            shown.append(repr(a))
    return f"{fn}({', '.join(shown)})"


def assert_int(call: str, got) -> None:
    assert type(got) is int, (
        f"{call} returned {type(got).__name__} {got!r}: the answer must be a Python int "
        "(convert NumPy integers with int(...) before computing; never go through float)"
    )


def _hint(got: int, want: int) -> str:
    if want and 2 * got == want:
        return " (exactly half the answer: are both K and V counted?)"
    if got == want - 1:
        return " (one byte short: a total of half bytes rounds UP to whole bytes)"
    if want > 2**53 and abs(got - want) <= want // 2**40:
        return (
            " (almost right: beyond 2**53 floats cannot hold every integer; "
            "compute with Python ints only, e.g. count bits and divide by 8 with //)"
        )
    if want >= 2**63:
        return (
            " (the exact answer is beyond 2**63, where NumPy int64 arithmetic wraps around and floats "
            "are far from exact: convert every count with int(...) and compute with Python ints)"
        )
    return ""


def assert_bytes(call: str, got, want: int) -> None:
    assert_int(call, got)
    assert got == want, f"{call} = {got:,}, expected {want:,}{_hint(got, want)}"


def assert_max_seq_len(call: str, got, arch, memory, batch, dtype, weight) -> None:
    """got is the largest S >= 1 with weight + cache(S) <= memory, or 0 when there is none."""
    assert_int(call, got)
    assert got >= 0, f"{call} = {got}: a length is never negative (0 when not even one token fits)"
    used = weight + arch_bytes(arch, got, batch, dtype)
    assert got == 0 or used <= memory, (
        f"{call} = {got:,}, but {got:,} tokens do not fit: weight_bytes + cache = "
        f"{weight:,} + {used - weight:,} = {used:,} > memory_bytes {memory:,}"
    )
    more = weight + arch_bytes(arch, got + 1, batch, dtype)
    assert more > memory, (
        f"{call} = {got:,}, but {got + 1:,} tokens fit too: weight_bytes + cache = "
        f"{weight:,} + {more - weight:,} = {more:,} <= memory_bytes {memory:,}"
    )
