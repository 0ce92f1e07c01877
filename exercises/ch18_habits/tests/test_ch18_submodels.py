import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from ticket_submodels import build_ticket_classifier, text_encoder


def lstm_params(units, dim):
    return 4 * units * (dim + units + 1)


def all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


@pytest.mark.exercise("ch18.submodels", points=1)
def test_an_encoder_alone():
    encoder = text_encoder(500, 8, 6, "probe")
    assert encoder.name == "probe"
    assert [l.name for l in encoder.layers] == ["probe_tokens", "probe_embedding", "probe_lstm"]
    assert encoder.count_params() == 500 * 8 + lstm_params(6, 8)
    assert encoder.output_shape == (None, 6)
    out = encoder.predict(np.array([[1, 2, 3], [4, 5, 6]]), verbose=0)
    assert out.shape == (2, 6)


@pytest.mark.exercise("ch18.submodels", points=1)
def test_the_assembled_model():
    model = build_ticket_classifier()
    assert model.count_params() == 1392097          # what Keras reports for the flat model
    assert model.input_names == ["title", "body", "tags"]
    assert model.output_names == ["priority", "department"]
    nested = [l for l in model.layers if isinstance(l, keras.Model)]
    assert sorted(m.name for m in nested) == ["body_encoder", "title_encoder"]
    assert model.get_layer("features").output_shape == (None, 128 + 32 + 12)


@pytest.mark.exercise("ch18.submodels", points=1)
def test_every_layer_is_named():
    keras.backend.clear_session()
    model = build_ticket_classifier(num_words=50, num_tags=3, num_departments=2)
    names = [l.name for l in all_layers(model)]
    expected = {"title", "body", "tags", "features", "priority", "department"}
    for part in ("title_encoder", "body_encoder"):
        expected |= {part, f"{part}_tokens", f"{part}_embedding", f"{part}_lstm"}
    assert set(names) == expected, f"unexpected names: {sorted(set(names) - expected)}"
