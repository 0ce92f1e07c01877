"""Weight initializers with Keras's names and defaults.

All randomness comes from one generator that ``utils.set_random_seed`` reseeds, so a
seeded run repeats exactly.
"""
import numpy as np

from . import backend
from .common import object_config as _config   # private name: Keras's module exports no helpers

_rng = np.random.default_rng()


def set_seed(seed):
    global _rng
    _rng = np.random.default_rng(seed)


def rng():
    return _rng


def _fans(shape):
    """Keras's fan-in/fan-out: a conv kernel (kh, kw, cin, cout) counts its receptive field."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=backend.standardize_dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=backend.standardize_dtype(dtype))


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=backend.standardize_dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return _rng.normal(self.mean, self.stddev, shape).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        return _rng.uniform(self.minval, self.maxval, shape).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    def __call__(self, shape, dtype=None):
        values = _rng.normal(0.0, 1.0, shape)
        while True:  # redraw everything beyond two standard deviations
            outside = np.abs(values) > 2
            if not outside.any():
                break
            values[outside] = _rng.normal(0.0, 1.0, int(outside.sum()))
        return (self.mean + self.stddev * values).astype(backend.standardize_dtype(dtype))


class VarianceScaling(Initializer):
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r}. Expected 'fan_in', 'fan_out' or 'fan_avg'.")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        dtype = backend.standardize_dtype(dtype)
        if self.distribution == "uniform":
            limit = np.sqrt(3 * variance)
            return _rng.uniform(-limit, limit, shape).astype(dtype)
        if self.distribution == "untruncated_normal":
            return _rng.normal(0, np.sqrt(variance), shape).astype(dtype)
        # truncated normal: 0.8796... is the stddev of a unit normal truncated at 2 sigma
        return TruncatedNormal(0.0, np.sqrt(variance) / 0.87962566103423978)(shape, dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class LecunNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class LecunUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class Orthogonal(Initializer):
    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = _rng.normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        return (self.gain * np.eye(*shape)).astype(backend.standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
    "identity": Identity,
}
_CLASSES = {cls.__name__: cls for cls in set(_ALIASES.values())}


def get(identifier):
    """An initializer from a name ('glorot_uniform'), a config dict, a callable or None."""
    if identifier is None or isinstance(identifier, Initializer) or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        cls = _CLASSES.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"Unknown initializer class: {identifier.get('class_name')!r}.")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(
                f"Unknown initializer: {identifier!r}. Known: {', '.join(sorted(_ALIASES))}.")
        return cls()
    raise ValueError(f"Could not interpret initializer: {identifier!r}.")


def serialize(initializer):
    if initializer is None:
        return None
    return _config.object_config(initializer, "keras.initializers")


glorot_uniform, zeros, ones, orthogonal = GlorotUniform, Zeros, Ones, Orthogonal


def deserialize(config, custom_objects=None):
    """An initializer from ``serialize``'s dict (``custom_objects`` may name your own classes)."""
    if not isinstance(config, dict):
        raise ValueError(f"Could not interpret initializer config: {config!r}. Expected a dict with "
                         "'class_name' and 'config' (use initializers.get for names).")
    inner = dict(config.get("config") or {})
    for key in ("input_axes", "output_axes"):  # Keras 3.10+ variance-scaling options, off when None
        if inner.get(key) is not None:
            raise ValueError(f"Initializer {config.get('class_name')} sets {key}={inner[key]!r}, which "
                             "minikeras does not implement.")
        inner.pop(key, None)
    config = {**config, "config": inner}
    return _config.object_from_config(config, _CLASSES, "initializer", custom_objects)


# Keras 3's other spellings of the same classes: lower case (Keras 2's functions) and long names.
(constant, glorot_normal, he_normal, he_uniform, identity, lecun_normal, lecun_uniform, random_normal,
 random_uniform, truncated_normal, variance_scaling) = (Constant, GlorotNormal, HeNormal, HeUniform, Identity,
                                                        LecunNormal, LecunUniform, RandomNormal, RandomUniform,
                                                        TruncatedNormal, VarianceScaling)
IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal
