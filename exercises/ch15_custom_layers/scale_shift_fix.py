"""Chapter 15, exercise ch15.fix_custom_layer: a custom layer that only works once.

``BrokenScaleShift`` computes ``y = x * scale + shift`` with one scale and one
shift per feature. It has three bugs, typical of first custom layers:

1. it creates its weights in ``__init__``, with a size guessed in advance (32),
   so it breaks on any input that does not have 32 features;
2. its ``__init__`` does not accept the standard keyword arguments (``name=...``);
3. its ``get_config`` does not return the arguments of ``__init__`` (nor the
   base config), so ``from_config`` cannot rebuild it.

Run ``broken_model()`` to see the first one. Then write ``ScaleShift``.
"""

import minikeras as keras
from minikeras import initializers, layers


class BrokenScaleShift(layers.Layer):
    """The buggy version (do not edit; it is here to be read and run)."""

    def __init__(self, initial_scale=1.0):
        super().__init__()
        self.initial_scale = initial_scale
        self.scale = self.add_weight(name="scale", shape=(32,),
                                     initializer=initializers.Constant(initial_scale))
        self.shift = self.add_weight(name="shift", shape=(32,), initializer="zeros")

    def call(self, inputs):
        return inputs * self.scale + self.shift

    def get_config(self):
        return {"scale": self.initial_scale}


def broken_model():
    inputs = keras.Input(shape=(7,))
    return keras.Model(inputs, BrokenScaleShift(2.0)(inputs))


class ScaleShift(layers.Layer):
    """The repaired layer: ``y = x * scale + shift``, per feature (the last axis)."""

    def __init__(self, initial_scale=1.0, **kwargs):
        """Store ``initial_scale``; pass ``**kwargs`` (name, trainable, dtype) to the base class."""
        raise NotImplementedError("ch15.fix_custom_layer: implement ScaleShift.__init__")

    def build(self, input_shape):
        """Create ``self.scale`` (name ``"scale"``, initialised to ``initial_scale``:
        ``initializers.Constant(self.initial_scale)``) and ``self.shift`` (name
        ``"shift"``, zeros), both of shape ``(input_shape[-1],)``, scale first."""
        raise NotImplementedError("ch15.fix_custom_layer: implement ScaleShift.build")

    def call(self, inputs):
        """``inputs * scale + shift``."""
        raise NotImplementedError("ch15.fix_custom_layer: implement ScaleShift.call")

    def get_config(self):
        """The base config plus ``"initial_scale"``: exactly what ``__init__`` accepts."""
        raise NotImplementedError("ch15.fix_custom_layer: implement ScaleShift.get_config")
