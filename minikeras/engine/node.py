"""A Node is one call of a layer.

A layer called twice (a shared layer) has two nodes but one set of weights. Nodes, not
layers, are the vertices of the model graph: that keeps the graph acyclic even when a
layer is reused. The constructor does the wiring and nothing else.
"""
from .tensor import KerasHistory


class Node:
    is_model_internal = False   # True only for a graph model's own node 0 (see ``internal``)

    def __init__(self, layer, input_tensors, output_tensors, arguments=None, input_structure=None):
        self.outbound_layer = layer
        self.input_tensors = list(input_tensors)
        self.output_tensors = list(output_tensors)
        self.arguments = dict(arguments or {})
        # How the inputs were passed (one tensor, a list, a dict), to call the layer the same way.
        self.input_structure = input_structure
        # Where each input came from: (layer, node index, tensor index), in call order.
        histories = [t._keras_history for t in self.input_tensors]
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
        node.arguments, node.input_structure = {}, None
        node.inbound_layers, node.node_indices, node.tensor_indices = [], [], []
        node.is_model_internal = True
        model._inbound_nodes.append(node)
        return node

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
