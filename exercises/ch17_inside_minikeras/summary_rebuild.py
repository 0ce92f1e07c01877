"""Chapter 17, exercise ch17.from_summary: rebuild a model from its summary.

A summary is a complete description of a graph: layer names and classes,
output shapes, parameter counts, and for every call of every layer the tensors
it read, written ``layer[node_index][tensor_index]``. The README of this folder
shows the summary of a model called ``ticket_router``; rebuild it.
"""

import minikeras as keras
from minikeras import layers


def build_ticket_router():
    """Return the model whose ``summary()`` is the one shown in the README.

    Name the model ``"ticket_router"``. What a summary does not show:

    * the input ``tokens`` has ``dtype="int32"``;
    * activations: the layer that appears with two calls uses ``"relu"``,
      ``score`` uses ``"sigmoid"``, ``topic`` ``"softmax"``; the others none
      (``GRU`` keeps its defaults);
    * the model's inputs are ``[tokens, meta]`` and its outputs ``[score, topic]``.

    The test calls ``keras.backend.clear_session()`` before your function, so
    automatic names start again at ``_1``: they tell you in which ORDER the
    layers were created (which is not the order of the rows). Give explicit
    names only to the layers whose names are not automatic.
    """
    raise NotImplementedError("ch17.from_summary: implement build_ticket_router()")
