"""Noise layers that regularise while training and pass inputs through at inference:
SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout; and
ActivityRegularization, which passes inputs through and penalises their size.

Each draws its noise from ``minikeras.random``. Given a ``seed`` it owns a
``SeedGenerator``, so its noise repeats from run to run and changes from step to step;
without one it uses the global generator that ``utils.set_random_seed`` reseeds.
(``Dropout`` itself lives in ``core.py`` with the other Keras 1 layers.)
"""
import math

import numpy as np

from .. import ops, random, regularizers
from ..engine.layer import InputSpec, Layer
from .core import Dropout


def _check_rate(layer, name, value, upper_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 <= value < 1 if upper_open else 0 <= value <= 1):
        interval = "[0, 1)" if upper_open else "[0, 1]"
        raise ValueError(f"Layer {layer.name}: `{name}` must be a number in {interval}, "
                         f"received {name}={value!r}.")


def _generator(seed):
    return None if seed is None else random.SeedGenerator(seed)


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one decision per (sample, channel), shared by every
    position, because neighbouring positions of a map are too alike for per-entry dropout
    to regularise (Tompson et al., 2014)."""

    rank = 1

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        noise_shape = (None,) + (1,) * self.rank + (None,)  # batch and channels keep their sizes
        super().__init__(rate, noise_shape=noise_shape, seed=seed, name=name, dtype=dtype, **kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Layer {self.name}: minikeras supports data_format='channels_last' only, "
                             f"received {data_format!r}.")
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def get_config(self):
        # Keras 3 writes exactly these keys (no "trainable", no "noise_shape")
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype,
                "data_format": self.data_format}


class SpatialDropout1D(_SpatialDropout):
    """Input (batch, steps, channels): drops whole channels."""

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config


class SpatialDropout2D(_SpatialDropout):
    """Input (batch, rows, cols, channels): drops whole channels."""

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Input (batch, dim1, dim2, dim3, channels): drops whole channels."""

    rank = 3


class ActivityRegularization(Layer):
    """The identity, with an L1/L2 penalty on its input added to the loss at every call
    (``l1 * sum(|x|) + l2 * sum(x**2)``, divided by the batch size, as every layer's
    ``activity_regularizer`` is)."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        given = kwargs.pop("activity_regularizer", None)
        if given is not None:   # its l1/l2 are its regularizer; another one would be lost
            raise TypeError("ActivityRegularization takes its penalty as `l1` and `l2`, not as "
                            f"`activity_regularizer`; received activity_regularizer={given!r}.")
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        for arg, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, (int, float, np.number)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Layer {self.name}: `{arg}` must be a non-negative number, "
                                 f"received {value!r}.")
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}


class GaussianNoise(Layer):
    """Add zero-mean Gaussian noise of standard deviation ``stddev`` while training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(self, "stddev", stddev)
        self.stddev, self.seed = stddev, seed
        self.seed_generator = _generator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        noise = random.normal(inputs.shape, 0.0, self.stddev, dtype=inputs.dtype, seed=self.seed_generator)
        return ops.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiply by Gaussian noise of mean 1 and variance rate / (1 - rate) while training:
    the same mean and variance as Dropout's 0-or-1/(1-rate) mask, without zeros."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(self, "rate", rate, upper_open=True)  # rate 1 would need infinite variance
        self.rate, self.seed = rate, seed
        self.seed_generator = _generator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = random.normal(inputs.shape, 1.0, stddev, dtype=inputs.dtype, seed=self.seed_generator)
        return ops.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout for self-normalising networks (SELU activations, Klambauer et al., 2017).

    Dropped entries take SELU's negative saturation value ``-alpha * scale`` instead of 0,
    then an affine map ``a * x + b`` restores zero mean and unit variance, so the
    self-normalising property survives dropout.
    """

    ALPHA = 1.6732632423543772848170429916717
    SCALE = 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(self, "rate", rate)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed
        self.seed_generator = _generator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape) if self.noise_shape is None else tuple(
            n if d is None else d for d, n in zip(self.noise_shape, inputs.shape))
        kept = np.asarray(random.uniform(shape, seed=self.seed_generator)) >= self.rate
        alpha_p = -self.ALPHA * self.SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        dtype = np.dtype(inputs.dtype)
        # a * (x * kept + alpha_p * (1 - kept)) + b, as one multiply and one add
        return ops.add(ops.multiply(inputs, (a * kept).astype(dtype)),
                       (a * alpha_p * (~kept) + b).astype(dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
