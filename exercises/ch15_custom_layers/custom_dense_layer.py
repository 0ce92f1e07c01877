"""Chapter 15, exercise ch15.custom_dense: a Dense layer written from scratch.

Fill in the four methods of ``CustomDense``. The tests compare it with
minikeras' own ``layers.Dense`` holding the same weights: outputs, gradients,
and a trip through ``get_config`` / ``from_config`` and a ``.keras`` file.
"""

from minikeras import activations, layers, ops


class CustomDense(layers.Layer):
    """``activation(inputs @ kernel + bias)``, like ``layers.Dense(units, activation)``."""

    def __init__(self, units=32, activation=None, **kwargs):
        """Store ``units`` (an int) and ``activation`` as a function
        (``activations.get(activation)``: None becomes the identity).

        Pass ``**kwargs`` on to ``super().__init__(**kwargs)``: ``from_config``
        gives your class back the base config too (``name``, ``trainable``,
        ``dtype``), so the layer keeps its name when a model is rebuilt.
        No weights here: the input size is not known yet.
        """
        raise NotImplementedError("ch15.custom_dense: implement CustomDense.__init__")

    def build(self, input_shape):
        """Create the weights with ``self.add_weight``, now that ``input_shape`` is known.

        ``self.kernel``: name ``"kernel"``, shape ``(input_shape[-1], units)``,
        initializer ``"glorot_uniform"``; ``self.bias``: name ``"bias"``, shape
        ``(units,)``, initializer ``"zeros"``. Both trainable, kernel first.
        """
        raise NotImplementedError("ch15.custom_dense: implement CustomDense.build")

    def call(self, inputs):
        """Return ``activation(inputs @ kernel + bias)``, written with ``ops``
        (``ops.matmul``, ``+``) so that it works on symbolic tensors while a model
        is defined and differentiates under a ``GradientTape``. ``inputs`` may have
        more than two axes: ``ops.matmul`` works on the last one."""
        raise NotImplementedError("ch15.custom_dense: implement CustomDense.call")

    def get_config(self):
        """Return the base config (``super().get_config()``) plus ``"units"`` and
        ``"activation"`` (as a name: ``activations.serialize(self.activation)``),
        so that ``CustomDense(**config)`` rebuilds the same layer."""
        raise NotImplementedError("ch15.custom_dense: implement CustomDense.get_config")
