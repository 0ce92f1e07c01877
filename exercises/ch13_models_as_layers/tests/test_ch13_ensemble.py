import numpy as np
import pytest

from minikeras import layers

from ensemble_models import build_ensemble, get_model


@pytest.mark.exercise("ch13.ensemble", points=1)
def test_members_and_ensemble_parameter_counts():
    members = [get_model(), get_model(), get_model()]
    assert [m.count_params() for m in members] == [129, 129, 129]
    ensemble = build_ensemble(members)
    assert ensemble.count_params() == 387        # what Keras reports
    assert ensemble.output_shape == (None, 1)


@pytest.mark.exercise("ch13.ensemble", points=1)
def test_average_reads_call_1_of_each_member():
    members = [get_model(10) for _ in range(3)]
    ensemble = build_ensemble(members, input_dim=10)
    # The models come back rebuilt from their files: a member is recognised by its name
    # and its weight values (a fresh member would have other random weights).
    assert [m.name for m in ensemble.layers[1:4]] == [m.name for m in members]
    for nested, member in zip(ensemble.layers[1:4], members):
        for a, b in zip(nested.get_weights(), member.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    (average,) = [l for l in ensemble.layers if isinstance(l, layers.Average)]
    (node,) = [n for n in average._inbound_nodes if n in ensemble.graph.nodes]
    assert [l.name for l in node.inbound_layers] == [m.name for m in members]
    assert node.node_indices == [1, 1, 1], "node 0 of a model is its own definition; the call is node 1"
    assert len(ensemble.inputs) == 1
