"""``SpectralNormalization``: a wrapper that keeps a layer's kernel at spectral norm 1.

The spectral norm sigma of a kernel W (reshaped to a matrix, output units last) is its largest
singular value: how much W can stretch a vector. Dividing W by sigma bounds the layer's
Lipschitz constant, which steadies GAN discriminators. sigma is estimated by power iteration
with a vector ``u`` kept between steps (one iteration per step is usually enough, because W
changes little between steps):

    v = normalize(u W^T);  u = normalize(v W);  sigma = v W u^T

As in Keras 3, in training each call replaces the kernel's value by W / sigma (and ``u`` by the
new estimate) before the wrapped layer runs; the gradient then reaches the kernel as the
wrapped layer uses it. At inference the kernel is used as it is. A kernel of zeros is left alone.
"""
import numpy as np

from .. import backend, initializers
from ..engine.layer import InputSpec
from .wrappers import Wrapper


def _normalize(x):
    return x / np.sqrt(max(float(np.sum(np.square(x))), backend.epsilon()))


class SpectralNormalization(Wrapper):
    """Wraps a layer with a ``kernel`` (or ``embeddings``); see the module docstring."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(f"Layer {self.name}: `power_iterations` should be greater than zero. Received: "
                             f"power_iterations={power_iterations}")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        kernel = getattr(self.layer, "embeddings", None) if kernel is None else kernel
        if kernel is None:
            raise ValueError(f"Layer {self.name}: the wrapped {type(self.layer).__name__} has no attribute 'kernel' "
                             "nor 'embeddings' to normalize.")
        # Held as the wrapper's own weight too, as Keras does: its place in get_weights() is first.
        self.kernel = kernel
        self.vector_u = self.add_weight("vector_u", (1, kernel.shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False)
        self.built = True

    def normalized_weights(self):
        """(new u, kernel / sigma) by ``power_iterations`` steps of power iteration."""
        kernel = self.kernel.value
        weights = kernel.reshape(-1, kernel.shape[-1]).astype(np.float64)
        u = self.vector_u.value.astype(np.float64)
        for _ in range(self.power_iterations):
            v = _normalize(u @ weights.T)
            u = _normalize(v @ weights)
        sigma = (v @ weights @ u.T).item()
        return u.astype(self.vector_u.value.dtype), (kernel / sigma).astype(kernel.dtype)

    def call(self, inputs, training=False):
        if training and np.any(self.kernel.value != 0):
            u, kernel = self.normalized_weights()
            self.vector_u.assign(u)
            self.kernel.assign(kernel)
        return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
