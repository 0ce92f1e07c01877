import numpy as np
import pytest

from mlp_model import build_mlp


@pytest.mark.exercise("ch03.build_mlp", points=1, timeout=60)
def test_the_model_learns_the_circle_problem():
    """The chapter's task, shortened: a working MLP beats chance clearly."""
    import minikeras as keras
    keras.utils.set_random_seed(0)
    model = build_mlp()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 10)).astype("float32")
    y = (x[:, 0] ** 2 + x[:, 1] ** 2 > 1.4).astype("float32").reshape(-1, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x[:500], y[:500], epochs=15, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x[500:], y[500:], verbose=0)
    assert accuracy > 0.75
