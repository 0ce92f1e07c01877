import pytest

import minikeras as keras
from minikeras import layers

from inception_arithmetic import inception_a_branch_shapes, inception_module_params


@pytest.mark.exercise("ch12.inception_arithmetic", points=1)
def test_more_sizes_and_the_book_network_total():
    for h, w in [(9, 17), (12, 31), (64, 13)]:
        for padding in ("valid", "same"):
            x = keras.Input(shape=(h, w, 2))
            a = layers.Conv2D(128, 1, strides=2)(x)
            b = layers.Conv2D(128, 3, strides=2, padding=padding)(layers.Conv2D(128, 1)(x))
            c = layers.Conv2D(128, 5, padding=padding)(layers.Conv2D(128, 1, strides=2)(x))
            d = layers.Conv2D(128, 1)(layers.MaxPooling2D(3, strides=2, padding=padding)(x))
            want = [tuple(t.shape[1:]) for t in (a, b, c, d)]
            assert [tuple(s) for s in inception_a_branch_shapes(h, w, padding)] == want, (h, w, padding)
    stem = 7 * 7 * 3 * 64 + 64
    total = stem + inception_module_params(64, 64, 128, 32, 32) \
        + inception_module_params(256, 128, 192, 96, 64) + (480 * 10 + 10)
    assert total == 480138
