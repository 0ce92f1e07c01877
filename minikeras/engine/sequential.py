"""``Sequential``: a plain stack of layers, each feeding the next.

It is a graph model (a ``Functional``) built incrementally: the first layer's
``input_shape`` makes an Input (named ``<first layer>_input``, as Keras 2 does) and every
``add`` calls the new layer on the current output. Without an input shape it has no
graph yet (``model.graph is None``) and is built the first time it sees data (or on
``build(input_shape)``).
"""
from .functional_config import sequential_from_config, sequential_to_config
from .input_layer import Input, InputLayer
from .layer import Layer
from .model import Functional, Model
from .tensor import KerasTensor


def _graph_or_layer(name):
    """A Functional property that, while the Sequential has no graph yet, answers as a
    layer that was never called (``AttributeError: ... has never been called``)."""
    functional, layer = getattr(Functional, name), getattr(Layer, name)
    return property(lambda self: (functional if self.graph is not None else layer).fget(self))


class Sequential(Functional):
    keras2_numbering_in_configs = False   # Keras 3 counts a nested Sequential's calls from 0
    input, output = _graph_or_layer("input"), _graph_or_layer("output")
    input_shape, output_shape = _graph_or_layer("input_shape"), _graph_or_layer("output_shape")

    def __init__(self, layers=None, name=None, **kwargs):
        Model.__init__(self, name=name, **kwargs)
        self._stack = []          # the layers as added, without the automatic InputLayer
        self._input_tensor = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._stack)

    @property
    def operations(self):
        """A Sequential's vertices are its layers: no op is called between them."""
        return list(self._stack)

    def _sublayers(self):
        return self._stack

    def add(self, layer):
        """Append ``layer``. An ``Input`` tensor or ``InputLayer`` added first fixes the input shape."""
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history.layer, InputLayer):
            layer = layer._keras_history.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"The added layer must be an instance of class Layer. Found: {layer!r}")
        if isinstance(layer, InputLayer):
            if self._stack or self._input_tensor is not None:
                raise ValueError("An InputLayer can only be added first to a Sequential model.")
            self._input_tensor = layer._inbound_nodes[0].output_tensors[0]
            self._connect()
            return
        if layer.name in {l.name for l in self._stack}:
            raise ValueError(f'All layers added to a Sequential model should have unique names. Name '
                             f'"{layer.name}" is already the name of a layer in this model.')
        self._stack.append(layer)
        if self._input_tensor is None and len(self._stack) == 1 and layer._batch_input_shape is not None:
            self._input_tensor = Input(batch_shape=layer._batch_input_shape, dtype=layer.dtype,
                                       name=layer.name + "_input")
        if self._input_tensor is not None:
            x = self.outputs[0] if self.graph is not None else self._input_tensor
            self._connect(layer(x))

    def pop(self):
        """Remove the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        if self._input_tensor is not None:
            output = self._stack[-1]._inbound_nodes[-1].output_tensors[0] if self._stack else None
            self._connect(output)
        return layer

    def _connect(self, output=None):
        """(Re)make the graph from the input tensor to ``output``; no output, no graph."""
        self._inbound_nodes = []
        if output is None:
            self.graph = None
            return
        self._init_graph(self._input_tensor, output)

    @property
    def built(self):
        return self.graph is not None

    @built.setter
    def built(self, value):
        pass  # a Sequential is built exactly when it has a graph

    def build(self, input_shape=None):
        """Build a Sequential that has no input shape yet: ``model.build((None, 784))``."""
        if self.graph is not None:
            return
        if input_shape is None:
            raise ValueError(f"Sequential model {self.name} has no input shape: pass one to build(), "
                             "or give the first layer an `input_shape`.")
        if not self._stack:
            raise ValueError(f"Sequential model {self.name} has no layers to build.")
        self._input_tensor = Input(batch_shape=tuple(input_shape), name=self._stack[0].name + "_input")
        x = self._input_tensor
        for layer in self._stack:
            x = layer(x)
        self._connect(x)

    def _maybe_build(self, input_shape):
        """Called with the first data or tensor the model sees; the batch size stays free."""
        if self.graph is None:
            self.build((None,) + tuple(input_shape[1:]))

    _build_for_data = _maybe_build

    def assert_input_compatibility(self, inputs):
        if self.graph is not None:   # without a graph, the first input is what builds it
            super().assert_input_compatibility(inputs)

    def get_config(self):
        return sequential_to_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return sequential_from_config(cls, config, custom_objects=custom_objects)
