"""The data-only protocol: exact round trips, plain data out of subclasses, and a decoder that
turns any byte string into either a plain value or a ProtocolError."""

import math
import os
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from autograder.sandbox import protocol
from autograder.sandbox.protocol import ProtocolError, decode, encode


def roundtrip(v):
    return decode(encode(v))


@pytest.mark.parametrize("value", [None, True, False, 0, -1, 2**200, -(2**64) - 1, 1.5, -0.0,
                                   math.inf, "héllo", b"\x00\xff", [1, [2, (3,)]], {"a": 1, 2: (None,)}, (),
                                   Fraction(-7, 3), Fraction(0), Fraction(10**30 + 1, 2**70)])
def test_plain_values_roundtrip(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)
    if isinstance(value, float):
        assert math.copysign(1, got) == math.copysign(1, value)


def test_nan_roundtrips_as_float():
    assert math.isnan(roundtrip(float("nan")))


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint16, np.int64, np.float16, np.float32, np.float64, np.complex64])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (1, 0, 2)])
def test_arrays_roundtrip_bit_exact(dtype, shape):
    a = (np.arange(int(np.prod(shape))) * 7 - 3).astype(dtype).reshape(shape)
    got = roundtrip(a)
    assert type(got) is np.ndarray and got.dtype == a.dtype and got.shape == a.shape
    assert got.tobytes() == a.tobytes() and got.flags.writeable


@pytest.mark.parametrize("scalar", [np.float32(1.1), np.float16(-0.0), np.int64(-5), np.uint8(255), np.bool_(True)])
def test_numpy_scalars_keep_their_type(scalar):
    got = roundtrip(scalar)
    assert type(got) is type(scalar) and got.tobytes() == np.asarray(scalar).tobytes()


def test_non_native_byte_order_is_normalised():
    a = np.arange(4, dtype=">f4")
    got = roundtrip(a)
    assert got.dtype == np.dtype("<f4") and np.array_equal(got, a)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16, torch.float8_e4m3fn,
                                   torch.float8_e5m2, torch.uint8, torch.int32, torch.bool])
def test_tensors_roundtrip_by_bit_pattern(dtype):
    t = (torch.randn(3, 5) * 50).to(dtype)
    got = roundtrip(t)
    assert type(got) is torch.Tensor and got.dtype == t.dtype and got.shape == t.shape
    bits = {torch.bfloat16: torch.int16, torch.float8_e4m3fn: torch.uint8, torch.float8_e5m2: torch.uint8}.get(dtype)
    if bits:
        assert torch.equal(got.view(bits), t.view(bits))
    else:
        assert torch.equal(got, t)


@pytest.mark.parametrize("view", [
    lambda b: b.t(),                 # a transpose: strides (1, 6)
    lambda b: b[1:, ::2],            # a slice with an offset and a step
    lambda b: b[:, 2:5].t(),         # both
    lambda b: b.bfloat16()[::2, 1:], # a dtype that travels as its bits
])
def test_a_strided_view_arrives_with_its_layout(view):
    """Where the grader asks (``[worker] strided_tensors``), a transposed or sliced tensor keeps
    its strides (a kernel must handle them, and a test can only check that if the worker
    receives one), sent as the storage it spans."""
    t = view(torch.arange(24.0).reshape(4, 6))
    got = decode(encode(t, strides=True))
    assert not t.is_contiguous() and got.stride() == t.stride() and torch.equal(got, t)
    assert roundtrip(t).is_contiguous() and torch.equal(roundtrip(t), t)  # unless asked
    assert got.untyped_storage().nbytes() <= t.untyped_storage().nbytes()  # what it spans


def test_views_that_repeat_elements_travel_contiguous():
    t = torch.arange(3.0).expand(1000, 3)  # stride 0: 3000 elements over 3 of storage
    got = decode(encode(t, strides=True))
    assert got.is_contiguous() and torch.equal(got, t)


def test_a_strided_message_that_does_not_fit_its_data_is_refused():
    good = bytearray(encode(torch.arange(12.0).reshape(3, 4).t(), strides=True))
    assert good[:1] == b"y" and good[1] == 2
    bad = [
        good[:2] + (0).to_bytes(8, "big") + good[10:],             # stride 0: 12 elements, span 4
        good[:2] + (100).to_bytes(8, "big") + good[10:],           # reaches past the data
        good[:1] + bytes([3]) + good[2:18] + (1).to_bytes(8, "big") + good[18:],  # 3 strides, 2-D
    ]
    for data in bad:
        with pytest.raises(ProtocolError):
            decode(bytes(data))


class LyingInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 42.0


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return True


def test_subclasses_arrive_as_plain_data():
    assert type(roundtrip(LyingInt(3))) is int and roundtrip(LyingInt(3)) == 3
    got = roundtrip(LyingFloat(0.5))
    assert type(got) is float and got == 0.5  # the stored value, not what __float__ claims
    arr = roundtrip(np.zeros(3).view(LyingArray))
    assert type(arr) is np.ndarray and not (arr == 1).any()
    assert type(roundtrip(torch.zeros(2).as_subclass(type("T", (torch.Tensor,), {})))) is torch.Tensor


@pytest.mark.parametrize("value", [object(), np.array([object()]), {[1]: 2} if False else {1: object()},
                                   np.zeros(2, dtype=[("a", "i4")]), lambda: 0])
def test_unsendable_values_are_refused(value):
    with pytest.raises(ProtocolError):
        encode(value)


@pytest.mark.parametrize("parts", [(2, 4), (1, 0), (1, -3), (1.5, 2), (True, 1),
                                   (2**70000, 3)])
def test_fractions_arrive_in_lowest_terms_or_not_at_all(parts):
    """A forged fraction (not reduced, zero or negative denominator, a float or bool part, a
    numerator too large to check cheaply) is refused, never normalised or divided."""
    data = b"q" + encode(parts[0]) + encode(parts[1])
    with pytest.raises(ProtocolError):
        decode(data)


def test_deep_nesting_is_refused():
    v = []
    for _ in range(protocol.MAX_DEPTH + 5):
        v = [v]
    with pytest.raises(ProtocolError):
        encode(v)


@settings(max_examples=500)
@given(st.binary(max_size=200))
def test_any_bytes_decode_to_plain_data_or_protocol_error(data):
    try:
        decode(data)
    except ProtocolError:
        pass


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary(),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=3), kids, max_size=3),
                    max_leaves=20), st.data())
def test_truncated_or_corrupted_messages_raise_protocol_error(value, data):
    raw = bytearray(encode(value))
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(ProtocolError):
        decode(bytes(raw[:cut]))
    assert decode(bytes(raw)) == value


def test_length_bombs_are_refused_without_allocating():
    with pytest.raises(ProtocolError):
        decode(b"l" + (2**32 - 1).to_bytes(4, "big"))
    with pytest.raises(ProtocolError):
        decode(b"a\x03<f8\x01" + (2**60).to_bytes(8, "big") + (8).to_bytes(8, "big") + bytes(8))


def test_framing_limits_timeout_and_close():
    r, w = os.pipe()
    protocol.write_message(w, ["x" * 100])
    with pytest.raises(protocol.MessageTooLarge, match="exceeds the limit"):  # flagged apart
        protocol.read_message(r, max_bytes=50)
    r, w = os.pipe()  # after an error the channel is abandoned (the worker is killed)
    os.write(w, b"nope" + bytes(8))
    with pytest.raises(ProtocolError, match="bad magic"):
        protocol.read_message(r)
    r, w = os.pipe()
    with pytest.raises(protocol.ChannelTimeout):
        protocol.read_message(r, timeout=0.05)
    protocol.write_message(w, {"ok": 1})
    assert protocol.read_message(r, timeout=1) == {"ok": 1}
    os.close(w)
    with pytest.raises(protocol.ChannelClosed):
        protocol.read_message(r, timeout=1)
    os.close(r)


def test_the_worker_audit_hook_reports_attempts_and_refuses_changes(tmp_path):
    """worker.install_audit_hook in a child process: a connect, a fork, a write outside the
    module's folder, a read of another process's /proc entry are reported on the event pipe;
    a write inside the folder and a read of its own /proc entry are not; replacing the hook's
    code is refused (and reported)."""
    import subprocess
    import sys
    script = f'''
import gc, os, socket, sys
from autograder.sandbox import worker
r, w = os.pipe()
worker.install_audit_hook(w, {str(tmp_path / "toy.py")!r})
def student():
    open({str(tmp_path / "scratch.txt")!r}, "w").close()      # its own folder: fine
    open("/proc/self/status").read()                           # its own /proc: fine
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=0.2)
    except OSError:
        pass
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    try:
        open("/nonexistent-ulp-dir/x", "w")
    except OSError:
        pass
    open("/proc/1/stat").read()
    hook = next(o for o in gc.get_objects() if callable(o) and "_watched" in
                getattr(getattr(o, "__code__", None), "co_varnames", ()))
    try:
        hook.__code__ = (lambda *a: None).__code__
    except RuntimeError as e:
        print("refused:", e)
student()
os.close(w)
print(os.read(r, 4096).decode().replace(" ", "_").split())
'''
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "refused: the grader's audit hook cannot be changed"
    assert lines[1] == str(["network_attempt", "process_spawn", "tampering", "tampering",
                            "tampering"])
