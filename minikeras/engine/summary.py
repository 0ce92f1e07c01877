"""``model.summary()`` in the classic Keras 2 layout.

Sequential-like models get three columns in 65 characters; models that branch, merge
or share layers get a fourth column, "Connected to", in 100. Every row is padded to the
full width and each field is cut at its column, exactly as Keras 2.0 prints it.

An op called between layers (``x + y``, ``ops.mean``, ``ops/operation.py``) has a row of its
own, as in Keras 3's summary: ``add_1 (Add)``, its output shape, 0 parameters, and what it
is connected to. Models without ops print exactly as before.
"""
from ..ops.operation import Operation


def keras2_class_name(layer):
    """The class name Keras 2 shows: it had no Functional class, so a graph model is a Model.
    An op shows Keras 3's class for it (``Add``, ``Mean``, ``TrueDivide``)."""
    if isinstance(layer, Operation):
        return layer.class_name
    name = type(layer).__name__
    return "Model" if name == "Functional" else name


def is_sequential_like(model):
    """True when every depth holds one node with at most one input and no layer repeats.
    A model without a graph, and (by Keras 2's own test of the class name) a Sequential,
    are always drawn so."""
    if model.graph is None or type(model).__name__ == "Sequential":
        return True
    nodes = []
    for depth_nodes in model.graph.nodes_by_depth.values():
        if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and len(depth_nodes[0].inbound_layers) > 1):
            return False
        nodes += depth_nodes
    for layer in model.layers:
        if sum(node in nodes for node in layer._inbound_nodes) > 1:
            return False
    return True


def format_row(fields, positions):
    """One table row: each field starts at the previous position and is cut at its own."""
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[:positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def _output_shape(layer):
    try:
        return str(layer.output_shape)
    except AttributeError:
        return "multiple"


def _connections(layer, model):
    relevant = model.graph.nodes
    out = []
    for node in layer._inbound_nodes:
        if node not in relevant:
            continue
        for inbound, node_index, tensor_index in zip(node.inbound_layers, node.node_indices,
                                                     node.tensor_indices):
            out.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return out


def _count(weights):
    seen = {id(w): w for w in weights}
    return sum(int(w.size) for w in seen.values())


def summary_lines(model, line_length=None, positions=None):
    sequential_like = is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 100
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    lines = ["_" * line_length, format_row(header, positions), "=" * line_length]
    layers = model.operations
    for i, layer in enumerate(layers):
        name = f"{layer.name} ({keras2_class_name(layer)})"
        params = layer.count_params() if layer.built else 0
        if sequential_like:
            lines.append(format_row([name, _output_shape(layer), params], positions))
        else:
            connections = _connections(layer, model)
            first = connections[0] if connections else ""
            lines.append(format_row([name, _output_shape(layer), params, first], positions))
            for extra in connections[1:]:
                lines.append(format_row(["", "", "", extra], positions))
        lines.append(("=" if i == len(layers) - 1 else "_") * line_length)
    if not layers:
        lines.append("=" * line_length)
    trainable = _count(model.trainable_weights)
    non_trainable = _count(model.non_trainable_weights)
    lines += [f"Total params: {trainable + non_trainable:,}",
              f"Trainable params: {trainable:,}",
              f"Non-trainable params: {non_trainable:,}",
              "_" * line_length]
    return lines


def print_summary(model, line_length=None, positions=None, print_fn=None):
    print_fn = print_fn or print
    for line in summary_lines(model, line_length, positions):
        print_fn(line)
