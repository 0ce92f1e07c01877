"""Chapter 6: the "Connected to" column of a branching model's summary, and the shape
rule of ``concatenate``."""


def connected_to(layer, model):
    """The entries of the "Connected to" column for ``layer`` in ``model.summary()``.

    Return a list of strings ``"name[node_index][tensor_index]"``, one for every input
    of every call of ``layer`` that is part of ``model``, in order: calls in the order of
    ``layer._inbound_nodes``, and within a call its inputs in order. For chapter 6's
    model, ``conv2d_1`` gives ``["input_1[0][0]"]`` and ``concatenate_1`` gives
    ``["flatten_1[0][0]", "flatten_2[0][0]"]``; an InputLayer gives ``[]``.

    What you need:

    * ``layer._inbound_nodes``: the layer's calls (Nodes), in the order they were made;
    * ``model.graph.nodes``: the set of Nodes that belong to ``model``. A layer may
      also have been called outside the model (on other tensors): skip those calls;
    * for a node, ``node.inbound_layers``, ``node.node_indices`` and
      ``node.tensor_indices`` are parallel lists describing where each of its inputs
      came from: which layer, which call of that layer, which output of that call.
    """
    raise NotImplementedError("ch06.connected_to: implement connected_to(layer, model)")


def concat_output_shape(shapes, axis=-1):
    """Output shape of ``Concatenate(axis=axis)`` called on tensors of the given ``shapes``.

    ``shapes`` is a list of tuples including the batch axis, whose entries are ints or
    None (unknown). The output has the same rank; along ``axis`` (which may be negative)
    the sizes add up, or are None if any of them is None. Every other axis must agree
    between the inputs: its known sizes must all be equal, and the output takes that
    size (None if all inputs have None there).

    Raise ``ValueError`` if the ranks differ or another axis has two different known
    sizes. Example: ``[(None, 28800), (None, 12544)] -> (None, 41344)``.
    """
    raise NotImplementedError("ch06.concat_shape: implement concat_output_shape(shapes, axis)")
