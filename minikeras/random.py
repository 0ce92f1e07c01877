"""``keras.random``: random tensors that repeat when you ask them to.

Every function takes a ``seed`` that says where its randomness comes from:

- ``None``: minikeras's global generator (the one ``utils.set_random_seed`` reseeds, and that
  the initializers and ``Dropout`` draw from), so a seeded script repeats as a whole;
- an ``int``: a fixed starting point. The same int gives the same numbers on every call,
  as in Keras 3 (the seed is *stateless*: nothing remembers that it was used);
- a ``SeedGenerator``: a seed with a counter. Each draw reads the state ``[seed, counter]``
  and then advances the counter, so successive calls differ, yet two generators made with
  the same seed give the same sequence. This is how a layer gets fresh noise at every call
  and still repeats exactly from run to run: create the generator in ``__init__`` and pass
  it to the random functions in ``call``.

A state ``[seed, counter]`` becomes numbers through numpy's ``SeedSequence``, which mixes
both words into the starting point of an independent stream. ``SeedGenerator(s)``'s first
draw is therefore the same as ``seed=s``, as in Keras.

The results are eager minikeras Tensors. ``dropout`` and ``shuffle`` also accept symbolic
tensors (inside a layer's ``call`` while a functional model is built): they return the
symbolic result and draw nothing, so building a model does not move any generator.
"""
import numbers

import numpy as np

from . import backend, initializers
from .engine.tensor import KerasTensor
from .ops.core import apply
from .ops.tensor import Tensor, Variable

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]


class SeedGenerator:
    """A seed that advances: ``state`` is a Variable ``[seed, counter]`` (uint32, as in Keras).

    ``SeedGenerator()`` without a seed draws one from the global generator, so after
    ``utils.set_random_seed(n)`` even unseeded generators repeat.
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs.pop("backend", None) not in (None, "numpy"):
            raise ValueError("minikeras's SeedGenerator has a single backend (numpy).")
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized argument(s) {sorted(kwargs)}.")
        if seed is None:
            seed = int(initializers.rng().integers(1, 2 ** 31))
        _check_int_seed(seed, "SeedGenerator")
        self._initial_seed = int(seed)
        self.name = name or f"seed_generator_{backend.get_uid('seed_generator')}"
        self.state = Variable(np.array([seed, 0], dtype="uint32"), name="seed_generator_state",
                              trainable=False, path=f"{self.name}/seed_generator_state")

    def next(self, ordered=True):
        """The current state (a copy), after which the counter moves on by one."""
        current = self.state.value.copy()
        self.state.value[1] += np.uint32(1)
        return current

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, state={self.state.value.tolist()}>"


def _check_int_seed(seed, where):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"{where}: `seed` must be an integer, received {seed!r} "
                         f"({type(seed).__name__}).")
    if not 0 <= seed < 2 ** 32:
        raise ValueError(f"{where}: `seed` must be between 0 and 2**32 - 1, received {seed}.")


def _generator(seed, where):
    """The numpy Generator for one draw: see the module docstring for the three kinds of seed."""
    if seed is None:
        return initializers.rng()
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng([int(v) for v in seed.next()])
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        _check_int_seed(seed, where)
        return np.random.default_rng([int(seed), 0])
    if isinstance(seed, (Tensor, np.ndarray, list, tuple)):  # an explicit [seed, counter] state
        state = np.asarray(seed.value if isinstance(seed, Tensor) else seed)
        if state.shape == (2,) and state.dtype.kind in "iu" and (state >= 0).all():
            return np.random.default_rng([int(v) for v in state])
    raise ValueError(f"{where}: `seed` must be None, an int, a SeedGenerator or a state of two "
                     f"non-negative integers, received {seed!r}.")


def _shape(shape, where):
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(f"{where}: `shape` must be a tuple of integers, received {shape!r}.") from None
    if any(d is None for d in shape):
        raise ValueError(f"{where}: `shape` must be fully known, received {shape}. Random tensors "
                         "are drawn eagerly: take the size from an eager tensor (x.shape).")
    if not all(isinstance(d, numbers.Integral) and d >= 0 for d in shape):
        raise ValueError(f"{where}: `shape` must hold non-negative integers, received {shape}.")
    return tuple(int(d) for d in shape)


def _dtype(dtype, kind, where):
    dtype = backend.standardize_dtype(dtype)
    if np.dtype(dtype).kind not in kind:
        wanted = "a floating-point" if kind == "f" else "an integer"
        raise ValueError(f"{where}: `dtype` must be {wanted} type, received {dtype!r}.")
    return dtype


# ----------------------------------------------------------------------------- distributions

def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from the normal distribution N(mean, stddev**2)."""
    shape, dtype = _shape(shape, "random.normal"), _dtype(dtype, "f", "random.normal")
    values = _generator(seed, "random.normal").normal(mean, stddev, shape)
    return Tensor(np.asarray(values, dtype=dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn until they lie within two standard deviations of the mean."""
    shape = _shape(shape, "random.truncated_normal")
    dtype = _dtype(dtype, "f", "random.truncated_normal")
    rng = _generator(seed, "random.truncated_normal")
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():  # each pass redraws about 5% of what is left
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return Tensor(np.asarray(mean + stddev * values, dtype=dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from the half-open interval [minval, maxval)."""
    shape, dtype = _shape(shape, "random.uniform"), _dtype(dtype, "f", "random.uniform")
    if not maxval > minval:
        raise ValueError(f"random.uniform: `maxval` must be greater than `minval`, received "
                         f"minval={minval}, maxval={maxval}.")
    values = _generator(seed, "random.uniform").uniform(minval, maxval, shape).astype(dtype)
    # Rounding to float32 can turn a value just below maxval into maxval itself; the interval
    # is half-open, so such values become the largest representable number below maxval.
    below = np.nextafter(np.asarray(maxval, dtype=dtype), np.asarray(minval, dtype=dtype))
    return Tensor(np.minimum(values, below))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from [minval, maxval)."""
    shape, dtype = _shape(shape, "random.randint"), _dtype(dtype, "iu", "random.randint")
    if not maxval > minval:
        raise ValueError(f"random.randint: `maxval` must be greater than `minval`, received "
                         f"minval={minval}, maxval={maxval}.")
    values = _generator(seed, "random.randint").integers(minval, maxval, shape)
    return Tensor(values.astype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from unnormalised log-probabilities.

    ``logits`` is (batch, num_classes); the result is (batch, num_samples). Sampling uses the
    Gumbel-max trick: adding independent Gumbel noise to the logits and taking the argmax picks
    class i with probability softmax(logits)_i, and a logit of -inf is never picked.
    """
    logits = np.asarray(logits.value if isinstance(logits, Tensor) else logits, dtype="float64")
    if logits.ndim != 2:
        raise ValueError("random.categorical: `logits` should be a 2-D tensor with shape "
                         f"[batch_size, num_classes], received shape {logits.shape}.")
    dtype = _dtype(dtype, "iu", "random.categorical")
    num_samples = int(num_samples)
    rng = _generator(seed, "random.categorical")
    noise = rng.gumbel(size=(logits.shape[0], num_samples, logits.shape[1]))
    return Tensor(np.argmax(logits[:, None, :] + noise, axis=-1).astype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from the Gamma distribution with concentration ``alpha`` (scale 1)."""
    shape, dtype = _shape(shape, "random.gamma"), _dtype(dtype, "f", "random.gamma")
    values = _generator(seed, "random.gamma").gamma(alpha, 1.0, shape)
    return Tensor(np.asarray(values, dtype=dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from the Beta(alpha, beta) distribution, on [0, 1]."""
    shape, dtype = _shape(shape, "random.beta"), _dtype(dtype, "f", "random.beta")
    values = _generator(seed, "random.beta").beta(alpha, beta, shape)
    return Tensor(np.asarray(values, dtype=dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Number of successes in ``counts`` trials, each succeeding with ``probabilities``."""
    shape, dtype = _shape(shape, "random.binomial"), _dtype(dtype, "fiu", "random.binomial")
    counts = np.asarray(counts.value if isinstance(counts, Tensor) else counts)
    probabilities = np.asarray(probabilities.value if isinstance(probabilities, Tensor) else probabilities)
    if (probabilities < 0).any() or (probabilities > 1).any():
        raise ValueError("random.binomial: `probabilities` must lie in [0, 1], received values from "
                         f"{probabilities.min()} to {probabilities.max()}.")
    values = _generator(seed, "random.binomial").binomial(counts.astype("int64"), probabilities, shape)
    return Tensor(np.asarray(values, dtype=dtype))


# ----------------------------------------------------------------------------- on existing tensors

def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each entry with probability ``rate`` and scale the survivors by 1 / (1 - rate),
    so the expected value of every entry is unchanged. Differentiable: the gradient flows
    through the kept entries, scaled the same way.

    ``noise_shape`` draws one decision per entry of a smaller shape and broadcasts it (for
    instance ``(batch, 1, features)`` drops the same features at every time step); ``None``
    entries in it take the input's size.
    """
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
        raise ValueError(f"random.dropout: `rate` must be a number between 0 and 1, received "
                         f"rate={rate!r}.")
    rate = float(rate)

    def forward(x):
        shape = x.shape if noise_shape is None else _noise_shape(noise_shape, x.shape)
        if rate == 1.0:  # nothing survives; 1 / (1 - rate) would be a division by zero
            scale = np.zeros(shape, dtype=x.dtype)
        else:
            keep = _generator(seed, "random.dropout").random(shape) >= rate
            scale = keep * x.dtype.type(1.0 / (1.0 - rate))
        return x * scale, lambda g: (np.broadcast_to(g * scale, x.shape),)
    return apply(forward, inputs, shape_rule=lambda s: s)


def _noise_shape(noise_shape, input_shape):
    noise_shape = tuple(noise_shape)
    if len(noise_shape) != len(input_shape):
        raise ValueError(f"random.dropout: `noise_shape` {noise_shape} must have as many axes as the "
                         f"inputs, whose shape is {input_shape}.")
    shape = tuple(n if d is None else d for d, n in zip(noise_shape, input_shape))
    for d, n in zip(shape, input_shape):
        if d not in (1, n):
            raise ValueError(f"random.dropout: `noise_shape` {noise_shape} does not broadcast to the "
                             f"input shape {input_shape}: each size must be 1, None or the input's.")
    return shape


def shuffle(x, axis=0, seed=None):
    """``x`` with its entries along ``axis`` in a random order (one permutation for all the
    other axes). Differentiable: the gradient goes back through the same permutation."""
    def forward(x):
        ax = axis % x.ndim if x.ndim else 0
        perm = _generator(seed, "random.shuffle").permutation(x.shape[ax])
        inverse = np.argsort(perm)
        return np.take(x, perm, axis=ax), lambda g: (np.take(g, inverse, axis=ax),)
    if not isinstance(x, KerasTensor) and np.ndim(x.value if isinstance(x, Tensor) else x) == 0:
        raise ValueError("random.shuffle: `x` must have at least one axis, received a scalar.")
    return apply(forward, x, shape_rule=lambda s: s)
