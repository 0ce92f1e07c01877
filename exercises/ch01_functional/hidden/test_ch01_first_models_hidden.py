import numpy as np
import pytest

from first_models import build_functional, build_sequential


def built_separately(first, second):
    """Two layers made by two calls, not one layer returned twice. Your models reach the
    grader rebuilt from their files, so ``is not`` would always hold: a layer made once
    and returned twice shows itself by the same name *and* the same initial weights."""
    return first.name != second.name or not np.array_equal(first.get_weights()[0], second.get_weights()[0])


@pytest.mark.exercise("ch01.build_first_models", points=1)
def test_each_call_builds_a_new_model():
    a, b = build_sequential(), build_sequential()
    assert built_separately(a.layers[0], b.layers[0])
    c, d = build_functional(), build_functional()
    assert built_separately(c.layers[1], d.layers[1])
    x = np.ones((2, 1), "float32")
    k1, b1 = a.layers[0].get_weights()
    k2, b2 = a.layers[1].get_weights()
    np.testing.assert_allclose(a.predict(x, verbose=0), (x @ k1 + b1) @ k2 + b2, rtol=1e-5, atol=1e-6)
