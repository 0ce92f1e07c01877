"""What may cross between the grader and the student's process, and how.

The grader (trusted) and the worker that runs student code (untrusted) talk over a
pipe in *messages*. A message is plain data only, so nothing the student writes can
reach the grader as live code: no pickles, no objects with their own ``__eq__``.

A message on the pipe is one frame::

    8-byte length | JSON header | for each array: 8-byte length | raw bytes

Values in the header are JSON, with these tagged forms for what JSON lacks:

=========================  ==============================================
``{"t": [...]}``            a tuple
``{"d": [[k, v], ...]}``    a dict (keys: str, int, float, bool or None)
``{"a": i, "dtype", "shape"}``  an ndarray; its bytes are the i-th blob
``{"n": i, "dtype"}``        a numpy scalar (a 0-d array in blob i)
``{"m": i}``                a model, as the bytes of a ``.keras`` file
``{"h": id, "type": name}`` a handle: an object that stays in its process
``{"f": "nan"}``            a float JSON cannot spell (nan, inf, -inf)
=========================  ==============================================

``decode`` is what the grader runs on the worker's words: it accepts only the forms
above, only the dtypes in ``ALLOWED_DTYPES``, at most ``MAX_DEPTH`` levels and
``MAX_FRAME`` bytes, and it always builds fresh, exact built-in objects (an ndarray
from raw bytes is a plain ``np.ndarray``, never a subclass). ``encode`` is used on
both sides; the worker's copy may be tampered with, which is why ``decode`` trusts
nothing it is given.
"""

import json
import math
import os
import struct

import numpy as np

ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64", "complex64", "complex128"])
MAX_FRAME = 512 * 2**20   # bytes in one message: arrays of a few hundred MB at most
MAX_DEPTH = 64            # nesting of lists/dicts
LENGTH = struct.Struct("<Q")


class WireError(ValueError):
    """A message that breaks the rules above (from a tampered or broken worker)."""


class ModelBytes(bytes):
    """The bytes of a ``.keras`` file, marked so that ``encode`` sends them as a model."""


class Handle:
    """An object that lives in the other process, known here only by number.

    The grader gets a Handle for instances of the student's own classes. It is inert:
    it has no truth value, no comparisons and no arithmetic, so a test that expected
    plain data and got a Handle fails instead of being fooled. ``remote.py`` subclasses
    it with attribute access and calls that go back over the pipe.
    """

    def __init__(self, ident, type_name):
        self._ident, self._type_name = ident, type_name

    def __repr__(self):
        return f"<submission object {self._type_name} #{self._ident}>"

    def __bool__(self):
        raise TypeError(f"{self!r} has no truth value: the test expected plain data")

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


# --------------------------------------------------------------------------- encoding

def encode(value, *, adapt=None, handle_for=None):
    """A frame (bytes) for ``value``.

    ``adapt(obj)`` may turn an object that is not plain data into something that is
    (a tensor into an ndarray, a model into ``ModelBytes``), or return None;
    ``handle_for(obj)`` returns ``(ident, type_name)`` for any other object (or raises
    TypeError when the sender allows no handles).
    """
    blobs = []
    header = _encode(value, blobs, adapt, handle_for, 0)
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    parts = [LENGTH.pack(len(text)), text]
    for blob in blobs:
        parts += [LENGTH.pack(len(blob)), blob]
    body = b"".join(parts)
    return LENGTH.pack(len(body)) + body


def _encode(value, blobs, adapt, handle_for, depth):
    if depth > MAX_DEPTH:
        raise TypeError(f"structure nested more than {MAX_DEPTH} levels deep")
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"f": repr(value)}
    nested = lambda v: _encode(v, blobs, adapt, handle_for, depth + 1)  # noqa: E731
    if type(value) is list:
        return [nested(v) for v in value]
    if isinstance(value, tuple):  # namedtuples arrive as plain tuples
        return {"t": [nested(v) for v in value]}
    if type(value) is dict:
        return {"d": [[nested(k), nested(v)] for k, v in value.items()]}
    if isinstance(value, np.generic) and value.dtype.name in ALLOWED_DTYPES:
        blobs.append(np.ascontiguousarray(value).tobytes())
        return {"n": len(blobs) - 1, "dtype": value.dtype.name}
    if type(value) is np.ndarray and value.dtype.name in ALLOWED_DTYPES:
        blobs.append(np.ascontiguousarray(value).tobytes())
        return {"a": len(blobs) - 1, "dtype": value.dtype.name, "shape": list(value.shape)}
    if isinstance(value, Handle):
        return {"h": value._ident, "type": value._type_name}
    adapted = adapt(value) if adapt else None
    if isinstance(adapted, ModelBytes):
        blobs.append(bytes(adapted))
        return {"m": len(blobs) - 1}
    if adapted is not None:
        return _encode(adapted, blobs, None, handle_for, depth + 1)
    if handle_for is None:
        raise TypeError(f"cannot send an object of type {type(value).__name__}")
    ident, type_name = handle_for(value)
    return {"h": ident, "type": type_name}


# --------------------------------------------------------------------------- decoding

def decode(frame_body, *, load_model=None, make_handle=None):
    """The value in a frame body (without its 8-byte length), checked form by form.

    ``load_model(bytes)`` turns model bytes into a model; ``make_handle(ident, type)``
    makes the local stand-in for a remote object. Either may be None to refuse that form.
    """
    view = memoryview(frame_body)
    try:
        (n,) = LENGTH.unpack_from(view, 0)
        header = json.loads(bytes(view[8:8 + n]))
        blobs, offset = [], 8 + n
        while offset < len(view):
            (size,) = LENGTH.unpack_from(view, offset)
            if offset + 8 + size > len(view):
                raise WireError("a blob runs past the end of the message")
            blobs.append(view[offset + 8:offset + 8 + size])
            offset += 8 + size
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"malformed message: {exc}") from None
    return _decode(header, blobs, load_model, make_handle, 0)


def _decode(node, blobs, load_model, make_handle, depth):
    if depth > MAX_DEPTH:
        raise WireError(f"structure nested more than {MAX_DEPTH} levels deep")
    if node is None or type(node) in (bool, int, str, float):
        return node
    nested = lambda v: _decode(v, blobs, load_model, make_handle, depth + 1)  # noqa: E731
    if type(node) is list:
        return [nested(v) for v in node]
    if type(node) is not dict or len(node) not in (1, 2, 3):
        raise WireError(f"unexpected value in message: {str(node)[:80]}")
    if set(node) == {"t"} and type(node["t"]) is list:
        return tuple(nested(v) for v in node["t"])
    if set(node) == {"d"} and type(node["d"]) is list:
        out = {}
        for pair in node["d"]:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("malformed dict entry")
            key = nested(pair[0])
            if key is not None and type(key) not in (str, int, float, bool):
                raise WireError(f"dict key of type {type(key).__name__}")
            out[key] = nested(pair[1])
        return out
    if set(node) == {"f"} and node["f"] in ("nan", "inf", "-inf"):
        return float(node["f"])
    if set(node) == {"a", "dtype", "shape"}:
        return _array(node, blobs)
    if set(node) == {"n", "dtype"}:
        return _array(dict(node, a=node["n"], shape=[]), blobs)[()]
    if set(node) == {"m"} and load_model is not None:
        return load_model(bytes(_blob(blobs, node["m"])))
    if set(node) == {"h", "type"} and make_handle is not None \
            and type(node["h"]) is int and type(node["type"]) is str:
        return make_handle(node["h"], node["type"][:100])
    raise WireError(f"unexpected value in message: {str(node)[:80]}")


def _blob(blobs, index):
    if type(index) is not int or not 0 <= index < len(blobs):
        raise WireError("reference to a missing blob")
    return blobs[index]


def _array(node, blobs):
    dtype, shape = node["dtype"], node["shape"]
    if dtype not in ALLOWED_DTYPES:
        raise WireError(f"arrays of dtype {dtype!r} cannot be sent")
    if type(shape) is not list or not all(type(d) is int and d >= 0 for d in shape):
        raise WireError(f"bad array shape {shape!r}")
    data = _blob(blobs, node["a"])
    dtype = np.dtype(dtype)
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise WireError(f"array of shape {tuple(shape)} and dtype {dtype} with {len(data)} bytes")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


# --------------------------------------------------------------------------- the pipe

def send(fd, frame):
    view = memoryview(frame)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def receive(fd, limit=MAX_FRAME):
    """One frame body from ``fd``; ``EOFError`` when the other side has gone."""
    (size,) = LENGTH.unpack(_read_exactly(fd, 8))
    if size > limit:
        raise WireError(f"message of {size} bytes is over the limit of {limit}")
    return _read_exactly(fd, size)


def _read_exactly(fd, n):
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other process closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)

