"""Every layer class in minikeras.layers survives get_config/from_config, .keras and .h5.

Each case builds ``Input(shape) -> layer`` with the same code in minikeras and (in the
parity tier) real Keras. Config and weights must round-trip exactly for every layer;
predictions must be bit-for-bit identical for every layer whose computation exists
(layers whose numba kernel is not wired yet are skipped in that one test, with the reason).
"""
import numpy as np
import pytest

import minikeras as keras
from minikeras.saving.class_lookup import builtin_layer_classes

# name -> (input shape, constructor kwargs, input kind). Input kinds: "float", "int" (token ids),
# "string" (text).
LAYER_CASES = {
    "Dense": ((4,), dict(units=3, activation="relu"), "float"),
    "Activation": ((4,), dict(activation="tanh"), "float"),
    "EinsumDense": ((5, 4), dict(equation="abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de",
                                 activation="relu"), "float"),
    "Dropout": ((4,), dict(rate=0.5), "float"),
    "SpatialDropout1D": ((5, 3), dict(rate=0.3, seed=2), "float"),
    "SpatialDropout2D": ((4, 4, 3), dict(rate=0.3), "float"),
    "SpatialDropout3D": ((2, 2, 2, 3), dict(rate=0.3), "float"),
    "GaussianNoise": ((4,), dict(stddev=0.2, seed=1), "float"),
    "GaussianDropout": ((4,), dict(rate=0.2), "float"),
    "AlphaDropout": ((4,), dict(rate=0.1, noise_shape=(None, 4)), "float"),
    "Flatten": ((2, 3), {}, "float"),
    "Reshape": ((6,), dict(target_shape=(2, 3)), "float"),
    "Permute": ((2, 3), dict(dims=(2, 1)), "float"),
    "RepeatVector": ((3,), dict(n=2), "float"),
    "Lambda": ((3,), dict(function=lambda x: x * 2.0), "float"),
    "Embedding": ((5,), dict(input_dim=10, output_dim=3), "int"),
    "ReversibleEmbedding": ((5,), dict(input_dim=10, output_dim=3, tie_weights=False, logit_soft_cap=5.0), "int"),
    "Masking": ((3, 2), dict(mask_value=0.0), "float"),
    "Conv1D": ((8, 3), dict(filters=2, kernel_size=3, padding="same"), "float"),
    "Conv2D": ((6, 6, 3), dict(filters=2, kernel_size=3, strides=2), "float"),
    "Conv2DTranspose": ((4, 4, 3), dict(filters=2, kernel_size=3, strides=2), "float"),
    "DepthwiseConv2D": ((6, 6, 3), dict(kernel_size=3, depth_multiplier=2), "float"),
    "SeparableConv2D": ((6, 6, 3), dict(filters=4, kernel_size=3), "float"),
    "Conv1DTranspose": ((5, 3), dict(filters=2, kernel_size=3, strides=2, padding="same"), "float"),
    "DepthwiseConv1D": ((7, 3), dict(kernel_size=3, depth_multiplier=2, strides=2), "float"),
    "SeparableConv1D": ((7, 3), dict(filters=4, kernel_size=3, dilation_rate=2, activation="relu"), "float"),
    "Conv3D": ((5, 6, 4, 3), dict(filters=2, kernel_size=(3, 2, 3), strides=(2, 1, 2), padding="same"), "float"),
    "Conv3DTranspose": ((3, 2, 3, 3), dict(filters=2, kernel_size=(3, 2, 3), strides=(2, 1, 2)), "float"),
    "MaxPooling3D": ((4, 5, 4, 3), dict(pool_size=2, padding="same"), "float"),
    # 'valid': Keras 3's torch backend averages 'same'-padded windows unlike TensorFlow (also in 2-D);
    # tests/layers/test_pooling_3d.py checks 'same' against the definition
    "AveragePooling3D": ((5, 4, 5, 2), dict(pool_size=(3, 2, 2), strides=(2, 1, 2)), "float"),
    "GlobalMaxPooling3D": ((3, 3, 2, 2), {}, "float"),
    "GlobalAveragePooling3D": ((3, 3, 2, 2), dict(keepdims=True), "float"),
    "UpSampling3D": ((2, 3, 2, 2), dict(size=(2, 1, 3)), "float"),
    "ZeroPadding3D": ((2, 3, 2, 2), dict(padding=((1, 0), (0, 2), (1, 1))), "float"),
    "Cropping3D": ((4, 5, 4, 2), dict(cropping=((1, 0), (0, 2), (1, 1))), "float"),
    "AdaptiveAveragePooling1D": ((7, 3), dict(output_size=3), "float"),
    "AdaptiveAveragePooling2D": ((7, 5, 3), dict(output_size=(3, 2)), "float"),
    "AdaptiveAveragePooling3D": ((5, 4, 3, 2), dict(output_size=(2, 3, 2)), "float"),
    "AdaptiveMaxPooling1D": ((7, 3), dict(output_size=3), "float"),
    "AdaptiveMaxPooling2D": ((7, 5, 3), dict(output_size=(3, 2)), "float"),
    "AdaptiveMaxPooling3D": ((5, 4, 3, 2), dict(output_size=(2, 3, 2)), "float"),
    "MaxPooling1D": ((8, 3), dict(pool_size=2), "float"),
    "MaxPooling2D": ((6, 6, 3), dict(pool_size=2), "float"),
    "AveragePooling1D": ((8, 3), dict(pool_size=2), "float"),
    "AveragePooling2D": ((6, 6, 3), dict(pool_size=2), "float"),
    "GlobalMaxPooling1D": ((8, 3), {}, "float"),
    "GlobalMaxPooling2D": ((6, 6, 3), {}, "float"),
    "GlobalAveragePooling1D": ((8, 3), {}, "float"),
    "GlobalAveragePooling2D": ((6, 6, 3), {}, "float"),
    "BatchNormalization": ((4,), dict(momentum=0.9), "float"),
    "LayerNormalization": ((4,), {}, "float"),
    "UnitNormalization": ((3, 4), dict(axis=[1, 2]), "float"),
    "RMSNormalization": ((3, 4), dict(epsilon=1e-5), "float"),
    "GroupNormalization": ((4, 4, 6), dict(groups=3, epsilon=1e-4), "float"),
    "Identity": ((4,), {}, "float"),
    "SimpleRNN": ((5, 3), dict(units=2, return_sequences=True), "float"),
    "LSTM": ((5, 3), dict(units=2), "float"),
    "GRU": ((5, 3), dict(units=2), "float"),
    "ConvLSTM1D": ((4, 6, 2), dict(filters=3, kernel_size=2, padding="same", return_sequences=True), "float"),
    "ConvLSTM2D": ((3, 5, 5, 2), dict(filters=2, kernel_size=3, go_backwards=True), "float"),
    "ConvLSTM3D": ((3, 4, 4, 3, 2), dict(filters=2, kernel_size=2, strides=(1, 2, 1)), "float"),
    "ZeroPadding1D": ((5, 3), dict(padding=1), "float"),
    "ZeroPadding2D": ((5, 5, 3), dict(padding=((1, 2), (0, 1))), "float"),
    "Cropping1D": ((5, 3), dict(cropping=(1, 1)), "float"),
    "Cropping2D": ((5, 5, 3), dict(cropping=((1, 1), (0, 1))), "float"),
    "UpSampling1D": ((5, 3), dict(size=2), "float"),
    "UpSampling2D": ((3, 3, 2), dict(size=2), "float"),
    "ActivityRegularization": ((4,), dict(l1=0.01, l2=0.02), "float"),
    "ReLU": ((4,), dict(max_value=6.0), "float"),
    "LeakyReLU": ((4,), dict(negative_slope=0.2), "float"),
    "PReLU": ((4,), {}, "float"),
    "ELU": ((4,), {}, "float"),
    "Softmax": ((4,), {}, "float"),
    "Rescaling": ((4,), dict(scale=0.5, offset=-1.0), "float"),
    "Normalization": ((4,), dict(mean=[0.5, 1.0, -1.0, 0.0], variance=[1.0, 4.0, 0.25, 2.0]), "float"),
    "Discretization": ((4,), dict(bin_boundaries=[-0.5, 0.0, 0.5]), "float"),
    "Resizing": ((5, 6, 2), dict(height=3, width=4), "float"),
    "CenterCrop": ((5, 6, 2), dict(height=3, width=4), "float"),
    "RandomFlip": ((4, 4, 2), dict(seed=1), "float"),
    "RandomRotation": ((4, 4, 2), dict(factor=0.2, seed=1), "float"),
    "RandomZoom": ((4, 4, 2), dict(height_factor=0.2, seed=1), "float"),
    "RandomTranslation": ((4, 4, 2), dict(height_factor=0.2, width_factor=0.1, seed=1), "float"),
    "RandomContrast": ((4, 4, 2), dict(factor=(0.2, 0.5), value_range=(0, 1), seed=1), "float"),
    "RandomBrightness": ((4, 4, 2), dict(factor=0.3, seed=1), "float"),
    # the target size: Keras 3.15 passes inference images through uncropped (tests/parity/
    # test_color_and_crop_parity.py compares the crops themselves)
    "RandomCrop": ((4, 4, 2), dict(height=4, width=4, seed=1), "float"),
    "RandomInvert": ((4, 4, 3), dict(factor=0.5, seed=1), "float"),
    "RandomGrayscale": ((4, 4, 3), dict(factor=0.7, seed=1), "float"),
    "Solarization": ((4, 4, 3), dict(addition_factor=0.2, threshold_factor=(0.3, 0.6), seed=1), "float"),
    "AutoContrast": ((4, 4, 3), dict(value_range=(-3, 3)), "float"),
    "RandomColorDegeneration": ((4, 4, 3), dict(factor=0.4, seed=1), "float"),
    "RandomPosterization": ((4, 4, 3), dict(factor=(2, 6), seed=1), "float"),
    "RandomSharpness": ((4, 4, 3), dict(factor=(0.2, 0.8), seed=1), "float"),
    # a pair: Keras 3.15 writes a number f as (-f, f), which its own from_config then refuses
    "RandomShear": ((4, 5, 2), dict(x_factor=(0.2, 0.3), y_factor=(0.1, 0.2), fill_mode="constant", seed=1), "float"),
    "CategoryEncoding": ((3,), dict(num_tokens=6, output_mode="count"), "int"),
    "IntegerLookup": ((3,), dict(vocabulary=[1, 3, 5, 7]), "int"),
    "Hashing": ((3,), dict(num_bins=5), "string"),
    "StringLookup": ((3,), dict(vocabulary=["a", "b", "c"]), "string"),
    "TextVectorization": ((1,), dict(vocabulary=["a", "b", "c"], output_sequence_length=4), "string"),
}
# Layers that take a list of tensors: two inputs of this shape.
MERGE_CASES = {
    "Add": ((4,), {}), "Subtract": ((4,), {}), "Multiply": ((4,), {}), "Average": ((4,), {}),
    "Maximum": ((4,), {}), "Minimum": ((4,), {}), "Concatenate": ((4,), dict(axis=-1)),
    "Dot": ((4,), dict(axes=1)),
    "Attention": ((3, 4), dict(use_scale=True)), "AdditiveAttention": ((3, 4), {}),
}
WRAPPER_CASES = {
    "TimeDistributed": ((5, 3), lambda lib: lib.layers.TimeDistributed(lib.layers.Dense(2))),
    "Bidirectional": ((5, 3), lambda lib: lib.layers.Bidirectional(lib.layers.LSTM(2))),
    "SpectralNormalization": ((4,), lambda lib: lib.layers.SpectralNormalization(lib.layers.Dense(3),
                                                                                 power_iterations=2)),
    "Pipeline": ((4, 4, 3), lambda lib: lib.layers.Pipeline([lib.layers.RandomFlip(seed=1), lib.layers.Rescaling(0.5),
                                                             lib.layers.RandomContrast(0.3, seed=2)])),
    # cells run inside the generic RNN layer (a cell's call takes (inputs, states))
    "RNN": ((5, 3), lambda lib: lib.layers.RNN(lib.layers.LSTMCell(2), return_sequences=True, go_backwards=True)),
    "SimpleRNNCell": ((5, 3), lambda lib: lib.layers.RNN(lib.layers.SimpleRNNCell(2, activation="relu"))),
    "LSTMCell": ((5, 3), lambda lib: lib.layers.RNN(lib.layers.LSTMCell(2, unit_forget_bias=False))),
    "GRUCell": ((5, 3), lambda lib: lib.layers.RNN(lib.layers.GRUCell(2, reset_after=False), return_sequences=True)),
    "StackedRNNCells": ((5, 3), lambda lib: lib.layers.RNN(lib.layers.StackedRNNCells(
        [lib.layers.GRUCell(3), lib.layers.LSTMCell(2)]), return_sequences=True)),
    # not a wrapper, but like one built by a function: self-attention calls the layer on (x, x)
    "MultiHeadAttention": ((5, 4), lambda lib: (lambda x: lib.layers.MultiHeadAttention(2, 3)(x, x))),
}
NOT_LAYERS = {"Layer", "InputLayer", "Functional", "Model", "Sequential", "Input",
              "Wrapper"}   # an abstract base (no call of its own): tests/layers/test_wrappers_base.py
# Keras 3 implements these with TensorFlow, which the parity environment does not have;
# tests/layers/test_preprocessing.py checks them against the outputs Keras documents.
NEEDS_TENSORFLOW = {"Hashing", "IntegerLookup", "StringLookup", "TextVectorization"}


def build_case(lib, name, seed_model=True):
    """``Model(inputs, layer(inputs))`` for case ``name``, using library ``lib`` (minikeras or keras)."""
    if name in MERGE_CASES:
        shape, kwargs = MERGE_CASES[name]
        a, b = lib.Input(shape), lib.Input(shape)
        return lib.Model([a, b], getattr(lib.layers, name)(**kwargs)([a, b]))
    if name in WRAPPER_CASES:
        shape, make = WRAPPER_CASES[name]
        x = lib.Input(shape)
        return lib.Model(x, make(lib)(x))
    shape, kwargs, kind = LAYER_CASES[name]
    x = lib.Input(shape, dtype={"int": "int32", "string": "string"}.get(kind, "float32"))
    return lib.Model(x, getattr(lib.layers, name)(**kwargs)(x))


def case_inputs(name, n=3, seed=0):
    rng = np.random.default_rng(seed)
    if name in MERGE_CASES:
        shape = MERGE_CASES[name][0]
        return [rng.standard_normal((n,) + shape).astype("float32") for _ in range(2)]
    if name in WRAPPER_CASES:
        return rng.standard_normal((n,) + WRAPPER_CASES[name][0]).astype("float32")
    shape, kwargs, kind = LAYER_CASES[name]
    if kind == "int":
        high = kwargs.get("input_dim", kwargs.get("num_tokens", 10))
        return rng.integers(0, high, (n,) + shape).astype("int32")
    if kind == "string":
        words = np.array(["a", "b", "c", "d", "a b", "c x"])
        return words[rng.integers(0, len(words), (n,) + shape)]
    return rng.standard_normal((n,) + shape).astype("float32")


def randomize_weights(model, seed=1):
    """Non-default values everywhere (BatchNormalization statistics included)."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        value = rng.uniform(0.5, 1.5, w.shape) if "variance" in w.name else rng.standard_normal(w.shape)
        w.assign(value.astype(w.dtype))


ALL_CASES = sorted(set(LAYER_CASES) | set(MERGE_CASES) | set(WRAPPER_CASES))


def predict_or_skip(model, x):
    try:
        return model.predict(x, verbose=0)
    except (AttributeError, NotImplementedError) as e:
        pytest.skip(f"{model.layers[-1].__class__.__name__} does not compute yet ({e}); its config and "
                    "weights round trips are tested")


def test_every_layer_class_has_a_case():
    classes = {name for name, cls in builtin_layer_classes().items()
               if name not in NOT_LAYERS and cls.__name__ == name}
    assert classes - set(ALL_CASES) == set(), "add a case for each new layer class"


@pytest.fixture
def unsafe():
    from minikeras.saving import safe_mode
    with safe_mode.safe_mode_scope(False):
        yield


@pytest.mark.parametrize("name", ALL_CASES)
def test_config_round_trip(name, unsafe):
    model = build_case(keras, name)
    config = model.get_config()
    clone = keras.Model.from_config(config)
    assert _comparable(clone.get_config()) == _comparable(config)
    assert [type(l) for l in clone.layers] == [type(l) for l in model.layers]
    assert clone.count_params() == model.count_params()


def _comparable(config):
    """The config without a Lambda's marshalled code (its bytes may differ between marshal runs)."""
    import json
    config = json.loads(json.dumps(config))
    for layer in config["layers"]:
        if layer["class_name"] == "Lambda":
            layer["config"].pop("function")
    return config


def _same_architecture(a, b):
    """Configs equal, except that a Keras 2 .h5 file stores inputs/outputs as lists."""
    a, b = _comparable(a), _comparable(b)
    for key in ("input_layers", "output_layers"):
        for config in (a, b):
            if isinstance(config[key][0], str):
                config[key] = [config[key]]
    return a == b


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("name", ALL_CASES)
def test_file_round_trip_config_and_weights(name, suffix, tmp_path, unsafe):
    model = build_case(keras, name)
    randomize_weights(model)
    path = tmp_path / f"m{suffix}"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=False)
    assert _same_architecture(loaded.get_config(), model.get_config())
    assert len(loaded.weights) == len(model.weights)
    for a, b in zip(model.weights, loaded.weights):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a.value, b.value)


@pytest.mark.parametrize("name", ALL_CASES)
def test_file_round_trip_predictions(name, tmp_path, unsafe):
    model = build_case(keras, name)
    randomize_weights(model)
    x = case_inputs(name)
    expected = predict_or_skip(model, x)
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / f"m{suffix}")
        loaded = keras.models.load_model(tmp_path / f"m{suffix}", safe_mode=False)
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)


def test_lambda_is_refused_in_safe_mode(tmp_path):
    model = build_case(keras, "Lambda")
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="Lambda layer.*safe_mode=False"):
        keras.models.load_model(tmp_path / "m.keras")
