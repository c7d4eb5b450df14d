"""The data-only message protocol between the grader and the worker that runs student code.

Why not pickle: unpickling runs code chosen by whoever wrote the bytes, and the worker is
student code. Here every message is a tree of plain values, and decoding only ever builds
None, bool, int, float, str, bytes, list, tuple, dict, ``fractions.Fraction`` (for exact
answers), NumPy arrays and scalars, and torch tensors (by dtype name, shape and raw bytes; bf16
and fp8 travel as their bit patterns; where the grader asks, a transposed or sliced view as its
strides and the storage it spans, so a kernel meets the layout the test gave it).
The decoder trusts nothing it reads: every length is bounded, every dtype is from a fixed list,
and any inconsistency raises :class:`ProtocolError`.

Framing: a message is ``MAGIC`` (4 bytes), the payload length (8 bytes, big-endian), then the
payload, one encoded value.
"""

from __future__ import annotations

import math
import os
import select
import struct
import sys
import time
from fractions import Fraction

import numpy as np

from autograder.errors import ChannelClosed, ChannelTimeout, MessageTooLarge, ProtocolError

MAGIC = b"ulp1"
HEADER = struct.Struct(">4sQ")
MAX_DEPTH = 64
MAX_NDIM = 32
MAX_ITEMS = 1_000_000  # values in one message (an array counts as one): decoding stays cheap
MAX_FRACTION_BITS = 65536  # numerator and denominator each: their gcd stays cheap to check
DEFAULT_MAX_MESSAGE = 256 * 2**20

# NumPy dtypes that may cross (by their canonical little-endian string).
NUMPY_DTYPES = {
    np.dtype(t).str: np.dtype(t)
    for t in [
        np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
        np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128,
    ]
}
# torch dtype name -> NumPy dtype that carries its bits.
TORCH_DTYPES = {
    "bool": "|b1", "int8": "|i1", "int16": "<i2", "int32": "<i4", "int64": "<i8",
    "uint8": "|u1", "uint16": "<u2", "uint32": "<u4", "uint64": "<u8",
    "float16": "<f2", "float32": "<f4", "float64": "<f8",
    "complex64": "<c8", "complex128": "<c16",
    "bfloat16": "<u2", "float8_e4m3fn": "|u1", "float8_e5m2": "|u1",
    "float8_e4m3fnuz": "|u1", "float8_e5m2fnuz": "|u1",
}
# torch dtypes whose bits are carried as unsigned ints, not as a NumPy float of the same kind.
TORCH_BIT_VIEWS = {"bfloat16": "int16", "float8_e4m3fn": "uint8", "float8_e5m2": "uint8",
                   "float8_e4m3fnuz": "uint8", "float8_e5m2fnuz": "uint8"}


# ---------------------------------------------------------------------------------------- encode

def encode(value, *, strides: bool = False) -> bytes:
    """Encode a tree of plain values. Subclasses are reduced to their base type's value. A torch
    tensor travels contiguous, or with ``strides`` as the strided view it is (a transpose
    arrives transposed), when it does not repeat elements."""
    out = bytearray()
    _encode(value, out, 0, strides)
    return bytes(out)


_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_F64 = struct.Struct(">d")
_u32 = _U32.pack
_TAGS = tuple(bytes([i]) for i in range(256))  # a message's type byte, without a new bytes each


def _encode(v, out: bytearray, depth: int, strides: bool) -> None:
    if depth > MAX_DEPTH:
        raise ProtocolError("value is nested too deeply to send")
    t = type(v)
    # The plain built-in types first (most of a call's values); a subclass of one of them is
    # reduced to its plain value below (its own methods never run) and comes back here.
    if t is float:
        out += b"f" + _F64.pack(v)
    elif t is int:
        size = (v.bit_length() + 8) // 8
        out += b"i" + _u32(size) + v.to_bytes(size, "big", signed=True)
    elif t is str:
        data = v.encode("utf-8", "surrogatepass")
        out += b"s" + _u32(len(data)) + data
    elif t is list or t is tuple:
        items = v if t is tuple else v[:]  # a copy: the count written is the count sent
        out += (b"l" if t is list else b"t") + _u32(len(items))
        for item in items:
            _encode(item, out, depth + 1, strides)
    elif v is None:
        out += b"N"
    elif t is bool:
        out += b"T" if bool(v) else b"F"
    elif isinstance(v, np.generic):
        _encode_numpy_scalar(v, out)
    elif isinstance(v, int):
        _encode(int.__int__(v), out, depth, strides)
    elif isinstance(v, float):
        _encode(float.__float__(v), out, depth, strides)
    elif isinstance(v, Fraction):
        out += b"q"
        _encode(v.numerator, out, depth + 1, strides)
        _encode(v.denominator, out, depth + 1, strides)
    elif isinstance(v, str):
        _encode(str.__str__(v), out, depth, strides)
    elif isinstance(v, (bytes, bytearray, memoryview)):
        data = bytes(v)
        out += b"b" + _u32(len(data)) + data
    elif isinstance(v, (list, tuple)):
        base = list if isinstance(v, list) else tuple
        _encode(base(base.__iter__(v)), out, depth, strides)
    elif isinstance(v, dict):
        items = list(dict.items(v))
        out += b"d" + _u32(len(items))
        for key, item in items:
            _encode(key, out, depth + 1, strides)
            _encode(item, out, depth + 1, strides)
    elif isinstance(v, np.ndarray):
        _encode_ndarray(v, out)
    elif _is_torch_tensor(v):
        _encode_tensor(v, out, strides)
    else:
        raise ProtocolError(
            f"a value of type {t.__name__} cannot be sent: use plain data "
            "(int, float, Fraction, str, bytes, list, tuple, dict, numpy arrays, torch tensors)")


def _dtype_str(dtype: np.dtype) -> str:
    key = dtype.newbyteorder("<").str if dtype.byteorder == ">" else dtype.str
    if key not in NUMPY_DTYPES:
        raise ProtocolError(f"numpy dtype {dtype} cannot be sent (object, structured or exotic)")
    return key


def _encode_shape_and_data(dtype_str: str, shape, data: bytes, out: bytearray) -> None:
    d = dtype_str.encode()
    out += bytes([len(d)]) + d + bytes([len(shape)])
    for n in shape:
        out += struct.pack(">Q", n)
    out += struct.pack(">Q", len(data)) + data


def _encode_ndarray(v, out: bytearray) -> None:
    arr = np.asarray(v)  # a subclass becomes a plain ndarray
    key = _dtype_str(arr.dtype)
    arr = np.asarray(arr, dtype=NUMPY_DTYPES[key], order="C")  # keeps 0-d arrays 0-d
    out += b"a"
    _encode_shape_and_data(key, arr.shape, arr.tobytes(), out)


def _encode_numpy_scalar(v, out: bytearray) -> None:
    arr = np.asarray(v)
    key = _dtype_str(arr.dtype)
    out += b"g"
    _encode_shape_and_data(key, (), np.asarray(arr, dtype=NUMPY_DTYPES[key]).tobytes(), out)


def _is_torch_tensor(v) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(v, torch.Tensor)


def span(shape, strides) -> int:
    """Elements of storage a view of ``shape`` and (non-negative) ``strides`` reaches."""
    return 1 + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else 0


def _encode_tensor(v, out: bytearray, keep_strides: bool) -> None:
    import torch

    t = torch.Tensor.detach(v).to("cpu")
    if type(t) is not torch.Tensor:  # a subclass: take its plain data
        t = t.as_subclass(torch.Tensor)
    name = str(t.dtype).removeprefix("torch.")
    if name not in TORCH_DTYPES:
        raise ProtocolError(f"torch dtype {name} cannot be sent")
    # A transposed or sliced view may keep its layout (a kernel must handle strides), as the
    # storage it spans; views that repeat elements (an expand) travel contiguous.
    shape, strides = tuple(t.shape), tuple(t.stride())
    reach = span(shape, strides)
    strided = (keep_strides and not t.is_contiguous() and min(strides, default=0) >= 0
               and t.numel() <= reach)
    t = t.as_strided((reach,), (1,), t.storage_offset()) if strided else t.contiguous()
    if name in TORCH_BIT_VIEWS:
        t = t.view(getattr(torch, TORCH_BIT_VIEWS[name]))
    data = t.numpy().tobytes()
    if strided:
        out += b"y" + bytes([len(strides)]) + b"".join(struct.pack(">Q", s) for s in strides)
    else:
        out += b"x"
    _encode_shape_and_data(name, shape, data, out)


# ---------------------------------------------------------------------------------------- decode

class _Reader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0
        self.items = 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolError("message is truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        if self.pos >= len(self.data):
            raise ProtocolError("message is truncated")
        self.pos += 1
        return self.data[self.pos - 1]

    def unpack(self, fmt: struct.Struct):
        """One fixed-size number, read in place."""
        if self.pos + fmt.size > len(self.data):
            raise ProtocolError("message is truncated")
        self.pos += fmt.size
        return fmt.unpack_from(self.data, self.pos - fmt.size)[0]

    def u32(self) -> int:
        return self.unpack(_U32)

    def u64(self) -> int:
        return self.unpack(_U64)


def decode(data: bytes, *, tensor_device: str | None = None):
    """Decode one value; the whole buffer must be consumed."""
    r = _Reader(data)
    value = _decode(r, 0, tensor_device)
    if r.pos != len(r.data):
        raise ProtocolError("trailing bytes after the message")
    return value


def _decode(r: _Reader, depth: int, device):
    if depth > MAX_DEPTH:
        raise ProtocolError("message is nested too deeply")
    r.items += 1
    if r.items > MAX_ITEMS:
        raise ProtocolError(f"message holds more than {MAX_ITEMS} values: send arrays, not lists")
    tag = _TAGS[r.u8()]
    if tag == b"f":
        return r.unpack(_F64)
    if tag == b"i":
        return int.from_bytes(r.take(r.u32()), "big", signed=True)
    if tag == b"N":
        return None
    if tag == b"T":
        return True
    if tag == b"F":
        return False
    if tag == b"q":  # a Fraction in lowest terms, as the encoder writes it
        n, d = _decode(r, depth + 1, device), _decode(r, depth + 1, device)
        if (type(n) is not int or type(d) is not int or d < 1 or n.bit_length() > MAX_FRACTION_BITS
                or d.bit_length() > MAX_FRACTION_BITS or math.gcd(n, d) != 1):
            raise ProtocolError("a fraction must be two ints in lowest terms, denominator >= 1")
        return Fraction(n, d)
    if tag == b"s":
        try:
            return str(r.take(r.u32()), "utf-8", "surrogatepass")
        except UnicodeDecodeError as e:
            raise ProtocolError("invalid text in message") from e
    if tag == b"b":
        return bytes(r.take(r.u32()))
    if tag in (b"l", b"t"):
        n = r.u32()
        if n > len(r.data) - r.pos:  # every item takes at least one byte
            raise ProtocolError("list length exceeds the message")
        items = [_decode(r, depth + 1, device) for _ in range(n)]
        return items if tag == b"l" else tuple(items)
    if tag == b"d":
        n = r.u32()
        if 2 * n > len(r.data) - r.pos:
            raise ProtocolError("dict length exceeds the message")
        result = {}
        for _ in range(n):
            key = _decode(r, depth + 1, device)
            try:
                hash(key)
            except TypeError as e:
                raise ProtocolError("dict key is not hashable") from e
            result[key] = _decode(r, depth + 1, device)
        return result
    if tag in (b"a", b"g"):
        key, shape, raw = _shape_and_data(r)
        dtype = NUMPY_DTYPES.get(key)
        if dtype is None:
            raise ProtocolError(f"unknown numpy dtype {key!r}")
        arr = _array(raw, dtype, shape)
        if tag == b"g":
            if shape != ():
                raise ProtocolError("numpy scalar with a shape")
            return arr[()]
        return arr
    if tag == b"x":
        name, shape, raw = _shape_and_data(r)
        return _tensor(name, shape, raw, device)
    if tag == b"y":  # a strided view: its strides, then the storage it spans
        ndim = r.u8()
        if ndim > MAX_NDIM:
            raise ProtocolError("tensor has too many dimensions")
        strides = tuple(r.u64() for _ in range(ndim))
        name, shape, raw = _shape_and_data(r)
        if len(shape) != ndim:
            raise ProtocolError("tensor strides do not match its shape")
        reach = span(shape, strides)
        if not 0 < math.prod(shape) <= reach:  # no element is read twice: the size is bounded
            raise ProtocolError("tensor strides do not fit its data")
        storage = _tensor(name, (reach,), raw, device)  # checks the data's length
        return storage.as_strided(shape, strides)
    raise ProtocolError(f"unknown tag {tag!r}")


def _shape_and_data(r: _Reader):
    key = str(r.take(r.u8()), "ascii", "replace")
    ndim = r.u8()
    if ndim > MAX_NDIM:
        raise ProtocolError("array has too many dimensions")
    shape = tuple(r.u64() for _ in range(ndim))
    raw = r.take(r.u64())
    return key, shape, raw


def _array(raw, dtype: np.dtype, shape) -> np.ndarray:
    count = 1
    for n in shape:
        count *= n
    if count * dtype.itemsize != len(raw):
        raise ProtocolError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _tensor(name: str, shape, raw, device):
    if name not in TORCH_DTYPES:
        raise ProtocolError(f"unknown torch dtype {name!r}")
    try:
        import torch
    except ImportError as e:
        raise ProtocolError("a torch tensor arrived but torch is not installed") from e
    arr = _array(raw, np.dtype(TORCH_DTYPES[name]), shape)
    t = torch.from_numpy(arr)
    if name in TORCH_BIT_VIEWS:
        t = t.view(getattr(torch, name))
    if device:
        t = t.to(device)
    return t


# ----------------------------------------------------------------------------------------- frame

def write_message(fd: int, value, *, strides: bool = False) -> None:
    payload = encode(value, strides=strides)
    view = memoryview(HEADER.pack(MAGIC, len(payload)) + payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_message(fd: int, *, timeout: float | None = None, max_bytes: int = DEFAULT_MAX_MESSAGE,
                 tensor_device: str | None = None):
    """Read one message. Raises ChannelTimeout, ChannelClosed or ProtocolError."""
    deadline = None if timeout is None else time.monotonic() + timeout
    magic, length = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if magic != MAGIC:
        raise ProtocolError("the channel does not carry ulp messages (bad magic)")
    if length > max_bytes:
        raise MessageTooLarge(f"message of {length} bytes exceeds the limit of {max_bytes} bytes")
    return decode(_read_exactly(fd, length, deadline), tensor_device=tensor_device)


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ChannelTimeout("no answer in time")
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise ChannelClosed("the channel was closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
