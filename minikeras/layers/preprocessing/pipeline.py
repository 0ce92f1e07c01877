"""``Pipeline``: several layers applied one after the other, as one layer.

Keras 3 offers it for preprocessing, so an augmentation chain can be passed around (to a
``tf.data``-free input function, a model, a dataset map) as one object. Unlike ``Sequential``
it is not a model: it has no inputs, no ``fit``; ``training`` and masks are handed from layer to
layer, and its config lists its layers.
"""
from ...engine.layer import Layer
from ...engine.saving_hooks import saving_function


class Pipeline(Layer):
    """Apply ``layers`` in order (``training`` defaults to True when called directly, as Keras's)."""

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        layers = list(layers)
        for layer in layers:
            if not isinstance(layer, Layer):
                raise ValueError(f"Pipeline {self.name}: every element of `layers` must be a layer; received "
                                 f"{layer!r}.")
        self._pipeline_layers = layers

    @property
    def layers(self):
        return self._pipeline_layers

    def build(self, input_shape):
        """Build each layer on the shape the one before it gives, so the weights exist at once."""
        shape = input_shape
        for layer in self._pipeline_layers:
            layer._maybe_build(shape)
            shape = layer.compute_output_shape(shape)
        self.built = True

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {"training": training} if training is not None else {}
            if mask is not None:
                kwargs["mask"] = mask
            outputs = layer(outputs, **kwargs)
            mask = getattr(outputs, "_keras_mask", None)
        return outputs

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._pipeline_layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self):
        return {"layers": [saving_function("serialize_layer")(layer) for layer in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. "
                             f"Received config with layers={layers!r}.")
        config = {**config, "layers": [saving_function("deserialize_layer")(c, custom_objects) for c in layers]}
        return cls(**config)
