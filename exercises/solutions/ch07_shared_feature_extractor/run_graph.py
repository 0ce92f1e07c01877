"""Chapter 7: running a functional model by hand, and reading its intermediate values."""
import numpy as np  # noqa: F401

from minikeras.models import Model  # noqa: F401


def run_graph(model, inputs):
    """Compute a functional model's outputs on data, node by node, without ``predict``.

    ``inputs`` is one array per model input (a list, in the order of ``model.inputs``;
    a single array is fine for a one-input model). Return a list with one NumPy array
    per model output, in the order of ``model.outputs``.

    Keep a dict from each symbolic tensor (use ``id(tensor)`` as the key) to its value,
    starting with ``model.inputs``. Then run every call of a layer (every Node) of the
    model, each after the nodes it reads from: ``model.graph.nodes_by_depth`` maps each depth
    to a list of Nodes; the deepest come first and depth 0 holds the nodes that make the
    outputs. For each node:

    * skip it if it has no ``input_tensors`` (the node of an InputLayer);
    * look up the values of ``node.input_tensors``; call ``node.outbound_layer`` on them
      (a layer called on arrays computes at once): on the single value if there is one,
      on the list of values if there are several (``concatenate``);
    * store the result (``np.asarray`` it) under each of ``node.output_tensors``; a layer
      with several outputs returns a list.

    In chapter 7's model the LSTM runs once and both interpreters read its value.
    """
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    values = {id(tensor): np.asarray(value) for tensor, value in zip(model.inputs, inputs)}
    for depth in sorted(model.graph.nodes_by_depth, reverse=True):
        for node in model.graph.nodes_by_depth[depth]:
            if not node.input_tensors:
                continue
            args = [values[id(tensor)] for tensor in node.input_tensors]
            result = node.outbound_layer(args[0] if len(args) == 1 else args)
            results = result if isinstance(result, (list, tuple)) else [result]
            for tensor, value in zip(node.output_tensors, results):
                values[id(tensor)] = np.asarray(value)
    return [values[id(tensor)] for tensor in model.outputs]


def probe_model(model, layer_names):
    """A model that returns the outputs of the named layers of ``model``.

    Return a new ``Model`` with the same inputs as ``model`` and, as outputs, the output
    tensors of the layers called ``layer_names`` (a list of names, in that order). It
    must share ``model``'s layers and weights, not copy them: its predictions are the
    intermediate values of ``model``.

    Hint: ``model.get_layer(name).output`` is the symbolic tensor a layer produced.
    """
    outputs = [model.get_layer(name).output for name in layer_names]
    return Model(inputs=model.inputs, outputs=outputs)
