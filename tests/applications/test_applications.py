"""keras.applications without Keras: the ImageNet weight files (missing: a clear error naming the
file and its place; present: loaded), argument checks, input tensors, and the ImageNet helpers.
Layer-by-layer agreement with Keras is in tests/parity/test_applications_parity.py."""
import json
import os

import numpy as np
import pytest

import minikeras
from minikeras import applications, layers
from minikeras.applications import imagenet_utils
from minikeras.saving import legacy_h5


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


# Keras's file names for the ImageNet weights, by builder and arguments.
WEIGHT_FILES = [
    ("VGG16", {}, "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "keras-applications/vgg16/"),
    ("VGG19", {"include_top": False}, "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "vgg19/"),
    ("ResNet50", {}, "resnet50_weights_tf_dim_ordering_tf_kernels.h5", "keras-applications/resnet/"),
    ("ResNet101", {"include_top": False}, "resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5", "resnet/"),
    ("ResNet152V2", {}, "resnet152v2_weights_tf_dim_ordering_tf_kernels.h5", "resnet/"),
    ("InceptionV3", {}, "inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "inception_v3/"),
    ("InceptionResNetV2", {"include_top": False}, "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
     "inception_resnet_v2/"),
    ("Xception", {"include_top": False}, "xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "xception/"),
    ("MobileNet", {"alpha": 0.5, "input_shape": (128, 128, 3)}, "mobilenet_5_0_128_tf.h5", "mobilenet/"),
    ("MobileNet", {"include_top": False, "alpha": 0.25, "input_shape": (160, 160, 3)},
     "mobilenet_2_5_160_tf_no_top.h5", "mobilenet/"),
    ("MobileNetV2", {}, "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", "mobilenet_v2/"),
    ("MobileNetV2", {"include_top": False, "alpha": 0.35, "input_shape": (96, 96, 3)},
     "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5", "mobilenet_v2/"),
    ("DenseNet169", {}, "densenet169_weights_tf_dim_ordering_tf_kernels.h5", "densenet/"),
    ("DenseNet201", {"include_top": False}, "densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5", "densenet/"),
    ("EfficientNetB0", {"include_top": False}, "efficientnetb0_notop.h5", "storage.googleapis.com/keras-applications/"),
    ("EfficientNetB5", {}, "efficientnetb5.h5", "storage.googleapis.com/keras-applications/"),
    ("EfficientNetV2S", {"include_top": False}, "efficientnetv2-s_notop.h5", "keras-applications/efficientnet_v2/"),
    ("EfficientNetV2B2", {}, "efficientnetv2-b2.h5", "keras-applications/efficientnet_v2/"),
    ("MobileNetV3Small", {}, "weights_mobilenet_v3_small_224_1.0_float.h5", "keras-applications/mobilenet_v3/"),
    ("MobileNetV3Large", {"include_top": False, "alpha": 0.75},
     "weights_mobilenet_v3_large_224_0.75_float_no_top_v2.h5", "keras-applications/mobilenet_v3/"),
    ("MobileNetV3Small", {"include_top": False, "minimalistic": True},
     "weights_mobilenet_v3_small_minimalistic_224_1.0_float_no_top_v2.h5", "mobilenet_v3/"),
    ("ConvNeXtTiny", {}, "convnext_tiny.h5", "keras-applications/convnext/"),
    ("ConvNeXtXLarge", {"include_top": False}, "convnext_xlarge_notop.h5", "keras-applications/convnext/"),
]


@pytest.mark.parametrize("name, kwargs, fname, origin", WEIGHT_FILES)
def test_missing_imagenet_file_names_it_and_its_place(home, name, kwargs, fname, origin):
    with pytest.raises(FileNotFoundError) as info:
        getattr(applications, name)(**kwargs)               # weights="imagenet" is the default
    message = str(info.value)
    assert os.path.join(str(home), "models", fname) in message, message
    assert "does not download" in message and origin + fname in message, message


@pytest.mark.parametrize("name, kwargs, fname, origin", [
    ("NASNetMobile", {}, "nasnet_mobile.h5", "keras-applications/nasnet/NASNet-mobile.h5"),
    ("NASNetLarge", {"include_top": False}, "nasnet_large_no_top.h5", "keras-applications/nasnet/NASNet-large-no-top.h5"),
])
def test_nasnet_files_are_cached_under_other_names_than_their_origin(home, name, kwargs, fname, origin):
    with pytest.raises(FileNotFoundError) as info:
        getattr(applications, name)(**kwargs)
    assert os.path.join(str(home), "models", fname) in str(info.value) and origin in str(info.value)


def test_nasnet_mobile_default_size_without_top():
    model = applications.NASNetMobile(weights=None, include_top=False)
    assert model.input_shape == (None, 224, 224, 3)      # NASNetMobile's own default without a top


def test_default_place_is_home_dot_keras(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=os.path.join(str(tmp_path), ".keras", "models",
                                                             "resnet50_weights_tf_dim_ordering_tf_kernels.h5")):
        applications.ResNet50()


def _randomize(model, seed=0):
    rng = np.random.default_rng(seed)
    for v in model.weights:
        value = rng.normal(0, 0.1, v.shape)
        v.assign((np.abs(value) + 0.5 if "variance" in v.name else value).astype("float32"))


def test_imagenet_file_present_is_loaded(home):
    """A file in Keras 2's legacy weights layout under KERAS_HOME/models/ with Keras's name."""
    source = applications.MobileNet(weights=None, include_top=False, alpha=0.25, input_shape=(128, 128, 3))
    _randomize(source)
    (home / "models").mkdir()
    legacy_h5.save_weights(source, str(home / "models" / "mobilenet_2_5_128_tf_no_top.h5"))
    minikeras.backend.clear_session()
    loaded = applications.MobileNet(include_top=False, alpha=0.25, input_shape=(128, 128, 3))
    for a, b in zip(source.weights, loaded.weights):
        np.testing.assert_array_equal(a.value, b.value)
    x = np.random.default_rng(1).uniform(-1, 1, (1, 128, 128, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), source.predict(x, verbose=0), rtol=1e-6)


def test_weights_may_be_a_file_path(tmp_path):
    source = applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    _randomize(source, seed=3)
    path = str(tmp_path / "mine.h5")
    legacy_h5.save_weights(source, path)
    loaded = applications.DenseNet121(weights=path, include_top=False, input_shape=(32, 32, 3))
    for a, b in zip(source.weights, loaded.weights):
        np.testing.assert_array_equal(a.value, b.value)
    with pytest.raises(ValueError, match="Layer count mismatch"):
        applications.DenseNet169(weights=path, include_top=False, input_shape=(32, 32, 3))


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="`weights` argument should be either.*weights=nowhere.h5"):
        applications.VGG16(weights="nowhere.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000.  Received classes=10"):
        applications.ResNet50(classes=10)
    with pytest.raises(ValueError, match="Input size must be at least 75x75.*\\(64, 64, 3\\)"):
        applications.InceptionV3(weights=None, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="`input_shape` must be a tuple of three integers"):
        applications.ResNet50(weights=None, input_shape=(64, 64))
    with pytest.raises(ValueError, match="should specify a static `input_shape`"):
        applications.ResNet50(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="`pooling` must be None, 'avg' or 'max'.*'mean'"):
        applications.ResNet50(weights=None, include_top=False, pooling="mean")
    weights_file = tmp_path / "w.h5"
    weights_file.write_bytes(b"")
    with pytest.raises(ValueError, match="Only `None` and `softmax`.*classifier_activation=relu"):
        applications.MobileNetV2(weights=str(weights_file), input_shape=(32, 32, 3), classifier_activation="relu")
    with pytest.warns(UserWarning, match="expects 1 or 3 input channels.*with 4 input channels"):
        model = applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 4))
    assert model.input_shape == (None, 32, 32, 4)


def test_default_shapes_names_and_free_sizes():
    assert applications.ResNet50(weights=None, include_top=False).input_shape == (None, None, None, 3)
    assert applications.MobileNet(weights=None, input_shape=(32, 32, 3)).name == "mobilenet_1.00_32"
    assert applications.MobileNetV2(weights=None, alpha=0.5, input_shape=(96, 96, 3)).name == "mobilenetv2_0.50_96"
    model = applications.Xception(weights=None, include_top=False, pooling="max")
    assert model.output_shape == (None, 2048)
    features = model.predict(np.zeros((1, 80, 90, 3), "float32"), verbose=0)
    assert features.shape == (1, 2048)


def test_input_tensor_builds_on_its_source_input():
    inputs = minikeras.Input((32, 32, 3))
    scaled = layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    model = applications.MobileNetV2(weights=None, include_top=False, input_tensor=scaled, pooling="avg")
    assert model.inputs[0] is inputs and type(model.layers[1]).__name__ == "Rescaling"
    assert model.output_shape == (None, 1280)
    with pytest.raises(ValueError, match="`input_tensor` must be a symbolic tensor"):
        applications.VGG16(weights=None, input_tensor=np.zeros((1, 32, 32, 3)), include_top=False)


def test_transfer_learning_pattern_trains():
    """The guide's pattern: a frozen base built on preprocess_input inside the model, a new head."""
    inputs = minikeras.Input((32, 32, 3))
    x = applications.mobilenet_v2.preprocess_input(inputs)
    base = applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
    base.trainable = False
    outputs = layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling2D()(base(x, training=False)))
    model = minikeras.Model(inputs, outputs)
    assert model.count_params() - base.count_params() == 1280 * 2 + 2
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    history = model.fit(rng.uniform(0, 255, (8, 32, 32, 3)).astype("float32"), rng.integers(0, 2, 8),
                        epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_preprocess_input_formulas_and_tensors(mode):
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 255, (2, 4, 5, 3)).astype("float32")
    if mode == "caffe":
        expected = x[..., ::-1] - np.array([103.939, 116.779, 123.68], "float32")
    elif mode == "tf":
        expected = x / 127.5 - 1
    else:
        expected = (x / 255 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    got = imagenet_utils.preprocess_input(x.copy(), mode=mode)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)
    # channels_first puts the channel axis at 1 (batch) or 0 (single image)
    first = imagenet_utils.preprocess_input(np.moveaxis(x, -1, 1).copy(), data_format="channels_first", mode=mode)
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), expected, rtol=1e-5, atol=1e-4)
    single = imagenet_utils.preprocess_input(np.moveaxis(x[0], -1, 0).copy(), data_format="channels_first", mode=mode)
    np.testing.assert_allclose(np.moveaxis(single, 0, -1), expected[0], rtol=1e-5, atol=1e-4)
    # the same scaling as a model's first step, on a symbolic tensor
    inputs = minikeras.Input((4, 5, 3))
    model = minikeras.Model(inputs, imagenet_utils.preprocess_input(inputs, mode=mode))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-4)
    # integer images become float32
    assert imagenet_utils.preprocess_input(x.astype("uint8"), mode=mode).dtype == np.float32
    with pytest.raises(ValueError, match="mode=bgr"):
        imagenet_utils.preprocess_input(x, mode="bgr")
    with pytest.raises(ValueError, match="data_format=nhwc"):
        imagenet_utils.preprocess_input(x, data_format="nhwc")


def test_efficientnet_scales_its_own_inputs():
    x = np.arange(6, dtype="float32")
    assert applications.efficientnet.preprocess_input(x) is x
    model = applications.EfficientNetB0(weights=None, input_shape=(32, 32, 3))
    assert [type(l).__name__ for l in model.layers[1:3]] == ["Rescaling", "Normalization"]


def test_decode_predictions(home):
    preds = np.zeros((2, 1000), "float32")
    preds[0, [3, 7, 1]] = [0.5, 0.3, 0.2]
    preds[1, 999] = 1.0
    with pytest.raises(FileNotFoundError, match=os.path.join("models", "imagenet_class_index.json")):
        applications.resnet50.decode_predictions(preds)
    (home / "models").mkdir()
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (home / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    top = applications.vgg16.decode_predictions(preds, top=3)
    assert [(a, b) for a, b, _ in top[0]] == [("n00000003", "class_3"), ("n00000007", "class_7"),
                                              ("n00000001", "class_1")]
    assert top[0][0][2] == pytest.approx(0.5) and top[1][0][:2] == ("n00000999", "class_999")
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*\(2, 10\)"):
        applications.vgg16.decode_predictions(preds[:, :10])


def test_efficientnet_default_sizes():
    """With a top (which fixes the size) and no input_shape, each variant takes its own size."""
    for variant, size in [("B1", 240), ("B4", 380)]:
        model = getattr(applications, f"EfficientNet{variant}")(weights=None)
        assert model.input_shape == (None, size, size, 3) and model.name == f"efficientnet{variant.lower()}"


def test_efficientnet_v2_input_scaling():
    """B variants standardise with ImageNet's statistics, S/M/L map to [-1, 1); or nothing."""
    b0 = applications.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert [type(l).__name__ for l in b0.layers[1:3]] == ["Rescaling", "Normalization"]
    s = applications.EfficientNetV2S(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert type(s.layers[1]).__name__ == "Rescaling" and s.layers[1].get_config()["offset"] == -1
    bare = applications.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3),
                                         include_preprocessing=False)
    assert bare.layers[1].name == "stem_conv" and bare.count_params() == b0.count_params()


def test_keras_module_paths():
    assert applications.vgg16.VGG16 is applications.VGG16
    assert applications.vgg19.VGG19 is applications.VGG19
    assert applications.resnet50.ResNet50 is applications.resnet.ResNet50 is applications.ResNet50
    assert applications.resnet_v2.ResNet50V2 is applications.ResNet50V2
    assert applications.densenet.DenseNet201 is applications.DenseNet201
    assert minikeras.applications is applications


def test_custom_scale_layer_values_gradients_and_config(float64):
    """Inception-ResNet's residual sum ``a + b * scale``, checked by finite differences."""
    from tests.layers.test_layer_gradients import check_layer_gradients   # the suite's gradient checker
    from minikeras.applications.inception_resnet_v2 import CustomScaleLayer
    layer = CustomScaleLayer(0.17)
    a, b = np.ones((2, 3, 3, 4)), np.full((2, 3, 3, 4), 2.0)
    np.testing.assert_allclose(np.asarray(layer([a, b])), 1.34)
    check_layer_gradients(CustomScaleLayer(0.17), (2, 3, 3, 4), (2, 3, 3, 4))
    assert layer.get_config()["scale"] == 0.17
    assert CustomScaleLayer.from_config(layer.get_config()).scale == 0.17
    model = applications.InceptionResNetV2(weights=None, include_top=False, input_shape=(75, 75, 3))
    assert sum(type(l).__name__ == "CustomScaleLayer" for l in model.layers) == 40


@pytest.mark.parametrize("builder, kwargs", [
    ("MobileNetV3Small", dict(input_shape=(32, 32, 3), alpha=0.75, classes=3)),
    ("MobileNetV3Large", dict(input_shape=(32, 32, 3), minimalistic=True, classes=3)),
    ("ConvNeXtTiny", dict(input_shape=(32, 32, 3), classes=3)),
])
def test_builders_with_ops_run_and_train_a_step(builder, kwargs):
    """MobileNetV3 and ConvNeXt hold ops between their layers (hard sigmoid's ``+ 3`` and ``/ 6``,
    ConvNeXt's residual sums): a forward pass, then one training step that changes the weights."""
    model = getattr(applications, builder)(weights=None, **kwargs)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (4, 32, 32, 3)).astype("float32")
    before = [np.array(v.value) for v in model.trainable_weights]
    probs = model.predict(x, verbose=0)
    assert probs.shape == (4, 3) and np.allclose(probs.sum(-1), 1, atol=1e-5)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    loss = model.train_on_batch(x, rng.integers(0, 3, 4))
    assert np.isfinite(loss)
    assert any(not np.array_equal(b, np.asarray(v.value)) for b, v in zip(before, model.trainable_weights))


def test_mobilenet_v3_and_convnext_arguments():
    assert applications.mobilenet_v3.MobileNetV3Small is applications.MobileNetV3Small
    assert applications.convnext.ConvNeXtBase is applications.ConvNeXtBase
    x = np.arange(6, dtype="float32")
    assert applications.mobilenet_v3.preprocess_input(x) is x and applications.convnext.preprocess_input(x) is x
    small = applications.MobileNetV3Small(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert type(small.layers[1]).__name__ == "Rescaling" and small.name == "MobileNetV3Small"
    bare = applications.MobileNetV3Small(weights=None, include_top=False, input_shape=(32, 32, 3),
                                         include_preprocessing=False)
    assert bare.layers[1].name == "conv" and bare.count_params() == small.count_params()
    assert applications.MobileNetV3Large(weights=None, include_top=False).input_shape == (None, None, None, 3)
    assert applications.ConvNeXtTiny(weights=None, include_top=False, name="mine").name == "mine"
    with pytest.raises(ValueError, match="Input size must be at least 32x32.*\\(16, 16, 3\\)"):
        applications.MobileNetV3Small(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="alpha can be one of `0.75`, `1.0`.*alpha=0.5"):
        applications.MobileNetV3Large(alpha=0.5)
    with pytest.raises(ValueError, match="alpha=0.75, minimalistic=True"):
        applications.MobileNetV3Large(alpha=0.75, minimalistic=True)
    with pytest.raises(ValueError, match='Model name "mine" does not match weights variant "convnext_tiny"'):
        applications.ConvNeXtTiny(name="mine")
    with pytest.raises(ValueError, match="`input_tensor` must be a symbolic tensor"):
        applications.MobileNetV3Small(weights=None, input_tensor=np.zeros((1, 32, 32, 3)))


def test_layer_scale_and_stochastic_depth():
    from minikeras.applications.convnext import LayerScale, StochasticDepth
    scale = LayerScale(0.5, 4, name="ls")
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_allclose(np.asarray(scale(x)), x * 0.5)
    assert [tuple(w.shape) for w in scale.trainable_weights] == [(4,)]
    assert LayerScale.from_config(scale.get_config()).get_config() == scale.get_config()
    with pytest.raises(ValueError, match="ls2: expected inputs with 5 channels.*\\(2, 3, 4\\)"):
        LayerScale(0.5, 5, name="ls2")(x)
    drop = StochasticDepth(0.5, name="sd")
    images = np.ones((400, 2, 2, 3), "float32")
    assert np.asarray(drop(images)) is not None and np.array_equal(np.asarray(drop(images)), images)
    out = np.asarray(drop(images, training=True))
    per_sample = out.reshape(400, -1)
    # each sample wholly dropped (0) or kept and scaled by 1 / (1 - rate) = 2
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert (per_sample.min(1) == per_sample.max(1)).all()
    assert 120 < (per_sample[:, 0] == 0).sum() < 280
    assert StochasticDepth.from_config(drop.get_config()).drop_path_rate == 0.5
    with pytest.raises(ValueError, match="sd2: `drop_path_rate` must be a number in \\[0, 1\\).*1.5"):
        StochasticDepth(1.5, name="sd2")


def test_mobilenet_v3_saves_and_loads_with_its_ops(tmp_path):
    """The ``+ 3`` and ``* (1/6)`` of hard sigmoid are nodes of the saved graph, read back as ops."""
    model = applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=4, alpha=0.75)
    _randomize(model, seed=5)
    model.save(str(tmp_path / "m.keras"))
    loaded = minikeras.models.load_model(str(tmp_path / "m.keras"))
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    x = np.random.default_rng(6).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_a_model_with_convnext_layers_loads_without_custom_objects(tmp_path):
    keras = minikeras
    # Keras writes ConvNeXt's LayerScale under its module (keras.src.applications.convnext) and
    # loads it from there; minikeras writes the same module and finds the class again.
    from minikeras.applications.convnext import LayerScale
    inputs = keras.Input((3, 3, 4))
    outputs = LayerScale(0.5, 4, name="scale")(keras.layers.Dense(4)(inputs))
    model = keras.Model(inputs, outputs)
    path = str(tmp_path / "scaled.keras")
    model.save(path)
    config = model.get_config()["layers"][-1]
    assert (config["module"], config["class_name"]) == ("keras.src.applications.convnext", "LayerScale")
    loaded = keras.models.load_model(path)
    assert type(loaded.layers[-1]) is LayerScale
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 4)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
