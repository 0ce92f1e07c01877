"""``Hashing``: strings (or integers) to bin indices with a stable hash, as Keras does.

Keras hashes with TensorFlow: ``tf.strings.to_hash_bucket_fast`` (FarmHash's 64-bit
Fingerprint64) without a salt, ``to_hash_bucket_strong`` (SipHash-2-4 keyed by the salt)
with one; the bin is ``hash % num_bins``. Both functions are written out below in plain
Python, so minikeras gives the same bins as Keras on every platform without TensorFlow.
Integers are hashed through their decimal text, as TensorFlow's ``as_string`` writes them.
"""
import numpy as np

from ...ops.tensor import convert_to_tensor, is_string, to_numpy
from .categorical import encode_categorical, encoded_shape
from .common import PreprocessingLayer

_MASK64 = (1 << 64) - 1
_K0, _K1, _K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f


# ----------------------------------------------------------------------------- FarmHash Fingerprint64
def _fetch64(s, i):
    return int.from_bytes(s[i:i + 8], "little")


def _fetch32(s, i):
    return int.from_bytes(s[i:i + 4], "little")


def _rotate(v, shift):
    return v if shift == 0 else ((v >> shift) | (v << (64 - shift))) & _MASK64


def _shift_mix(v):
    return v ^ (v >> 47)


def _hash_len16(u, v, mul):
    a = ((u ^ v) * mul) & _MASK64
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK64
    b ^= b >> 47
    return (b * mul) & _MASK64


def _hash_len0to16(s):
    n = len(s)
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch64(s, 0) + _K2) & _MASK64
        b = _fetch64(s, n - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK64
        d = ((_rotate(a, 25) + b) * mul) & _MASK64
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _K2 + n * 2
        a = _fetch32(s, 0)
        return _hash_len16((n + (a << 3)) & _MASK64, _fetch32(s, n - 4), mul)
    if n > 0:
        y = (s[0] + (s[n >> 1] << 8)) & 0xFFFFFFFF
        z = (n + (s[n - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK64) * _K2) & _MASK64
    return _K2


def _hash_len17to32(s):
    n = len(s)
    mul = _K2 + n * 2
    a = (_fetch64(s, 0) * _K1) & _MASK64
    b = _fetch64(s, 8)
    c = (_fetch64(s, n - 8) * mul) & _MASK64
    d = (_fetch64(s, n - 16) * _K2) & _MASK64
    return _hash_len16((_rotate((a + b) & _MASK64, 43) + _rotate(c, 30) + d) & _MASK64,
                       (a + _rotate((b + _K2) & _MASK64, 18) + c) & _MASK64, mul)


def _hash_len33to64(s):
    n = len(s)
    mul = _K2 + n * 2
    a = (_fetch64(s, 0) * _K2) & _MASK64
    b = _fetch64(s, 8)
    c = (_fetch64(s, n - 8) * mul) & _MASK64
    d = (_fetch64(s, n - 16) * _K2) & _MASK64
    y = (_rotate((a + b) & _MASK64, 43) + _rotate(c, 30) + d) & _MASK64
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK64, 18) + c) & _MASK64, mul)
    e = (_fetch64(s, 16) * mul) & _MASK64
    f = _fetch64(s, 24)
    g = ((y + _fetch64(s, n - 32)) * mul) & _MASK64
    h = ((z + _fetch64(s, n - 24)) * mul) & _MASK64
    return _hash_len16((_rotate((e + f) & _MASK64, 43) + _rotate(g, 30) + h) & _MASK64,
                       (e + _rotate((f + a) & _MASK64, 18) + g) & _MASK64, mul)


def _weak_hash32(s, i, a, b):
    w, x, y, z = (_fetch64(s, i + k) for k in (0, 8, 16, 24))
    a = (a + w) & _MASK64
    b = _rotate((b + a + z) & _MASK64, 21)
    c = a
    a = (a + x + y) & _MASK64
    b = (b + _rotate(a, 44)) & _MASK64
    return (a + z) & _MASK64, (b + c) & _MASK64


def _hash_long(s):
    """Strings over 64 bytes: 64-byte blocks mixed into seven 64-bit lanes, then the last block."""
    n = len(s)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK64
    z = (_shift_mix((y * _K2 + 113) & _MASK64) * _K2) & _MASK64
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _fetch64(s, 0)) & _MASK64
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    i = 0
    while True:
        x = (_rotate((x + y + v0 + _fetch64(s, i + 8)) & _MASK64, 37) * _K1) & _MASK64
        y = (_rotate((y + v1 + _fetch64(s, i + 48)) & _MASK64, 42) * _K1) & _MASK64
        x ^= w1
        y = (y + v0 + _fetch64(s, i + 40)) & _MASK64
        z = (_rotate((z + w0) & _MASK64, 33) * _K1) & _MASK64
        v0, v1 = _weak_hash32(s, i, (v1 * _K1) & _MASK64, (x + w0) & _MASK64)
        w0, w1 = _weak_hash32(s, i + 32, (z + w1) & _MASK64, (y + _fetch64(s, i + 16)) & _MASK64)
        z, x = x, z
        i += 64
        if i == end:
            break
    mul = _K1 + ((z & 0xff) << 1)
    i = last64
    w0 = (w0 + ((n - 1) & 63)) & _MASK64
    v0 = (v0 + w0) & _MASK64
    w0 = (w0 + v0) & _MASK64
    x = (_rotate((x + y + v0 + _fetch64(s, i + 8)) & _MASK64, 37) * mul) & _MASK64
    y = (_rotate((y + v1 + _fetch64(s, i + 48)) & _MASK64, 42) * mul) & _MASK64
    x ^= (w1 * 9) & _MASK64
    y = (y + v0 * 9 + _fetch64(s, i + 40)) & _MASK64
    z = (_rotate((z + w0) & _MASK64, 33) * mul) & _MASK64
    v0, v1 = _weak_hash32(s, i, (v1 * mul) & _MASK64, (x + w0) & _MASK64)
    w0, w1 = _weak_hash32(s, i + 32, (z + w1) & _MASK64, (y + _fetch64(s, i + 16)) & _MASK64)
    z, x = x, z
    return _hash_len16((_hash_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _MASK64,
                       (_hash_len16(v1, w1, mul) + x) & _MASK64, mul)


def fingerprint64(data):
    """FarmHash Fingerprint64 of ``data`` (bytes): TensorFlow's ``Fingerprint64``."""
    n = len(data)
    if n <= 16:
        return _hash_len0to16(data)
    if n <= 32:
        return _hash_len17to32(data)
    if n <= 64:
        return _hash_len33to64(data)
    return _hash_long(data)


# ----------------------------------------------------------------------------- SipHash-2-4
def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & _MASK64
    v1 = _rotate_left(v1, 13) ^ v0
    v0 = _rotate_left(v0, 32)
    v2 = (v2 + v3) & _MASK64
    v3 = _rotate_left(v3, 16) ^ v2
    v0 = (v0 + v3) & _MASK64
    v3 = _rotate_left(v3, 21) ^ v0
    v2 = (v2 + v1) & _MASK64
    v1 = _rotate_left(v1, 17) ^ v2
    v2 = _rotate_left(v2, 32)
    return v0, v1, v2, v3


def _rotate_left(v, shift):
    return ((v << shift) | (v >> (64 - shift))) & _MASK64


def siphash64(key, data):
    """SipHash-2-4 of ``data`` (bytes) with the 128-bit key ``(k0, k1)``."""
    k0, k1 = key
    v0, v1 = k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d
    v2, v3 = k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573
    n = len(data)
    tail = n - n % 8
    for i in range(0, tail, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v3 ^= m
        for _ in range(2):
            v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0 ^= m
    m = ((n & 0xff) << 56) | int.from_bytes(data[tail:], "little")
    v3 ^= m
    for _ in range(2):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    v0 ^= m
    v2 ^= 0xff
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


# ----------------------------------------------------------------------------- the layer
def _as_bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value)).encode("ascii")
    return str(value).encode("utf-8")


class Hashing(PreprocessingLayer):
    """Hash strings or integers into ``num_bins`` bins (int64 indices, or one-hot/multi-hot/
    count vectors with ``output_mode``). ``mask_value`` maps to bin 0 and the rest to
    1..num_bins-1; ``salt`` (an int or a pair of ints) switches to keyed SipHash."""

    _input_kind = "any"  # strings or integers

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"Hashing layer {self.name}: `num_bins` cannot be `None` or non-positive values. "
                             f"Received: num_bins={num_bins}.")
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(f"Hashing layer {self.name}: unknown output_mode={output_mode!r}; expected 'int', "
                             "'one_hot', 'multi_hot' or 'count'.")
        if sparse:
            raise ValueError(f"Hashing layer {self.name}: sparse=True is not supported in minikeras.")
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
                salt = list(salt)
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError(f"Hashing layer {self.name}: the `salt` argument should be None, a single "
                                 f"integer, or a tuple/list of 2 integers. Received: salt={salt}.")
        self.num_bins, self.mask_value, self.salt = int(num_bins), mask_value, salt
        self.output_mode, self.sparse = output_mode, False

    def _bin(self, value):
        if self.mask_value is not None and value == self.mask_value:
            return 0
        data = _as_bytes(value)
        digest = siphash64(tuple(s & _MASK64 for s in self.salt), data) if self.salt is not None \
            else fingerprint64(data)
        if self.mask_value is None:
            return digest % self.num_bins
        return 1 + digest % (self.num_bins - 1) if self.num_bins > 1 else 0

    def call(self, inputs):
        values = to_numpy(inputs)
        if not (is_string(values) or values.dtype.kind in "iu"):
            raise TypeError(f"Hashing layer {self.name} hashes strings or integers, but received values of "
                            f"dtype {values.dtype}.")
        if values.dtype.kind == "S":
            flat = [bytes(v) for v in values.ravel()]
        else:
            flat = [v.item() if isinstance(v, np.generic) else v for v in values.ravel()]
        bins = np.array([self._bin(v) for v in flat], dtype="int64").reshape(values.shape)
        if self.output_mode == "int":
            return convert_to_tensor(bins)
        return encode_categorical(self, bins, self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode, "sparse": self.sparse}
