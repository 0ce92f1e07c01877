"""keras.applications parity with real Keras 3: every builder, built once in each library with
``weights=None`` at a small input size, has the same layers in the same order -- class, name,
output shape and parameter count -- and the same total. ``weights="imagenet"`` loads a file in
Keras's legacy HDF5 layout written here by Keras itself from a Keras-built model (never a
download), and the two models then predict the same.

Layer names: every name Keras's builders set explicitly is compared exactly. Layers Keras
leaves unnamed (InceptionV3's convolutions, Xception's residual projections, the Input) get
automatic names, which follow each library's own numbering (Keras 3: ``conv2d``, ``conv2d_1``;
minikeras, as Keras 2: ``conv2d_1``, ``conv2d_2``); for them the name's stem is compared.
"""
import os
import re

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

# One build per builder; together they cover tops, both poolings, no pooling, free-size inputs,
# classes, classifier_activation=None, alpha and depth_multiplier.
CASES = {
    "VGG16": dict(input_shape=(32, 32, 3), classes=10),
    "VGG19": dict(include_top=False, input_shape=(32, 32, 3), pooling="max"),
    "ResNet50": dict(input_shape=(32, 32, 3)),
    "ResNet101": dict(include_top=False, input_shape=(32, 32, 3), pooling="avg"),
    "ResNet152": dict(include_top=False),
    "ResNet50V2": dict(input_shape=(32, 32, 3), classes=7, classifier_activation=None),
    "ResNet101V2": dict(include_top=False, input_shape=(32, 32, 3), pooling="max"),
    "ResNet152V2": dict(include_top=False, input_shape=(32, 32, 3)),
    "InceptionV3": dict(input_shape=(75, 75, 3)),
    "InceptionResNetV2": dict(include_top=False, input_shape=(75, 75, 3), pooling="max"),
    "NASNetLarge": dict(include_top=False, input_shape=(32, 32, 3), pooling="avg"),
    "Xception": dict(include_top=False, input_shape=(71, 71, 3), pooling="avg"),
    "MobileNet": dict(input_shape=(32, 32, 3), alpha=0.5, depth_multiplier=2, classes=12),
    "MobileNetV2": dict(input_shape=(32, 32, 3), alpha=1.4),
    "DenseNet121": dict(input_shape=(32, 32, 3)),
    "DenseNet169": dict(include_top=False, input_shape=(32, 32, 3), pooling="avg"),
    "DenseNet201": dict(include_top=False, input_shape=(32, 32, 3), pooling="max"),
    "EfficientNetB0": dict(input_shape=(32, 32, 3)),
    "EfficientNetB1": dict(include_top=False, input_shape=(32, 32, 3), pooling="avg"),
    "EfficientNetB3": dict(input_shape=(32, 32, 3), classes=5),
    "EfficientNetV2B0": dict(input_shape=(32, 32, 3)),
    "EfficientNetV2B3": dict(include_top=False, input_shape=(32, 32, 3), pooling="avg"),
    "EfficientNetV2S": dict(input_shape=(32, 32, 3), classes=3),
    "EfficientNetV2M": dict(include_top=False, input_shape=(32, 32, 3), include_preprocessing=False),
    "EfficientNetV2L": dict(include_top=False, input_shape=(32, 32, 3), pooling="max"),
}


def test_nasnet_mobile_matches_keras():
    """Keras refuses NASNetMobile on its torch backend (an open bug there), so the Keras side
    is its general NASNet builder with NASNetMobile's arguments."""
    from keras.src.applications.nasnet import NASNet   # the builder behind Keras's NASNetMobile
    k_model = NASNet((32, 32, 3), penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                     skip_reduction=False, filter_multiplier=2, include_top=True, weights=None,
                     default_size=224, name="nasnet_mobile", classes=10)
    minikeras.backend.clear_session()
    m_model = minikeras.applications.NASNetMobile(input_shape=(32, 32, 3), weights=None, classes=10)
    _assert_same_layers("NASNetMobile", k_model, m_model)


def _stem(name):
    return re.sub(r"_\d+$", "", name)


def _is_automatic(layer):
    """Keras 3 names an unnamed layer after its class in snake case (``input_layer`` for Inputs)."""
    from keras.src.utils.naming import to_snake_case   # Keras's own rule, only Keras needs it
    return _stem(layer.name) in {to_snake_case(type(layer).__name__), "input_layer"}


def _rows(model):
    return [(type(l).__name__, l.name, tuple(l.output.shape), l.count_params()) for l in model.layers]


@pytest.mark.parametrize("name", sorted(CASES))
def test_builder_matches_keras(name):
    kwargs = CASES[name]
    k_model = getattr(keras.applications, name)(weights=None, **kwargs)
    minikeras.backend.clear_session()
    m_model = getattr(minikeras.applications, name)(weights=None, **kwargs)
    _assert_same_layers(name, k_model, m_model)


def _assert_same_layers(name, k_model, m_model):
    assert m_model.name == k_model.name
    assert m_model.count_params() == k_model.count_params()
    k_rows, m_rows = _rows(k_model), _rows(m_model)
    assert len(m_rows) == len(k_rows)
    automatic = 0
    for k_layer, (kc, kn, ks, kp), (mc, mn, ms, mp) in zip(k_model.layers, k_rows, m_rows):
        assert (mc, ms, mp) == (kc, ks, kp), f"{name}: Keras {kn} {kc} {ks} {kp}, minikeras {mn} {mc} {ms} {mp}"
        if _is_automatic(k_layer):
            automatic += 1
            assert _stem(mn) == ("input" if kc == "InputLayer" else _stem(kn)), (kn, mn)
        else:
            assert mn == kn
    assert automatic < len(k_rows)


def _keras_legacy_h5(model, path):
    # imported here: only this test writes Keras's legacy layout, with Keras's own writer
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


@pytest.mark.parametrize("name, kwargs, fname", [
    ("VGG16", dict(include_top=False, input_shape=(32, 32, 3)), "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("MobileNetV2", dict(include_top=True, input_shape=(96, 96, 3), alpha=0.35),
     "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5"),
])
def test_imagenet_weights_file_written_by_keras_loads(tmp_path, monkeypatch, name, kwargs, fname):
    """The ImageNet files are Keras 2 legacy HDF5 weights; a file in that layout, written by
    Keras from one of its models (random weights, moving statistics included), placed under
    KERAS_HOME/models/ with Keras's file name, loads into the minikeras builder."""
    k_model = getattr(keras.applications, name)(weights=None, **kwargs)
    rng = np.random.default_rng(0)
    for v in k_model.weights:
        value = rng.normal(0, 0.05, v.shape).astype("float32")
        if "variance" in v.path:
            value = np.abs(value) + 0.5
        v.assign(value)
    (tmp_path / "models").mkdir()
    _keras_legacy_h5(k_model, tmp_path / "models" / fname)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    m_model = getattr(minikeras.applications, name)(weights="imagenet", **kwargs)
    for a, b in zip(k_model.weights, m_model.weights):
        np.testing.assert_array_equal(np.asarray(b.value), keras.ops.convert_to_numpy(a))
    x = rng.uniform(0, 255, (2,) + kwargs["input_shape"]).astype("float32")
    module = "vgg16" if name == "VGG16" else "mobilenet_v2"
    k_in = getattr(keras.applications, module).preprocess_input(x.copy())
    m_in = getattr(minikeras.applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(m_in, k_in, rtol=1e-6, atol=1e-5)
    expected = keras.ops.convert_to_numpy(k_model(k_in, training=False))
    # float32 sums over thousands of terms: compare relative to the largest activation
    np.testing.assert_allclose(m_model.predict(m_in, verbose=0), expected, rtol=1e-3,
                               atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_input_matches(mode, data_format):
    rng = np.random.default_rng(1)
    for shape in [(2, 5, 4, 3), (5, 4, 3)] if data_format == "channels_last" else [(2, 3, 5, 4), (3, 5, 4)]:
        x = rng.uniform(0, 255, shape).astype("float32")
        expected = keras.applications.imagenet_utils.preprocess_input(x.copy(), data_format, mode)
        np.testing.assert_allclose(
            minikeras.applications.imagenet_utils.preprocess_input(x.copy(), data_format, mode),
            expected, rtol=1e-6, atol=1e-5)
        ints = rng.integers(0, 256, shape).astype("uint8")
        expected = keras.applications.imagenet_utils.preprocess_input(ints, data_format, mode)
        mine = minikeras.applications.imagenet_utils.preprocess_input(ints, data_format, mode)
        assert mine.dtype == expected.dtype
        np.testing.assert_allclose(mine, expected, rtol=1e-6, atol=1e-5)


# MobileNetV3 and ConvNeXt, whose Keras builders put ops between layers (``ReLU(6)(x + 3) * (1/6)``,
# ``inputs + branch``): every variant, with and without the top, at two input sizes, with and
# without the model's own input scaling, and MobileNetV3's minimalistic form. The Large/XLarge
# ConvNeXts are only built (for their layers and counts), never run.
VARIANT_CASES = [
    ("MobileNetV3Small", dict(input_shape=(32, 32, 3))),
    ("MobileNetV3Small", dict(include_top=False, input_shape=(64, 48, 3), pooling="avg", alpha=0.75)),
    ("MobileNetV3Small", dict(input_shape=(40, 40, 3), minimalistic=True, classes=7, include_preprocessing=False)),
    ("MobileNetV3Small", dict(include_top=False, minimalistic=True, pooling="max", alpha=1.25)),
    ("MobileNetV3Small", dict(input_shape=(32, 32, 3), dropout_rate=0.0, classifier_activation=None)),
    ("MobileNetV3Large", dict(input_shape=(32, 32, 3))),
    ("MobileNetV3Large", dict(include_top=False, input_shape=(64, 64, 3), include_preprocessing=False)),
    ("MobileNetV3Large", dict(input_shape=(48, 40, 3), minimalistic=True, alpha=0.5, classes=10)),
    ("ConvNeXtTiny", dict(input_shape=(32, 32, 3))),
    ("ConvNeXtTiny", dict(include_top=False, input_shape=(64, 48, 3), pooling="avg")),
    ("ConvNeXtTiny", dict(include_top=False, include_preprocessing=False)),
    ("ConvNeXtTiny", dict(include_top=False, input_shape=(32, 32, 1), pooling="max")),
    ("ConvNeXtSmall", dict(input_shape=(32, 32, 3), classes=5)),
    ("ConvNeXtSmall", dict(include_top=False, input_shape=(64, 64, 3), include_preprocessing=False)),
    ("ConvNeXtBase", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    ("ConvNeXtBase", dict(input_shape=(48, 48, 3), classifier_activation=None, classes=3)),
    ("ConvNeXtLarge", dict(input_shape=(32, 32, 3), classes=2)),
    ("ConvNeXtXLarge", dict(include_top=False, input_shape=(32, 32, 3))),
]


@pytest.mark.parametrize("name, kwargs", VARIANT_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(VARIANT_CASES)])
def test_builders_with_ops_match_keras(name, kwargs):
    k_model = getattr(keras.applications, name)(weights=None, **kwargs)
    minikeras.backend.clear_session()
    m_model = getattr(minikeras.applications, name)(weights=None, **kwargs)
    _assert_same_layers(name, k_model, m_model)


@pytest.mark.parametrize("name, kwargs", [
    ("MobileNetV3Small", dict(input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    ("MobileNetV3Small", dict(input_shape=(40, 48, 3), include_top=False, minimalistic=True, pooling="avg")),
    ("ConvNeXtTiny", dict(input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    ("ConvNeXtTiny", dict(input_shape=(40, 32, 3), include_top=False, pooling="max")),
])
def test_outputs_equal_keras_with_copied_weights(name, kwargs):
    """Keras's random weights (moving statistics and LayerScale factors made non-trivial) copied
    into the minikeras model, weight by weight in order: the two predict the same on images in
    [0, 255] (each scales them itself)."""
    k_model = getattr(keras.applications, name)(weights=None, **kwargs)
    minikeras.backend.clear_session()
    m_model = getattr(minikeras.applications, name)(weights=None, **kwargs)
    assert len(k_model.weights) == len(m_model.weights)
    rng = np.random.default_rng(4)
    for k_var, m_var in zip(k_model.weights, m_model.weights):
        assert tuple(k_var.shape) == tuple(m_var.shape), (k_var.path, m_var.name)
        value = keras.ops.convert_to_numpy(k_var)
        if "moving_variance" in k_var.path:
            value = rng.uniform(0.5, 1.5, value.shape)
        elif "moving_mean" in k_var.path or "layer_scale" in k_var.path:
            value = rng.normal(0, 0.5, value.shape)
        k_var.assign(value.astype("float32"))
        m_var.assign(value.astype("float32"))
    x = rng.uniform(0, 255, (2,) + kwargs["input_shape"]).astype("float32")
    module = getattr(minikeras.applications, "mobilenet_v3" if name.startswith("Mobile") else "convnext")
    assert module.preprocess_input(x) is x
    expected = keras.ops.convert_to_numpy(k_model(x, training=False))
    got = m_model.predict(x, verbose=0)
    assert np.abs(expected).max() > 1e-2          # logits and features, not near-constant outputs
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4 * np.abs(expected).max())


def test_convnext_layer_scale_files_cross_both_ways(tmp_path):
    """A model with ConvNeXt's LayerScale, saved by Keras, loads in minikeras without
    custom_objects (both name the class by Keras's module), and the way back."""
    from keras.src.applications.convnext import LayerScale
    inputs = keras.Input((3, 3, 4))
    model = keras.Model(inputs, LayerScale(0.5, 4, name="scale")(keras.layers.Dense(4)(inputs)))
    model.save(str(tmp_path / "keras.keras"))
    ours = minikeras.models.load_model(str(tmp_path / "keras.keras"))
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 4)).astype("float32")
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    ours.save(str(tmp_path / "ours.keras"))
    back = keras.models.load_model(str(tmp_path / "ours.keras"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(back(x)), expected, rtol=1e-5, atol=1e-6)
