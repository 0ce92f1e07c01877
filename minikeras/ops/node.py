"""A Node is one call of a layer, or of an op (``operation.py``), inside a graph.

A layer called twice (a shared layer) has two nodes but one set of weights. Nodes, not
layers, are the vertices of the model graph: that keeps the graph acyclic even when a
layer is reused. The constructor does the wiring and nothing else.

A node keeps the call's arguments as they were given, positional (``call_args``) and
keyword (``call_kwargs``), with the KerasTensors in place: ``layer(targets, logits)``,
``mha(query, value, key=k, attention_mask=m)`` and ``rnn(x, initial_state=[h, c])`` are
all recorded as written, as Keras 3's ``Node`` does. Its *inputs* are every KerasTensor
found anywhere in those arguments, in Keras 3's order: the positional arguments first,
then the keyword arguments by sorted name (dicts anywhere are walked by sorted key).
Running the node puts values where the tensors were (``arguments_with``).
"""
from .. import tree
from ..engine.tensor import KerasHistory, KerasTensor


def keras_tensors_in(structure):
    """The KerasTensors of a nested structure, in Keras 3's order (dicts by sorted key),
    which is the order summaries show them in and configs refer to them."""
    if isinstance(structure, dict):
        return [t for key in sorted(structure, key=str) for t in keras_tensors_in(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in keras_tensors_in(item)]
    return [structure] if isinstance(structure, KerasTensor) else []


class Node:
    is_model_internal = False   # True only for a graph model's own node 0 (see ``internal``)

    def __init__(self, layer, call_args=(), call_kwargs=None, output_tensors=(), first_keyword=None):
        self.outbound_layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        # The name of the first argument when the call gave it by name (``mha(query=q, ...)``)
        self.first_keyword = first_keyword
        self.input_tensors = keras_tensors_in([list(self.call_args), self.call_kwargs])
        self.output_tensors = list(output_tensors)
        # The common call, ``layer(x)`` with x one tensor, is rebuilt without walking anything.
        self._single_tensor = (len(self.call_args) == 1 and not self.call_kwargs
                               and isinstance(self.call_args[0], KerasTensor))
        # The first argument's tensors, in its own order: the masks a layer receives as ``mask=``
        self.first_tensors = [t for t in tree.flatten(self.first_argument) if isinstance(t, KerasTensor)]
        # Where each input came from: (layer, node index, tensor index), in input order.
        histories = [t._keras_history for t in self.input_tensors]
        if any(h is None for h in histories):
            # An input made without a history (``KerasTensor(...)`` directly) belongs to no
            # graph: as in Keras 3, the call is not wired in and its outputs get no history,
            # so a Model asked to include them says so (graph.py) instead of failing here.
            self.inbound_layers, self.node_indices, self.tensor_indices = [], [], []
            return
        self.inbound_layers = [h.layer for h in histories]
        self.node_indices = [h.node_index for h in histories]
        self.tensor_indices = [h.tensor_index for h in histories]

        layer._inbound_nodes.append(self)
        for inbound in self.inbound_layers:
            inbound._outbound_nodes.append(self)
        node_index = len(layer._inbound_nodes) - 1
        for i, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(layer, node_index, i)

    @classmethod
    def internal(cls, model, inputs, outputs):
        """Keras 2's node 0 of a functional model: its own inputs to its own outputs.

        It links no inbound layers and stamps no history, so calling the model on new
        tensors later makes node 1, shown as ``model_1[1][0]`` in summaries."""
        node = cls.__new__(cls)
        node.outbound_layer = model
        node.input_tensors, node.output_tensors = list(inputs), list(outputs)
        node.call_args, node.call_kwargs, node._single_tensor = (list(inputs),), {}, False
        node.first_keyword = None
        node.first_tensors = list(inputs)
        node.inbound_layers, node.node_indices, node.tensor_indices = [], [], []
        node.is_model_internal = True
        model._inbound_nodes.append(node)
        return node

    # -------------------------------------------------------------------- the recorded call
    @property
    def first_argument(self):
        """The call's first positional argument (the ``inputs`` of most layers): the input
        shapes a layer is built from and the masks it receives come from it."""
        if self.first_keyword is not None:
            return self.call_kwargs[self.first_keyword]
        return self.call_args[0] if self.call_args else None

    @property
    def input_structure(self):
        """How the inputs were passed (one tensor, a list, a dict): the first argument, the one
        most layers take. Calls with tensors in other arguments need ``arguments_with``."""
        return self.first_argument

    def split_arguments(self, values):
        """``(first argument, other positional arguments, keyword arguments)`` of this call
        with ``values`` in place: the form ``Layer.call(inputs, *args, **kwargs)`` takes."""
        args, kwargs = self.arguments_with(values)
        if self.first_keyword is not None:
            return kwargs.pop(self.first_keyword), args, kwargs
        return args[0], args[1:], kwargs

    def arguments_with(self, values):
        """``(args, kwargs)`` of this call with ``values`` (one per ``input_tensors``, in
        order) where the KerasTensors were; everything else (options, constants) as recorded."""
        if self._single_tensor:
            return (values[0],), {}
        by_tensor = {id(t): v for t, v in zip(self.input_tensors, values)}

        def fill(x):
            return by_tensor[id(x)] if isinstance(x, KerasTensor) else x
        args = tuple(tree.map_structure(fill, list(self.call_args)))
        return args, tree.map_structure(fill, self.call_kwargs)

    @property
    def is_input(self):
        """True for the node of an InputLayer: it consumes nothing."""
        return not self.input_tensors

    @property
    def input_shapes(self):
        return [t.shape for t in self.input_tensors]

    @property
    def output_shapes(self):
        return [t.shape for t in self.output_tensors]

    def parent_nodes(self):
        return [layer._inbound_nodes[i] for layer, i in zip(self.inbound_layers, self.node_indices)]

    def __repr__(self):
        index = self.outbound_layer._inbound_nodes.index(self)
        return f"<Node {self.outbound_layer.name}[{index}]>"
