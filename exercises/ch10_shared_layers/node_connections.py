"""Chapter 10, exercise ch10.connections: the "Connected to" column of the summary.

In a summary, a shared layer has one row per call, and each input of each call is
written ``layer_name[node_index][tensor_index]``: the layer that produced the
tensor, which call of that layer (the node index) and which output of that call.
Here you compute that column yourself from the graph.
"""


def connected_to(model, layer):
    """Return the "Connected to" entries of ``layer`` in ``model.summary()``, as strings.

    For every call (node) of ``layer`` that belongs to ``model``, in call order,
    and for every input tensor of that call, in order, give
    ``f"{inbound_layer.name}[{node_index}][{tensor_index}]"``. An ``InputLayer``
    has no inputs, so its list is empty.

    What you need (chapter 1 and this chapter):

    * ``layer._inbound_nodes`` is the list of the layer's calls (``Node`` objects);
      the position of a node in that list is its node index;
    * a node has ``inbound_layers``, ``node_indices`` and ``tensor_indices``: one
      entry per input tensor, saying where that tensor came from (the same
      information is in each input tensor's ``_keras_history``);
    * a layer can be called in several models, or outside any model:
      ``model.graph.nodes`` is the set of nodes that make up ``model``'s graph.
      Keep only those.
    """
    raise NotImplementedError("ch10.connections: implement connected_to()")
