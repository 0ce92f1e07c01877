import numpy as np
import pytest

import minikeras as keras

from ticket_submodels import build_ticket_classifier


@pytest.mark.exercise("ch18.submodels", points=1, timeout=60)
def test_fit_with_named_dicts_and_encoders_reusable_alone():
    model = build_ticket_classifier(num_words=100, num_tags=4, num_departments=3)
    model.compile(optimizer="rmsprop",
                  loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    rng = np.random.default_rng(0)
    x = {"title": rng.integers(0, 100, size=(32, 5)), "body": rng.integers(0, 100, size=(32, 9)),
         "tags": rng.integers(0, 2, size=(32, 4)).astype("float32")}
    y = {"priority": rng.random((32, 1)), "department": np.eye(3)[rng.integers(0, 3, size=32)]}
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert {"priority_loss", "department_loss"} <= set(history.history)
    title_encoder = model.get_layer("title_encoder")
    alone = title_encoder.predict(x["title"], verbose=0)
    probe = keras.Model(model.inputs, model.get_layer("features").output)
    np.testing.assert_allclose(probe.predict(x, verbose=0)[:, :128], alone, rtol=1e-5, atol=1e-6)
