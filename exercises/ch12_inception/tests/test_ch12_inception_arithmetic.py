import pytest

import minikeras as keras
from minikeras import layers

from inception_arithmetic import inception_a_branch_shapes, inception_module_params


def minikeras_module_count(c_in, f1, f3, f5, fp):
    x = keras.Input(shape=(8, 8, c_in))
    specs = [[(f1, 1)], [(f3 // 2, 1), (f3, 3)], [(f5 // 2, 1), (f5, 5)]]
    outs = []
    for spec in specs:
        y = x
        for filters, k in spec:
            y = layers.Conv2D(filters, k, padding="same")(y)
        outs.append(y)
    outs.append(layers.Conv2D(fp, 1)(layers.MaxPooling2D(3, 1, padding="same")(x)))
    return keras.Model(x, layers.concatenate(outs)).count_params()


def minikeras_branch_shapes(h, w, padding):
    x = keras.Input(shape=(h, w, 4))
    conv = lambda k, s, p="valid": layers.Conv2D(128, k, strides=s, padding=p)
    a = conv(1, 2)(x)
    b = conv(3, 2, padding)(conv(1, 1)(x))
    c = conv(5, 1, padding)(conv(1, 2)(x))
    d = conv(1, 1)(layers.MaxPooling2D(3, strides=2, padding=padding)(x))
    return [tuple(t.shape[1:]) for t in (a, b, c, d)]


@pytest.mark.exercise("ch12.inception_arithmetic", points=1)
def test_module_params_of_the_books_network():
    assert inception_module_params(64, 64, 128, 32, 32) == minikeras_module_count(64, 64, 128, 32, 32)
    assert inception_module_params(256, 128, 192, 96, 64) == minikeras_module_count(256, 128, 192, 96, 64)


@pytest.mark.exercise("ch12.inception_arithmetic", points=1)
def test_module_params_other_widths():
    for config in [(10, 3, 7, 5, 2), (3, 1, 2, 2, 1), (32, 16, 33, 9, 8)]:
        assert inception_module_params(*config) == minikeras_module_count(*config), config


@pytest.mark.exercise("ch12.inception_arithmetic", points=1)
def test_branch_shapes_with_valid_padding():
    got = [tuple(s) for s in inception_a_branch_shapes(28, 28, "valid")]
    assert got == minikeras_branch_shapes(28, 28, "valid")
    assert [s[0] for s in got] == [14, 13, 10, 13]


@pytest.mark.exercise("ch12.inception_arithmetic", points=1)
def test_branch_shapes_with_same_padding():
    for h, w in [(28, 28), (15, 9), (7, 8)]:
        got = [tuple(s) for s in inception_a_branch_shapes(h, w, "same")]
        assert got == minikeras_branch_shapes(h, w, "same"), (h, w)
