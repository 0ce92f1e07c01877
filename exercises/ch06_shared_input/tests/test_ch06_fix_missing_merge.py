"""ch06.fix_missing_merge: the repaired two-branch model (both branches read the input
and are concatenated)."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_missing_merge import fixed_two_branch_model


def structure(model):
    """Per layer: (class name, output shape, parameters, positions of the layers it reads)."""
    layers = model.layers
    index = {id(layer): i for i, layer in enumerate(layers)}
    rows = []
    for layer in layers:
        sources = [index.get(id(inbound), "outside") for node in layer._inbound_nodes
                   if node in model.graph.nodes for inbound in node.inbound_layers]
        rows.append((type(layer).__name__, tuple(layer.output_shape), layer.count_params(), sources))
    return rows


@pytest.mark.exercise("ch06.fix_missing_merge", points=1)
def test_input_output_and_both_convolutions_in_the_model():
    model = fixed_two_branch_model()
    assert isinstance(model, Model)
    y = model.predict(np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32), verbose=0)
    assert y.shape == (3, 1)
    kernels = sorted(tuple(layer.get_config()["kernel_size"]) for layer in model.layers
                     if type(layer).__name__ == "Conv2D")
    assert kernels == [(3, 3), (5, 5)], "both feature extractors must be part of the model"


@pytest.mark.exercise("ch06.fix_missing_merge", points=2)
def test_both_branches_are_wired_and_merged():
    assert structure(fixed_two_branch_model()) == [
        ("InputLayer", (None, 28, 28, 1), 0, []),
        ("Conv2D", (None, 26, 26, 8), 80, [0]),
        ("Conv2D", (None, 24, 24, 4), 104, [0]),
        ("MaxPooling2D", (None, 13, 13, 8), 0, [1]),
        ("MaxPooling2D", (None, 12, 12, 4), 0, [2]),
        ("Flatten", (None, 1352), 0, [3]),
        ("Flatten", (None, 576), 0, [4]),
        ("Concatenate", (None, 1928), 0, [5, 6]),
        ("Dense", (None, 1), 1929, [7]),
    ]
