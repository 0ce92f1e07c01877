"""``Model``, and ``Functional``: the model that is a graph of layer calls.

A model is written in one of two ways, and they are two classes:

* ``Model(inputs, outputs)`` builds a ``Functional``: a data structure, ``model.graph``,
  that can be summarised, plotted, saved as a config and run on numbers or on shapes;
* ``class MyModel(Model)`` with a ``call()`` method is a plain ``Model``: Python code,
  known only by running it.

``Model.__new__`` makes the choice, as in Keras 3: calling ``Model`` with inputs and
outputs returns a ``Functional``, which is a ``Model`` too. Both are Layers (a model can
be called inside another model) and Trainers (``compile``/``fit``/``evaluate``/``predict``).
"""
import functools
import inspect

from .. import backend, tree
from ..ops.operation import Operation, tracing
from ..ops.node import Node, keras_tensors_in
from ..ops.tensor import convert_to_tensor
from .functional_config import functional_from_config, functional_to_config, is_functional_config
from .graph import Graph
from .input_checks import check_input_shapes, match_inputs
from . import masking
from .call_signature import call_arguments
from .layer import Layer, handles_masks, unpack_singleton
from .tensor import KerasTensor
from .saving_hooks import saving_function
from .summary import print_summary
from .trainer import Trainer


class Model(Trainer, Layer):
    """The base class of every model; ``Model(inputs, outputs)`` gives a ``Functional``.

    A subclass defines its layers in ``__init__`` and its computation in ``call()``;
    it has no ``graph``. A subclass built from inputs and outputs (to override
    ``train_step``, say) is made a graph version of itself, a Functional too. Saving and loading go through ``minikeras.saving``
    (``model.save`` is ``keras.saving.save_model(model, ...)``)."""

    graph = None   # a subclassed model's computation is its call(): there is no graph to read

    def __new__(cls, *args, **kwargs):
        # Only Model itself turns into a Functional here: a subclass's own arguments (units=4)
        # are not inputs and outputs; its __init__ passing them up makes it a graph model.
        if cls is Model and _builds_a_graph(args, kwargs):
            cls = Functional
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, name=None, trainable=True, **kwargs):
        if _builds_a_graph(args, kwargs):
            # A subclass (one that overrides train_step, say) whose __init__ passes inputs and
            # outputs up: its class becomes a graph model, as in Keras 3.
            _graph_version(type(self))
            Functional.__init__(self, *args, name=name, trainable=trainable, **kwargs)
            return
        if not name:
            prefix = "model" if type(self) is Functional else type(self).__name__.lower()
            name = prefix + "_" + str(backend.get_uid(prefix))
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        Trainer.__init__(self)

    @property
    def layers(self):
        """The model's layers: a subclassed model lists none (its call() is not read)."""
        return []

    @property
    def operations(self):
        """The vertices of the model's graph, layers and ops (a graph model lists its ops)."""
        return self.layers

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` in ``model.layers``."""
        if index is not None:
            if name is not None:
                raise ValueError("Provide either a layer name or a layer index, not both.")
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}.")

    def call(self, inputs, training=None, mask=None):
        raise NotImplementedError(f"Model {self.name} has no graph: a subclassed Model must "
                                  "define call(), or be built with Model(inputs, outputs).")

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print the layer table (Keras 2 layout). Returns None, as Keras does."""
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling build() or "
                "calling fit() with some data. Or specify input_shape or batch_input_shape in the "
                "first layer for automatic build.")
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    # -------------------------------------------------------------------- files (minikeras.saving)
    def save(self, filepath, overwrite=True, **kwargs):
        """Save to ``.keras`` (Keras 3's zip) or ``.h5`` (Keras 2's HDF5)."""
        saving_function("save_model")(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        saving_function("save_weights")(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        saving_function("load_weights")(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        return saving_function("model_to_json")(self, **kwargs)

    def _build_for_data(self, input_shape):
        """Make the graph of a model that gets it from its first data (a Sequential without
        an input shape). Other models have nothing to build here."""

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A graph config (one with ``layers`` and their calls) makes a ``Functional``, as
        ``Model.from_config`` does in Keras; otherwise the config is ``cls``'s arguments."""
        if cls is Model and is_functional_config(config):
            return functional_from_config(Functional, config, custom_objects=custom_objects)
        return cls(**config)


class Functional(Model):
    """A model defined by the graph of layer calls from its inputs to its outputs.

    ``inputs`` and ``outputs`` are KerasTensors (one, a list, or a dict), and results come
    back in the structure ``outputs`` was given in. ``model.graph`` holds the graph; every
    evaluation is one ``graph.run``."""

    keras2_numbering_in_configs = True   # see functional_config: Keras 3 counts its calls from 1

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        self.graph = Graph(inputs, outputs)
        self.inputs, self.outputs = self.graph.inputs, self.graph.outputs
        self.input_layers, self.output_layers = self.graph.input_layers, self.graph.output_layers
        self.input_names, self.output_names = self.graph.input_names, self.graph.output_names
        self.built = True
        Node.internal(self, self.inputs, self.outputs)

    @property
    def layers(self):
        """The layers of the graph; the ops called between them are not layers (Keras 3)."""
        return list(self.graph.layers)

    @property
    def operations(self):
        """Every vertex of the graph in order: the layers and the ops (``x + y``, ``ops.mean``)."""
        return list(self.graph.operations)

    def _sublayers(self):
        return self.graph.layers

    @property
    def input(self):
        return unpack_singleton(list(self.inputs))

    @property
    def output(self):
        return unpack_singleton(list(self.outputs))

    @property
    def input_shape(self):
        return unpack_singleton([x.shape for x in self.inputs])

    @property
    def output_shape(self):
        return unpack_singleton([x.shape for x in self.outputs])

    # -------------------------------------------------------------------- running
    def call(self, inputs, training=None, mask=None):
        tensors = [convert_to_tensor(x, dtype=None) for x in match_inputs(self, inputs)]
        check_input_shapes(self, [t.shape for t in tensors])
        given = [None] * len(tensors) if mask is None else tree.flatten(mask)
        input_masks = [m if m is not None else masking.get_keras_mask(t) for m, t in zip(given, tensors)]
        return self._run_nodes(tensors, training, input_masks)

    def _run_nodes(self, tensors, training=None, input_masks=None):
        """The model's outputs for input values already checked, in ``self.inputs`` order:
        training checks a whole dataset once, not every batch again.

        Masks travel beside the values (a dict by tensor, from ``input_masks`` and the
        layers that make masks); the outputs carry theirs as ``_keras_mask``, for the loss."""
        masks = {id(t): m for t, m in zip(self.inputs, input_masks or []) if m is not None}
        call_node = functools.partial(_call_layer, training, masks)
        outputs = self.graph.run(tensors, call_node)
        for t, value in zip(self.outputs, outputs):
            if masks.get(id(t)) is not None and hasattr(value, "_keras_mask"):
                masking.set_keras_mask(value, masks[id(t)])
        return tree.pack_sequence_as(self.graph.output_structure, outputs)

    def _symbolic_call(self, inputs, kwargs, args=()):
        """The model called on new KerasTensors: the same walk, each layer making its
        output tensors from its input tensors."""
        def call_node(node, values):
            if isinstance(node.outbound_layer, Operation):
                with tracing():  # the new tensors belong to the node of the whole model
                    return _call_operation(node, values)
            x, args, kwargs = node.split_arguments(values)
            return tree.flatten(node.outbound_layer._symbolic_call(x, kwargs, args))

        flat = match_inputs(self, inputs)
        return tree.pack_sequence_as(self.graph.output_structure, self.graph.run(flat, call_node))

    def assert_input_compatibility(self, inputs):
        check_input_shapes(self, [x.shape for x in match_inputs(self, inputs)])

    # -------------------------------------------------------------------- config
    def get_config(self):
        return functional_to_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return functional_from_config(cls, config, custom_objects=custom_objects)


def _builds_a_graph(args, kwargs):
    """Keras 3's test for ``Model(inputs, outputs)``: two positional arguments, or one and
    ``outputs=``, or both by name."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)


def _graph_version(cls):
    """``cls`` (a subclass of Model) made a graph model: where its class tree says ``Model``,
    it now says ``Functional``, so it keeps its own methods (a custom ``train_step``) and its
    own name, as Keras 3 does for a subclass built from inputs and outputs."""
    for klass in cls.__mro__:
        if Model in klass.__bases__:
            klass.__bases__ = tuple(Functional if base is Model else base for base in klass.__bases__)
    return cls


def _call_layer(training, masks, node, values):
    """Run one recorded call on values: the same arguments as when the model was defined,
    plus ``training``, and the masks (``masks``: mask values by tensor, for the tensors that
    have one), with the rules of ``engine/masking.py``: the masks of the first argument's
    tensors go to ``mask=``; a call with several tensor arguments also gets, for each argument
    ``name`` whose tensors carry masks, their masks as ``name_mask=`` when ``call`` takes that
    keyword (MultiHeadAttention's ``query_mask``, ``value_mask``, ``key_mask``)."""
    layer = node.outbound_layer
    if isinstance(layer, Operation):
        return _call_operation(node, values)
    x, call_args, kwargs = node.split_arguments(values)
    accepted = call_arguments(type(layer))
    if training is not None and ("training" in accepted or "**" in accepted):
        kwargs["training"] = training
    if not masks and not handles_masks(layer, accepted):
        # The usual case, kept fast: no mask has appeared yet and this layer neither reads
        # one nor makes one.
        outputs = tree.flatten(layer.call(x, *call_args, **kwargs))
        layer.add_activity_losses(outputs)
        return outputs
    in_masks = tree.map_structure(lambda t: masks.get(id(t)) if isinstance(t, KerasTensor) else None,
                                  node.first_argument)
    for name, tensors in _masked_tensor_arguments(node):
        if kwargs.get(name + "_mask") is None:
            kwargs[name + "_mask"] = unpack_singleton([masks.get(id(t)) for t in tensors])
    kwargs, previous_mask = masking.with_mask_argument(layer, kwargs, in_masks, accepted)
    outputs = layer.call(x, *call_args, **kwargs)
    flat_outputs = tree.flatten(outputs)
    layer.add_activity_losses(flat_outputs)
    for t, m in zip(node.output_tensors, masking.output_masks(layer, x, outputs, previous_mask)):
        if m is not None:
            masks[id(t)] = m
    return flat_outputs


def _call_operation(node, values):
    """Run a recorded op (``x + y``, ``ops.mean(x, axis=1)``) on values: the function on the
    call's arguments and the op's options. It takes no ``training`` and gives no mask; on
    symbolic values (a nested model called on new tensors) it only works out shapes."""
    args, kwargs = node.arguments_with(values)
    return tree.flatten(node.outbound_layer.compute(*args, **kwargs))


def _masked_tensor_arguments(node):
    """``[(argument name, its KerasTensors)]`` for the call's tensor arguments that carry a mask
    and whose ``name_mask`` keyword ``call`` accepts; empty unless the call has several tensor
    arguments. Worked out once per node: the names come from binding the call's signature."""
    cached = getattr(node, "_masked_arguments", None)
    if cached is not None:
        return cached
    found = []
    if len(node.input_tensors) > 1 and not node.is_model_internal:
        layer = node.outbound_layer
        try:
            bound = inspect.signature(layer.call).bind(*node.call_args, **node.call_kwargs).arguments
        except TypeError:
            bound = {}
        tensor_arguments = {name: keras_tensors_in(value) for name, value in bound.items()}
        tensor_arguments = {name: ts for name, ts in tensor_arguments.items() if ts}
        accepted = call_arguments(type(layer))
        if len(tensor_arguments) > 1:
            found = [(name, ts) for name, ts in tensor_arguments.items()
                     if name + "_mask" in accepted and any(t._keras_mask is not None for t in ts)]
    node._masked_arguments = found
    return found
