"""Chapter 10, exercise ch10.connections: reference solution."""


def connected_to(model, layer):
    """Reference solution."""
    entries = []
    for node in layer._inbound_nodes:
        if node not in model.graph.nodes:
            continue
        for inbound, node_index, tensor_index in zip(node.inbound_layers, node.node_indices,
                                                     node.tensor_indices):
            entries.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return entries
