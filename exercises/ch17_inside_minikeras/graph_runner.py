"""Chapter 17, exercise ch17.run_graph: how a functional model runs.

A functional model does not store Python code: it stores a graph of nodes (one
per layer call), sorted by depth. ``model(x)`` and ``model.predict(x)`` walk
that graph from the inputs to the outputs, calling each layer on the values of
its input tensors. Write that walk. (The tests make ``model(...)`` and
``model.predict`` unavailable on the model you run: you have to walk its graph.)
"""

import numpy as np


def run_model(model, inputs):
    """Evaluate the functional ``model`` on ``inputs``; return a list of NumPy arrays.

    ``inputs`` is a list of arrays, one per ``model.inputs`` (same order). Return
    one array per ``model.outputs``, in that order.

    What you need from the graph (chapters 1 and 10):

    * ``model.graph.nodes_by_depth`` is a dict ``{depth: [nodes]}``; the deepest nodes
      come first (the input layers have the largest depth, the nodes that make the
      outputs depth 0). Every node reads only tensors made at greater depths.
    * a node has ``input_tensors`` and ``output_tensors`` (symbolic tensors) and
      ``outbound_layer`` (the layer that was called). The node of an
      ``InputLayer`` has no input tensors: skip it, its output tensor is one of
      ``model.inputs``.
    * keep a dict from ``id(symbolic tensor)`` to its value. To run a node, call
      ``node.outbound_layer`` on the values of its input tensors: one value if the
      layer was called on one tensor, the list of values if it was called on a
      list (``add``, ``concatenate``: ``node.input_structure`` says how it was
      called). The result is one value (or a list, for several output tensors).

    A nested model is a layer like any other: calling it on arrays runs its own graph.
    """
    raise NotImplementedError("ch17.run_graph: implement run_model()")
