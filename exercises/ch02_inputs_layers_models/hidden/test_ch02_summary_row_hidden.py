import random

import pytest

from minikeras import layers
from minikeras.engine.summary import format_row as minikeras_format_row
from minikeras.engine.summary import summary_lines
from minikeras.layers import Dense, Input
from minikeras.models import Model

from summary_row import format_row

# minikeras's own format_row: a submission that uses them fails
FORBID_FORMAT_ROW = [
    "minikeras.engine.summary.format_row",
]


@pytest.mark.exercise("ch02.format_row", points=0.5, forbid=FORBID_FORMAT_ROW)
def test_random_rows():
    rng = random.Random(0)
    alphabet = "abc_ (),[]0123456789 "
    for _ in range(300):
        n = rng.randint(1, 5)
        positions, end = [], 1
        for _ in range(n):
            end += rng.randint(1, 30)
            positions.append(end)
        fields = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) if rng.random() < 0.8
                  else rng.randint(0, 10 ** rng.randint(1, 12)) for _ in range(n)]
        assert format_row(fields, positions) == minikeras_format_row(fields, positions), (fields, positions)


@pytest.mark.exercise("ch02.format_row", points=0.5, forbid=FORBID_FORMAT_ROW)
def test_rows_rebuild_a_whole_summary():
    a = Input(shape=(8,), name="a_long_input_name_for_the_table")
    b = Input(shape=(4,), name="b")
    out = Dense(1)(layers.concatenate([Dense(8)(a), b]))
    model = Model([a, b], out)
    lines = summary_lines(model)
    positions = [33, 55, 67, 100]
    rows = [format_row(["Layer (type)", "Output Shape", "Param #", "Connected to"], positions)]
    for layer in model.layers:
        name = f"{layer.name} ({type(layer).__name__})"
        sources = [f"{inbound.name}[{n}][{t}]" for node in layer._inbound_nodes
                   for inbound, n, t in zip(node.inbound_layers, node.node_indices, node.tensor_indices)]
        rows.append(format_row([name, str(layer.output_shape), layer.count_params(),
                                sources[0] if sources else ""], positions))
        rows += [format_row(["", "", "", s], positions) for s in sources[1:]]
    table = [line for line in lines if not line.startswith(("_", "=", "Total", "Trainable", "Non-trainable"))]
    assert rows == table
