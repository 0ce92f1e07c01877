import pytest

from minikeras.engine.summary import _connections
from minikeras.layers import Concatenate, Dense, Input, concatenate
from minikeras.models import Model

from connections import concat_output_shape
from probes_ch06 import connections_in

# the summary's own column: a submission that uses them fails
FORBID_CONNECTED_TO = [
    "minikeras.engine.summary._connections",
]

# minikeras's Concatenate and its shape rule: a submission that uses them fails
FORBID_CONCAT_SHAPE = [
    "minikeras.ops.core._concat_shape",
    "minikeras.layers.Concatenate",
    "minikeras.layers.merge.Concatenate",
    "minikeras.layers.merging.Concatenate",
]


@pytest.mark.exercise("ch06.connected_to", points=1, forbid=FORBID_CONNECTED_TO)
def test_nested_model_as_a_layer_and_multi_output_nodes():
    inner_in = Input(shape=(3,))
    inner = Model(inner_in, [Dense(2)(inner_in), Dense(1)(inner_in)])
    x = Input(shape=(3,))
    y = Input(shape=(3,))
    first, second = inner(x)
    third, _ = inner(y)
    model = Model([x, y], Dense(1)(concatenate([second, first, third])))
    assert connections_in(model) == {layer.name: _connections(layer, model) for layer in model.layers}


@pytest.mark.exercise("ch06.concat_shape", points=1, forbid=FORBID_CONCAT_SHAPE)
def test_random_compatible_and_incompatible_shapes():
    import random
    rng = random.Random(1)
    for _ in range(200):
        rank = rng.randint(2, 4)
        base = [rng.choice([None, 1, 2, 3]) for _ in range(rank)]
        shapes = []
        for _ in range(rng.randint(1, 3)):
            shape = [d if rng.random() < 0.8 else rng.choice([None, 1, 2, 3]) for d in base]
            shapes.append(tuple(shape))
        axis = rng.randint(-rank, rank - 1)
        try:
            expected = Concatenate(axis=axis).compute_output_shape(shapes)
        except ValueError:
            with pytest.raises(ValueError):
                concat_output_shape(shapes, axis)
        else:
            assert concat_output_shape(shapes, axis) == expected, (shapes, axis)
