"""Chapter 1: the order in which a functional model lists (and runs) its layers.

``Model(inputs, outputs)`` finds its layers by walking back from the outputs through
the history that every symbolic tensor carries (chapter 1, "Nodes: one call of a layer"):

* ``tensor._keras_history`` is ``(layer, node_index, tensor_index)``: the tensor came out
  of call number ``node_index`` of ``layer``;
* ``layer._inbound_nodes[node_index]`` is that call, a ``Node`` (use ``node_of`` below);
* ``node.outbound_layer`` is the layer that was called, ``node.input_tensors`` the
  tensors it consumed, in call order. The node of an ``InputLayer`` consumes nothing.

A layer called twice (a shared layer) has two nodes: the vertices of the graph are
nodes, not layers.

``model.layers`` is then sorted the Keras 2 way: by decreasing *depth*, the distance
from the outputs (deepest, that is the inputs, first), and between layers of equal
depth in the order a depth-first walk from the outputs first reached them. The same
order is the order in which the model runs its layers, so every layer comes after the
layers it reads from.
"""


def node_of(tensor):
    """The Node (one layer call) that produced the symbolic ``tensor``."""
    layer, node_index, _ = tensor._keras_history
    return layer._inbound_nodes[node_index]


def layer_depths(outputs):
    """Depth of every layer between the model's inputs and ``outputs``, as Keras 2 computes it.

    ``outputs`` is a list of symbolic tensors (the model's outputs, in order). Return a
    dict ``{layer name: depth}`` with one entry for every layer that the outputs depend on
    (the InputLayers included).

    The depth of a node is the length of the longest path from it to an output: 0 for
    the nodes that made the outputs, 1 for the nodes feeding those, and so on. A layer
    takes the depth of its deepest node. Keras 2 computes it in two passes:

    1. Depth-first walk from the outputs (in order): visiting a node means first visiting
       the nodes of its input tensors (in order), then appending the node to a list, so
       that every node comes *after* the nodes it reads from. Visit each node once.
    2. Go through that list *backwards* (so every node comes before the nodes that feed
       it). A node's depth is the largest depth assigned to it so far (0 if none); if its
       layer already has a larger depth (a shared layer called deeper elsewhere), the node
       takes the layer's depth instead. The layer's depth becomes the node's depth. Then
       every node feeding this one gets a depth of at least (this node's depth + 1).

    Example (chapter 3's chain ``input_1 -> dense_1 -> dense_2``):
    ``{"input_1": 2, "dense_1": 1, "dense_2": 0}``.

    Hint: key your dicts by the node and layer objects themselves, and turn layers into
    names only at the end.
    """
    nodes, _ = _walk(outputs)
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):
        layer = node.outbound_layer
        depth = max(node_depth.get(node, 0), layer_depth.get(layer, 0))
        node_depth[node] = depth
        layer_depth[layer] = depth
        for tensor in node.input_tensors:
            parent = node_of(tensor)
            node_depth[parent] = max(node_depth.get(parent, 0), depth + 1)
    return {layer.name: depth for layer, depth in layer_depth.items()}


def keras2_layer_order(outputs):
    """Names of the layers that ``outputs`` depend on, in the order of ``model.layers``.

    ``outputs`` is a list of symbolic tensors. Sort the layers by decreasing depth (as
    in ``layer_depths``: inputs first, output layers last); between layers of equal
    depth, put first the layer that the depth-first walk of ``layer_depths`` (from the
    outputs, in order, through each node's inputs in order) *first arrived at*. "Arrived
    at" means when the walk enters a node, before it visits that node's inputs.

    Example (chapter 7): the summary lists ``dense_1``, the shallow interpreter, after
    ``dense_2`` and ``dense_3`` (deeper), and before ``dense_4`` (equally deep, but the
    walk reaches ``dense_1`` first because it feeds the concatenation's first input).

    You may call your ``layer_depths`` here, or share a helper with it.
    """
    _, arrival = _walk(outputs)
    depths = layer_depths(outputs)
    rank = {layer.name: i for i, layer in enumerate(arrival)}
    return sorted(depths, key=lambda name: (-depths[name], rank[name]))


def _walk(outputs):
    """Depth-first walk from the outputs: (nodes in post-order, layers in order of arrival)."""
    finished, post_order, arrival = set(), [], []

    def visit(node):
        if node in finished:
            return
        if node.outbound_layer not in arrival:
            arrival.append(node.outbound_layer)
        for tensor in node.input_tensors:
            visit(node_of(tensor))
        finished.add(node)
        post_order.append(node)

    for tensor in outputs:
        visit(node_of(tensor))
    return post_order, arrival
