import numpy as np
import pytest

from multi_input_models import build_multi_input_model, build_ticket_classifier


@pytest.mark.exercise("ch08.build_multi_input", points=1)
def test_each_branch_reads_its_own_input():
    model = build_multi_input_model()
    first_convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"][:2]
    assert [conv.get_config()["activation"] for conv in first_convs] == ["relu", "relu"]
    rng = np.random.default_rng(2)
    gray = rng.random((2, 64, 64, 1), dtype=np.float32)
    colour = rng.random((2, 32, 32, 3), dtype=np.float32)
    base = model.predict([gray, colour], verbose=0)
    for conv in first_convs:    # nudge one branch at a time: the output must move
        kernel, bias = conv.get_weights()
        conv.set_weights([kernel, bias + 0.5])
        moved = model.predict([gray, colour], verbose=0)
        conv.set_weights([kernel, bias])
        assert not np.allclose(moved, base)


@pytest.mark.exercise("ch08.build_ticket_classifier", points=1, timeout=60)
def test_ticket_classifier_layer_settings():
    model = build_ticket_classifier()
    embeddings = [layer.get_config() for layer in model.layers if type(layer).__name__ == "Embedding"]
    assert [(c["input_dim"], c["output_dim"]) for c in embeddings] == [(10000, 64), (10000, 64)]
    lstms = [layer.get_config() for layer in model.layers if type(layer).__name__ == "LSTM"]
    assert [(c["units"], c["return_sequences"]) for c in lstms] == [(128, False), (32, False)]
