import numpy as np
import pytest

import minikeras as keras

from twin_fix import functional_twin, sequential_model


@pytest.mark.exercise("ch18.fix_twin", points=1)
def test_same_predictions_on_other_weights_and_same_gradients():
    seq, twin = sequential_model(), functional_twin()
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=w.shape).astype("float32") for w in seq.get_weights()]
    seq.set_weights(weights)
    twin.set_weights(weights)
    x = rng.random((8, 64), dtype=np.float32)
    np.testing.assert_allclose(twin.predict(x, verbose=0), seq.predict(x, verbose=0), rtol=1e-5, atol=1e-7)
    grads = []
    for model in (seq, twin):
        with keras.GradientTape() as tape:
            loss = keras.losses.CategoricalCrossentropy()(np.eye(10)[:8], model(x))
        grads.append([g.numpy() for g in tape.gradient(loss, model.trainable_weights)])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
