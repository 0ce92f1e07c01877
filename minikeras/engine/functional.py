"""``Model(inputs, outputs)``: a graph of layer calls, discovered from the outputs.

``map_graph`` is a pure function: a depth-first search from the outputs collects the
nodes, gives every node a depth (the longest path to an output), and orders layers by
decreasing depth, ties broken by first visit, exactly as Keras 2 does. The same result
drives execution (``call``), the summary and the plot.
"""
from collections import namedtuple

import numpy as np

from .. import backend
from ..ops.tensor import Tensor, convert_to_tensor
from .input_layer import InputLayer
from .layer import Layer, _call_arguments, flatten, pack_like, unpack_singleton
from .node import Node
from .tensor import KerasTensor
from .trainer import Trainer

Graph = namedtuple("Graph", ["nodes", "nodes_by_depth", "layers", "layers_by_depth"])


def map_graph(inputs, outputs):
    """Discover the graph between ``inputs`` and ``outputs`` (lists of KerasTensors).

    Returns the set of nodes, ``nodes_by_depth`` and ``layers_by_depth`` (dicts from depth
    to lists, deepest = inputs), and ``layers`` in Keras's order.
    """
    finished, in_progress = set(), set()
    layer_indices = {}            # first-visit order of the DFS: the tie-break between equal depths
    nodes_in_decreasing_depth = []

    def build_map(tensor, layer, node_index):
        node = layer._inbound_nodes[node_index]
        if node in in_progress:
            raise ValueError(f'The tensor {tensor} at layer "{layer.name}" is part of a cycle.')
        if node in finished:
            return
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(node)
        for x, inbound_layer, index in zip(node.input_tensors, node.inbound_layers, node.node_indices):
            build_map(x, inbound_layer, index)
        finished.add(node)
        in_progress.remove(node)
        nodes_in_decreasing_depth.append(node)

    for x in outputs:
        layer, node_index, _ = x._keras_history
        build_map(x, layer, node_index)

    # Depth of a node = longest path to any output. A shared layer keeps its deepest depth.
    nodes_depths, layers_depths = {}, {}
    for node in reversed(nodes_in_decreasing_depth):
        depth = nodes_depths.setdefault(node, 0)
        depth = max(depth, layers_depths.get(node.outbound_layer, 0))
        layers_depths[node.outbound_layer] = depth
        nodes_depths[node] = depth
        for parent in node.parent_nodes():
            nodes_depths[parent] = max(depth + 1, nodes_depths.get(parent, 0))

    nodes_by_depth, layers_by_depth = {}, {}
    for node, depth in nodes_depths.items():
        nodes_by_depth.setdefault(depth, []).append(node)
    for layer, depth in layers_depths.items():
        layers_by_depth.setdefault(depth, []).append(layer)

    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers += sorted(layers_by_depth[depth], key=lambda l: layer_indices[l])

    # Every tensor a node consumes must be computable from the given inputs.
    computable = {id(x) for x in inputs}
    accessed = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            layer = node.outbound_layer
            needed = node.output_tensors if node.is_input else node.input_tensors
            for x in needed:
                if id(x) not in computable:
                    raise ValueError(
                        f"Graph disconnected: cannot obtain value for tensor {x} at layer "
                        f'"{layer.name}". The following previous layers were accessed without '
                        f"issue: {accessed}. (The model's inputs are "
                        f"{[t.name for t in inputs]}; the tensor above comes from "
                        f'"{x._keras_history.layer.name}", which is not among them: pass it to '
                        "Model(inputs=...) or build the model from the tensors you gave.)")
            computable.update(id(x) for x in node.output_tensors)
            accessed.append(layer.name)

    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the model. '
                             "All layer names should be unique.")
    return Graph(set(nodes_depths), nodes_by_depth, layers, layers_by_depth)


class Model(Trainer, Layer):
    """A functional model, ``Model(inputs, outputs, name=...)``, or a subclassed one.

    A Model is a Layer: calling it on new tensors nests it in a bigger model, sharing its
    weights. ``model.layers`` lists its layers in Keras's order.
    """

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        if not name:
            prefix = type(self).__name__.lower()
            name = prefix + "_" + str(backend.get_uid(prefix))
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        Trainer.__init__(self)
        self._layers = []
        self._is_graph_network = False
        if inputs is not None or outputs is not None:
            self._init_graph(inputs, outputs)

    # -------------------------------------------------------------------- the graph
    def _init_graph(self, inputs, outputs):
        self._input_structure = inputs
        self._output_structure = outputs
        self.inputs = _check_tensors(flatten(inputs), "Input")
        self.outputs = _check_tensors(flatten(outputs), "Output")
        if len({id(x) for x in self.inputs}) != len(self.inputs):
            raise ValueError("The list of inputs passed to the model is redundant. All inputs should "
                             f"only appear once. Found: {self.inputs}")
        for x in self.inputs:
            if not isinstance(x._keras_history.layer, InputLayer):
                layer = x._keras_history.layer
                raise TypeError(
                    "Input layers to a `Model` must be `InputLayer` objects (tensors made by "
                    f"keras.Input). Received a tensor from layer {layer.name} of type "
                    f"`{type(layer).__name__}`.")
        graph = map_graph(self.inputs, self.outputs)
        self._network_nodes = graph.nodes
        self._nodes_by_depth = graph.nodes_by_depth
        self._layers_by_depth = graph.layers_by_depth
        self._layers = graph.layers
        self.input_layers = [x._keras_history.layer for x in self.inputs]
        self.output_layers = [x._keras_history.layer for x in self.outputs]
        self.input_names = [layer.name for layer in self.input_layers]
        self.output_names = [layer.name for layer in self.output_layers]
        # Nodes in execution order: deepest first; input nodes need no work.
        self._execution_nodes = [node for depth in sorted(graph.nodes_by_depth, reverse=True)
                                 for node in graph.nodes_by_depth[depth] if not node.is_input]
        self._is_graph_network = True
        self.built = True
        Node.internal(self, self.inputs, self.outputs)

    @property
    def layers(self):
        return list(self._layers)

    def _sublayers(self):
        return self._layers if self._is_graph_network else self._tracked_layers

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

    @property
    def input(self):
        return unpack_singleton(list(self.inputs)) if self._is_graph_network else Layer.input.fget(self)

    @property
    def output(self):
        return unpack_singleton(list(self.outputs)) if self._is_graph_network else Layer.output.fget(self)

    @property
    def input_shape(self):
        if self._is_graph_network:
            return unpack_singleton([x.shape for x in self.inputs])
        return Layer.input_shape.fget(self)

    @property
    def output_shape(self):
        if self._is_graph_network:
            return unpack_singleton([x.shape for x in self.outputs])
        return Layer.output_shape.fget(self)

    # -------------------------------------------------------------------- running
    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError(f"Model {self.name} has no graph: a subclassed Model must "
                                      "define call(), or be built with Model(inputs, outputs).")
        return self._run_graph(inputs, training)

    def _run_graph(self, inputs, training=None):
        """Check and flatten ``inputs`` (array, list or dict), then evaluate the graph."""
        return self._run_nodes(self._flatten_inputs(inputs), training)

    def _run_nodes(self, tensors, training=None):
        """Evaluate every node in depth order, feeding each layer its inputs' values.

        ``tensors`` are the model's inputs, already checked, in ``self.inputs`` order:
        training checks a whole dataset once, not every batch again."""
        values = {id(t): v for t, v in zip(self.inputs, tensors)}
        masks = {}
        for node in self._execution_nodes:
            layer = node.outbound_layer
            args = [values[id(t)] for t in node.input_tensors]
            x = pack_like(node.input_structure, args)
            kwargs = dict(node.arguments)
            call_args = kwargs.pop("args", ())
            accepted = _call_arguments(type(layer))
            if training is not None and ("training" in accepted or "**" in accepted):
                kwargs["training"] = training
            in_masks = None
            if any(t._keras_mask is not None for t in node.input_tensors):
                in_masks = unpack_singleton([masks.get(id(t)) for t in node.input_tensors])
                if "mask" in accepted:
                    kwargs["mask"] = in_masks
            out = layer.call(x, *call_args, **kwargs)
            flat_out = flatten(out)
            for t, v in zip(node.output_tensors, flat_out):
                values[id(t)] = v
            if any(t._keras_mask is not None for t in node.output_tensors):
                out_mask = layer.compute_mask(x, in_masks)
                flat_masks = out_mask if isinstance(out_mask, list) else [out_mask] * len(flat_out)
                for t, m in zip(node.output_tensors, flat_masks):
                    masks[id(t)] = m
        return pack_like(self._output_structure, [values[id(t)] for t in self.outputs])

    def _flatten_inputs(self, inputs):
        """Model inputs as a list in ``self.inputs`` order (dicts are matched by input name)."""
        if isinstance(inputs, dict):
            keys = list(self._input_structure) if isinstance(self._input_structure, dict) else self.input_names
            missing = [k for k in keys if k not in inputs]
            if missing:
                raise ValueError(f"Model {self.name}: no data for input(s) {missing}. The dict keys "
                                 f"given are {list(inputs)}; expected {keys}.")
            unknown = [k for k in inputs if k not in keys]
            if unknown:
                raise ValueError(f"Model {self.name}: the input dict has key(s) {unknown} that match no "
                                 f"input. The model's inputs are {keys}.")
            flat = [inputs[k] for k in keys]
        else:
            flat = flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} input(s) "
                             f"({self.input_names}), but it received {len(flat)}.")
        tensors = [convert_to_tensor(x, dtype=None) for x in flat]
        for tensor, ref, name in zip(tensors, self.inputs, self.input_names):
            shape = tensor.shape
            if len(shape) != len(ref.shape) or any(
                    r is not None and r != d for r, d in zip(ref.shape[1:], shape[1:])):
                raise ValueError(
                    f"Input '{name}' of model {self.name} expects data of shape {ref.shape} (any batch "
                    f"size in place of None), but received an array of shape {tuple(shape)}.")
        return tensors

    def _symbolic_call(self, inputs, kwargs, args=()):
        if not self._is_graph_network:
            return Layer._symbolic_call(self, inputs, kwargs, args)
        values = {id(t): v for t, v in zip(self.inputs, self._flatten_inputs_symbolic(inputs))}
        for node in self._execution_nodes:
            x = pack_like(node.input_structure, [values[id(t)] for t in node.input_tensors])
            out = node.outbound_layer._symbolic_call(x, {k: v for k, v in node.arguments.items()
                                                         if k != "args"}, node.arguments.get("args", ()))
            for t, v in zip(node.output_tensors, flatten(out)):
                values[id(t)] = v
        return pack_like(self._output_structure, [values[id(t)] for t in self.outputs])

    def _flatten_inputs_symbolic(self, inputs):
        if isinstance(inputs, dict):
            keys = list(self._input_structure) if isinstance(self._input_structure, dict) else self.input_names
            return [inputs[k] for k in keys]
        return flatten(inputs)

    def assert_input_compatibility(self, inputs):
        if not self._is_graph_network:
            return
        given = self._flatten_inputs_symbolic(inputs) if isinstance(inputs, dict) else flatten(inputs)
        if len(given) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} input(s) "
                             f"({self.input_names}), but it received {len(given)}.")
        for i, (x, ref) in enumerate(zip(given, self.inputs)):
            shape = tuple(x.shape)
            compatible = len(shape) == len(ref.shape) and all(
                a is None or b is None or a == b for a, b in zip(shape[1:], ref.shape[1:]))
            if not compatible:
                raise ValueError(
                    f"Input {i} of model {self.name} is incompatible with the model: expected shape "
                    f"{ref.shape}, found shape {shape}.")

    # -------------------------------------------------------------------- summary and config
    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print the layer table (Keras 2 layout). Returns None, as Keras does."""
        from .summary import print_summary
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling build() or "
                "calling fit() with some data. Or specify input_shape or batch_input_shape in the "
                "first layer for automatic build.")
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def get_config(self):
        from ..saving.serialization import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import functional_from_config
        return functional_from_config(config, custom_objects=custom_objects, cls=cls)

    # -------------------------------------------------------------------- files (minikeras.saving)
    def save(self, filepath, overwrite=True, **kwargs):
        """Save to ``.keras`` (Keras 3's zip) or ``.h5`` (Keras 2's HDF5)."""
        from ..saving import save_model
        save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        from ..saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        from ..saving import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        from ..saving import model_to_json
        return model_to_json(self, **kwargs)


Functional = Model


def _check_tensors(tensors, kind):
    for x in tensors:
        if not isinstance(x, KerasTensor) or x._keras_history is None:
            if kind == "Input":
                raise ValueError(
                    "Input tensors to a Model must come from `keras.Input`. Received: "
                    f"{x!r} (missing previous layer metadata).")
            raise ValueError(
                "Output tensors to a Model must be the output of a Keras `Layer` (thus holding past "
                f"layer metadata). Found: {x!r}")
    return list(tensors)
