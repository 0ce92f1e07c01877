"""The graph of a functional model: which layer calls it holds, and the one walk over them.

A model built as ``Model(inputs, outputs)`` is a data structure before it is code. Its
graph is discovered from the outputs (``map_graph``) and kept in a ``Graph``, which is
public as ``model.graph``: the summary, the plot, the config and clone_model read it, and
every evaluation of the model, whether on numbers or on shapes, is the one walk
``graph.run(inputs, fn)`` with a different ``fn``.

``map_graph`` is a pure function: a depth-first search from the outputs collects the
nodes, gives every node a depth (the longest path to an output), and orders layers by
decreasing depth, ties broken by first visit, exactly as Keras 2 does.
"""
from collections import namedtuple

from .. import tree
from ..ops.operation import Operation
from .input_layer import InputLayer
from .tensor import KerasTensor

# ``layers`` here are every vertex, layers and operations (``ops/operation.py``) alike: the
# walk does not tell them apart. ``Graph`` splits them into ``operations`` and ``layers``.
GraphMap = namedtuple("GraphMap", ["nodes", "nodes_by_depth", "layers", "layers_by_depth"])


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
    return GraphMap(set(nodes_depths), nodes_by_depth, layers, layers_by_depth)


class Graph:
    """The layer calls between a model's inputs and outputs, and how to walk them.

    * ``inputs``, ``outputs``: the model's KerasTensors, flat, in order;
      ``input_structure``, ``output_structure``: as the model was built (one tensor, a
      list or a dict), so results come back in the shape the user gave;
    * ``input_layers``, ``output_layers`` and their ``input_names``, ``output_names``;
    * ``nodes`` (a set), ``nodes_by_depth``, ``operations`` (Keras's order: the layers and
      the ops called on symbolic tensors between them, ``ops/operation.py``),
      ``layers_by_depth``: what ``map_graph`` found; ``layers``: the operations that are
      layers (``model.layers``, as Keras 3 lists them);
    * ``execution_order``: the nodes that do work, deepest first, which is an order in
      which every node comes after the nodes it reads from.
    """

    def __init__(self, inputs, outputs):
        self.input_structure, self.output_structure = inputs, outputs
        self.inputs = _check_tensors(tree.flatten(inputs), "Input")
        self.outputs = _check_tensors(tree.flatten(outputs), "Output")
        if len({id(x) for x in self.inputs}) != len(self.inputs):
            raise ValueError("The list of inputs passed to the model is redundant. All inputs should "
                             f"only appear once. Found: {self.inputs}")
        for x in self.inputs:
            layer = x._keras_history.layer
            if not isinstance(layer, InputLayer):
                raise TypeError(
                    "Input layers to a `Model` must be `InputLayer` objects (tensors made by "
                    f"keras.Input). Received a tensor from layer {layer.name} of type "
                    f"`{type(layer).__name__}`.")
        self.nodes, self.nodes_by_depth, self.operations, self.layers_by_depth = map_graph(self.inputs,
                                                                                          self.outputs)
        self.layers = [op for op in self.operations if not isinstance(op, Operation)]
        self.input_layers = [x._keras_history.layer for x in self.inputs]
        self.output_layers = [x._keras_history.layer for x in self.outputs]
        self.input_names = [layer.name for layer in self.input_layers]
        self.output_names = [layer.name for layer in self.output_layers]
        self.execution_order = [node for depth in sorted(self.nodes_by_depth, reverse=True)
                                for node in self.nodes_by_depth[depth] if not node.is_input]
        self._plan = _execution_plan(self.inputs, self.execution_order, self.outputs)

    # -------------------------------------------------------------------- the walk
    def run(self, inputs, fn):
        """Walk the graph once: ``inputs`` are values for ``self.inputs`` (a flat list, in
        order); ``fn(node, values)`` computes one call from the values of
        ``node.input_tensors`` and returns those of ``node.output_tensors`` (both flat lists).
        Returns the values of ``self.outputs``, flat.

        What a "value" is belongs to ``fn``: arrays give the model's outputs (the model's
        ``fn`` keeps the masks beside them), KerasTensors its output shapes, new layers'
        outputs a clone of the model.

        The values live in a list of slots, one per tensor of the graph, and each step of
        the plan (``_execution_plan``) says which slots a node reads and fills."""
        if len(inputs) != len(self.inputs):
            raise ValueError(f"graph.run: the graph has {len(self.inputs)} input(s), "
                             f"received {len(inputs)} value(s).")
        steps, output_slots, slot_count = self._plan
        values = list(inputs) + [None] * (slot_count - len(inputs))
        for node, input_slots, node_output_slots in steps:
            outputs = fn(node, [values[i] for i in input_slots])
            for i, v in zip(node_output_slots, outputs):
                values[i] = v
        return [values[i] for i in output_slots]

    @property
    def input_keys(self):
        """How dict data names the inputs: the dict's keys if the model was built from a
        dict, else the input layers' names (``input_checks.py`` matches data with them)."""
        if isinstance(self.input_structure, dict):
            return tree.sorted_keys(self.input_structure)
        return list(self.input_names)


def _execution_plan(inputs, execution_order, outputs):
    """The walk of ``Graph.run`` worked out once: ``(steps, output_slots, slot_count)``.

    Why it exists: a model runs its graph at every training step and every predicted
    batch, and its tensors never change. Finding each value by the tensor's identity in
    a dict costs a hash lookup per input and output of every node, every time. Instead
    every tensor gets a number (a slot) once, here: the inputs first, then each node's
    outputs in execution order. A step is ``(node, input_slots, output_slots)``, and
    ``run`` only indexes a list. The plan belongs to the ``Graph``, which never changes:
    a model whose layers change (``Sequential.add``) gets a new ``Graph``, hence a new plan.
    """
    slots = {id(t): i for i, t in enumerate(inputs)}
    steps = []
    for node in execution_order:
        input_slots = [slots[id(t)] for t in node.input_tensors]
        output_slots = []
        for t in node.output_tensors:
            slots[id(t)] = len(slots)
            output_slots.append(slots[id(t)])
        steps.append((node, input_slots, output_slots))
    return steps, [slots[id(t)] for t in outputs], len(slots)


def _check_tensors(tensors, kind):
    for x in tensors:
        if not isinstance(x, KerasTensor) or x._keras_history is None:
            if kind == "Input":
                raise ValueError(
                    "Input tensors to a Model must come from `keras.Input`. Received: "
                    f"{x!r} (missing previous layer metadata).")
            raise ValueError(
                "Output tensors to a Model must be the output of a Keras `Layer` or op called on "
                "tensors that come from `keras.Input` (thus holding past layer metadata). Found: "
                f"{x!r}, which has no history: it was made directly (keras.KerasTensor(...)) or "
                "from such a tensor, so no graph leads to it from the model's inputs.")
    return list(tensors)
