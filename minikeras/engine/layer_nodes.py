"""Where a layer has been called: the Keras 2 accessors of its nodes.

Every call of a layer on symbolic tensors records a ``Node`` in ``layer._inbound_nodes``.
``get_input_at(i)``, ``get_output_shape_at(i)``... read node ``i``; ``layer.input`` and
``layer.output`` are defined only for a layer called once (Keras 2's rule), ``layer.input_shape``
and ``layer.output_shape`` when they are the same for every call (a shared layer called on
different shapes has none). ``Layer``
inherits them from ``LayerNodes``; they are apart from ``layer.py`` because nothing in a
layer's own work (build, call, weights) uses them.
"""


def unpack_singleton(x):
    return x[0] if isinstance(x, list) and len(x) == 1 else x


class LayerNodes:
    """The node accessors of ``Layer`` (see the module docstring)."""

    def _node_attribute(self, attr, index, what):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 f"defined {what}.")
        if index >= len(self._inbound_nodes):
            raise ValueError(f"Asked to get {what} at node {index}, but the layer {self.name} has only "
                             f"{len(self._inbound_nodes)} inbound nodes.")
        return unpack_singleton(getattr(self._inbound_nodes[index], attr))

    def get_input_at(self, node_index):
        return self._node_attribute("input_tensors", node_index, "input")

    def get_output_at(self, node_index):
        return self._node_attribute("output_tensors", node_index, "output")

    def get_input_shape_at(self, node_index):
        return self._node_attribute("input_shapes", node_index, "input shape")

    def get_output_shape_at(self, node_index):
        return self._node_attribute("output_shapes", node_index, "output shape")

    def _single_node_attribute(self, attr, what):
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer {self.name} has multiple inbound nodes, hence the notion of \"layer {what}\" "
                f"is ill-defined. Use `get_{what}_at(node_index)` instead.")
        return self._node_attribute(attr, 0, what)

    input = property(lambda self: self._single_node_attribute("input_tensors", "input"))
    output = property(lambda self: self._single_node_attribute("output_tensors", "output"))

    def _shape_over_nodes(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 f"defined {what}.")
        shapes = {repr(getattr(n, attr)) for n in self._inbound_nodes}
        if len(shapes) > 1:
            raise AttributeError(
                f"The layer {self.name} has multiple inbound nodes, with different {what}s. Hence "
                f"the notion of \"{what}\" is ill-defined for the layer. Use "
                f"`get_{what.replace(' ', '_')}_at(node_index)` instead.")
        return unpack_singleton(getattr(self._inbound_nodes[0], attr))

    input_shape = property(lambda self: self._shape_over_nodes("input_shapes", "input shape"))
    output_shape = property(lambda self: self._shape_over_nodes("output_shapes", "output shape"))
