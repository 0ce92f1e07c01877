"""Preprocessing layers: each family's behaviour, adapt(), gradients where they exist,
string inputs inside functional models (predict, fit, save/load), and clear errors.

StringLookup, IntegerLookup, Hashing and TextVectorization need TensorFlow in Keras 3, so
the parity tier cannot run them; their expected outputs here are the ones Keras documents
(its docstrings and its own tests), which Keras computed with TensorFlow.
"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from tests.conftest import numeric_gradient


# ----------------------------------------------------------------------------- numerical
def test_rescaling_maps_pixels_and_keeps_gradients(float64):
    layer = layers.Rescaling(1 / 127.5, offset=-1)
    x = np.array([[0.0, 127.5, 255.0]])
    np.testing.assert_allclose(np.asarray(layer(x)), [[-1, 0, 1]])
    per_channel = layers.Rescaling(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(np.asarray(per_channel(np.ones((2, 3)))), [[1, 2, 3]] * 2)
    t = ops.convert_to_tensor(x)
    with ops.GradientTape() as tape:
        tape.watch(t)
        y = ops.sum(layer(t))
    np.testing.assert_allclose(np.asarray(tape.gradient(y, t).value), np.full((1, 3), 1 / 127.5))


def test_normalization_adapt_matches_numpy_and_batches_merge_exactly():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(100, 4)).astype("float32")
    layer = layers.Normalization()
    layer.adapt([x[:30], x[30:70], x[70:]])  # an iterable of batches
    np.testing.assert_allclose(layer.adapt_mean.value, x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.value, x.var(0), rtol=1e-5)
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1, rtol=1e-4)
    inverse = layers.Normalization(mean=x.mean(0), variance=x.var(0), invert=True)
    np.testing.assert_allclose(np.asarray(inverse(out)), x, rtol=1e-4, atol=1e-4)


def test_normalization_axis_none_and_several_axes():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    whole = layers.Normalization(axis=None)
    whole.adapt(x)
    np.testing.assert_allclose(np.asarray(whole(x)), (x - x.mean()) / x.std(), rtol=1e-5)
    per_cell = layers.Normalization(axis=(1, 2))
    per_cell.adapt(x)
    assert per_cell.adapt_mean.shape == (3, 4)


def test_normalization_gradient(float64):
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    x = np.random.default_rng(0).normal(size=(3, 2))
    t = ops.convert_to_tensor(x)
    with ops.GradientTape() as tape:
        tape.watch(t)
        y = ops.sum(ops.square(layer(t)))
    expected = numeric_gradient(lambda: float(np.sum(np.asarray(layer(ops.convert_to_tensor(x))) ** 2)), x)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, t).value), expected, rtol=1e-6)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=[1.0])
    layer = layers.Normalization()
    layer.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match="built with input shape"):
        layer.adapt(np.ones((4, 5)))
    with pytest.raises(TypeError, match="expects numbers, but received a string"):
        layer(np.array([["a", "b", "c"]]))


def test_discretization_bins_modes_and_adapt():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = np.asarray(layer(np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])))
    np.testing.assert_array_equal(out, [[0, 2, 3, 1], [1, 3, 2, 1]])
    assert out.dtype == np.int32
    counts = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")(np.array([[-1.0, 0.5, 0.7]]))
    np.testing.assert_array_equal(np.asarray(counts), [[1, 2, 0]])
    quantiles = layers.Discretization(num_bins=4, epsilon=0.01)
    quantiles.adapt(np.arange(1000, dtype="float32"))
    np.testing.assert_allclose(quantiles.bin_boundaries, [249, 499, 749], atol=1.5)
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        layers.Discretization()


# ----------------------------------------------------------------------------- categorical
def test_category_encoding_modes_and_weights():
    ids = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    multi = layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(ids)
    np.testing.assert_array_equal(np.asarray(multi), [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    one = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 2, 0, 1]))
    np.testing.assert_array_equal(np.asarray(one), np.eye(4)[[3, 2, 0, 1]])
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]])
    count = layers.CategoryEncoding(num_tokens=4, output_mode="count")(ids, count_weights=weights)
    np.testing.assert_allclose(np.asarray(count), [[0.1, 0.2, 0, 0], [0.2, 0, 0, 0], [0, 0.2, 0.3, 0],
                                                   [0, 0.2, 0, 0.4]], rtol=1e-6)
    with pytest.raises(ValueError, match=r"must be in \[0, 4\)"):
        layers.CategoryEncoding(num_tokens=4)(np.array([[0, 4]]))


HASHING_CASES = [  # (constructor kwargs, inputs, Keras's outputs: its docstring and tests)
    (dict(num_bins=3), [["A"], ["B"], ["C"], ["D"], ["E"]], [[1], [0], [1], [1], [2]]),
    (dict(num_bins=3, mask_value=""), [["A"], ["B"], [""], ["C"], ["D"]], [[1], [1], [0], [2], [2]]),
    (dict(num_bins=3, salt=[133, 137]), [["A"], ["B"], ["C"], ["D"], ["E"]], [[1], [2], [1], [0], [2]]),
    (dict(num_bins=3, salt=133), [["A"], ["B"], ["C"], ["D"], ["E"]], [[0], [0], [2], [1], [0]]),
    (dict(num_bins=2), ["omar", "stringer", "marlo", "wire", "skywalker"], [0, 0, 1, 0, 0]),
    (dict(num_bins=3, mask_value="omar"), ["omar", "stringer", "marlo", "wire", "skywalker"], [0, 1, 2, 1, 1]),
    (dict(num_bins=3), [[0], [1], [2], [3], [4]], [[1], [0], [1], [0], [2]]),
    (dict(num_bins=2, salt=[211, 137]), ["omar", "stringer", "marlo", "wire", "skywalker"], [1, 0, 1, 0, 1]),
    (dict(num_bins=3, salt=[133, 137]), [[0], [1], [2], [3], [4]], [[1], [1], [2], [0], [1]]),
]


@pytest.mark.parametrize("kwargs, inputs, expected", HASHING_CASES)
def test_hashing_gives_keras_bins(kwargs, inputs, expected):
    out = layers.Hashing(**kwargs)(np.array(inputs))
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_fingerprint64_matches_farmhash_for_every_length():
    farmhash = pytest.importorskip("farmhash")  # pyfarmhash, only to cross-check the long-string paths
    from minikeras.layers.preprocessing.hashing import fingerprint64
    rng = np.random.default_rng(0)
    for n in list(range(0, 140)) + [255, 256, 1000]:
        data = rng.integers(0, 256, n).astype(np.uint8).tobytes()
        assert fingerprint64(data) == farmhash.fingerprint64(data), n


def test_hashing_output_modes_and_errors():
    one_hot = layers.Hashing(num_bins=3, output_mode="one_hot")(np.array([0, 1, 2, 3, 4]))
    np.testing.assert_array_equal(np.asarray(one_hot), np.eye(3)[[1, 0, 1, 0, 2]])
    multi = layers.Hashing(num_bins=3, output_mode="multi_hot")(np.array([[0, 1, 2, 3, 4]]))
    np.testing.assert_array_equal(np.asarray(multi), [[1, 1, 1]])
    with pytest.raises(TypeError, match="hashes strings or integers"):
        layers.Hashing(num_bins=3)(np.array([[0.5]]))
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=3, salt="pepper")


# ----------------------------------------------------------------------------- lookups
def test_string_lookup_as_keras_documents():
    vocab, data = ["a", "b", "c", "d"], np.array([["a", "c", "d"], ["d", "z", "b"]])
    np.testing.assert_array_equal(np.asarray(layers.StringLookup(vocabulary=vocab)(data)), [[1, 3, 4], [4, 0, 2]])
    adapted = layers.StringLookup()
    adapted.adapt(data)
    assert adapted.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    masked = layers.StringLookup(vocabulary=vocab, mask_token="")(np.array([["a", "c", "d"], ["d", "", "b"]]))
    np.testing.assert_array_equal(np.asarray(masked), [[2, 4, 5], [5, 0, 3]])
    counts = layers.StringLookup(vocabulary=vocab, output_mode="count")(
        np.array([["a", "c", "d", "d"], ["d", "z", "b", "z"]]))
    np.testing.assert_array_equal(np.asarray(counts), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    tf_idf = layers.StringLookup(output_mode="tf_idf", vocabulary=vocab, idf_weights=[0.25, 0.75, 0.6, 0.4])(
        np.array([["a", "c", "d", "d"], ["d", "z", "b", "z"]]))
    np.testing.assert_allclose(np.asarray(tf_idf), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    inverted = layers.StringLookup(vocabulary=vocab, invert=True)(np.array([[1, 3, 4], [4, 0, 2]]))
    assert np.asarray(inverted).tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


def test_string_lookup_several_oov_buckets_hash_with_farmhash():
    # Keras's docstring shows [[2, 4, 5], [5, 0, 3]] here, but TensorFlow's bucket for "z" is
    # Fingerprint64("z") % 2 = 1 (the same FarmHash that gives Keras's tested Hashing outputs).
    out = layers.StringLookup(vocabulary=["a", "b", "c", "d"], num_oov_indices=2)(
        np.array([["a", "c", "d"], ["d", "z", "b"]]))
    np.testing.assert_array_equal(np.asarray(out), [[2, 4, 5], [5, 1, 3]])


def test_integer_lookup_as_keras_documents():
    vocab, data = [12, 36, 1138, 42], np.array([[12, 1138, 42], [42, 1000, 36]])
    np.testing.assert_array_equal(np.asarray(layers.IntegerLookup(vocabulary=vocab)(data)), [[1, 3, 4], [4, 0, 2]])
    adapted = layers.IntegerLookup()
    adapted.adapt(data)
    assert adapted.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    two_oov = layers.IntegerLookup(vocabulary=vocab, num_oov_indices=2)(data)   # 1000 % 2 = 0
    np.testing.assert_array_equal(np.asarray(two_oov), [[2, 4, 5], [5, 0, 3]])
    masked = layers.IntegerLookup(vocabulary=vocab, mask_token=0)(np.array([[12, 1138, 42], [42, 0, 36]]))
    np.testing.assert_array_equal(np.asarray(masked), [[2, 4, 5], [5, 0, 3]])
    inverted = layers.IntegerLookup(vocabulary=vocab, invert=True)(np.array([[1, 3, 4], [4, 0, 2]]))
    np.testing.assert_array_equal(np.asarray(inverted), [[12, 1138, 42], [42, -1, 36]])


def test_lookup_adapt_limits_and_errors():
    lookup = layers.StringLookup(max_tokens=3)
    lookup.adapt(np.array(["x", "y", "y", "z", "z", "z"]))
    assert lookup.get_vocabulary() == ["[UNK]", "z", "y"]
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["b"]))
    with pytest.raises(ValueError, match="repeated"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(TypeError, match="looks up strings"):
        layers.StringLookup(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(TypeError, match="looks up integers"):
        layers.IntegerLookup(vocabulary=[1])(np.array(["a"]))
    with pytest.raises(ValueError, match="vocabulary of 5 entries but does not contain it"):
        layers.StringLookup.from_config({"vocabulary_size": 5, "vocabulary": None})


# ----------------------------------------------------------------------------- text
def test_text_vectorization_as_keras_documents():
    layer = layers.TextVectorization(max_tokens=5000, output_mode="int", output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    np.testing.assert_array_equal(np.asarray(layer(np.array([["foo qux bar"], ["qux baz"]]))),
                                  [[4, 1, 3, 0], [1, 2, 0, 0]])
    given = layers.TextVectorization(max_tokens=5000, output_sequence_length=4,
                                     vocabulary=["earth", "wind", "and", "fire"])
    assert given.get_vocabulary() == ["", "[UNK]", "earth", "wind", "and", "fire"]


def test_text_vectorization_standardize_split_ngrams_and_modes():
    layer = layers.TextVectorization(vocabulary=["hello", "world"])
    np.testing.assert_array_equal(np.asarray(layer(np.array(["Hello, WORLD!", "hello   there"]))),
                                  [[2, 3], [2, 1]])  # padded to the longest row
    chars = layers.TextVectorization(split="character", standardize=None, vocabulary=["a", "b"])
    np.testing.assert_array_equal(np.asarray(chars(np.array(["abca"]))), [[2, 3, 1, 2]])
    bigrams = layers.TextVectorization(ngrams=2, output_mode="multi_hot")
    bigrams.adapt(np.array(["the cat sat", "the cat"]))
    assert "the cat" in bigrams.get_vocabulary() and "cat sat" in bigrams.get_vocabulary()
    out = np.asarray(bigrams(np.array(["the cat"])))
    vocab = bigrams.get_vocabulary()
    assert out.shape == (1, len(vocab))
    assert [vocab[i] for i in np.flatnonzero(out[0])] == sorted(["the", "cat", "the cat"], key=vocab.index)
    tf_idf = layers.TextVectorization(output_mode="tf_idf")
    tf_idf.adapt(np.array(["a a b", "a c"]))
    weights = np.asarray(tf_idf(np.array(["a a b"])))[0]
    vocab = tf_idf.get_vocabulary()
    np.testing.assert_allclose(weights[vocab.index("a")], 2 * np.log(1 + 2 / 3), rtol=1e-5)
    np.testing.assert_allclose(weights[vocab.index("b")], np.log(1 + 2 / 2), rtol=1e-5)


def test_a_text_model_with_string_input_trains_saves_and_loads(tmp_path):
    texts = np.array(["good movie", "great film", "bad movie", "awful film", "good great", "bad awful"])
    labels = np.array([1, 1, 0, 0, 1, 0], "float32")
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=3)
    vectorize.adapt(texts)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = layers.Embedding(20, 8)(vectorize(inputs))
    x = layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(texts[:, None], labels, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    expected = model.predict(texts[:, None], verbose=0)
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / f"text{suffix}")
        loaded = keras.models.load_model(tmp_path / f"text{suffix}")
        assert loaded.layers[1].get_vocabulary() == vectorize.get_vocabulary()
        np.testing.assert_array_equal(loaded.predict(texts[:, None], verbose=0), expected)


def test_string_lookup_in_a_model_and_strings_reaching_numbers():
    inputs = keras.Input(shape=(2,), dtype="string")
    assert inputs.dtype == "string"
    lookup = layers.StringLookup(vocabulary=["red", "green", "blue"], output_mode="multi_hot")
    model = keras.Model(inputs, layers.Dense(2)(lookup(inputs)))
    assert model.predict(np.array([["red", "blue"], ["pink", "red"]]), verbose=0).shape == (2, 2)
    numeric_input = keras.Input((2,))
    numeric = keras.Model(numeric_input, layers.Dense(1)(numeric_input))
    with pytest.raises(TypeError, match="must be numeric"):
        numeric.predict(np.array([["a", "b"]]), verbose=0)
    raw = keras.Model(inputs, layers.Dense(1)(inputs))
    with pytest.raises(TypeError, match="string tensor reached a numeric operation"):
        raw.predict(np.array([["a", "b"]]), verbose=0)


# ----------------------------------------------------------------------------- images
def test_resizing_and_center_crop_shapes_dtypes_and_gradients(float64):
    image = np.arange(2 * 4 * 6 * 1, dtype="float64").reshape(2, 4, 6, 1)
    resized = layers.Resizing(2, 3)(image)
    assert resized.shape == (2, 2, 3, 1)
    # halving each axis: bilinear with half-pixel centres averages each 2x2 block
    np.testing.assert_allclose(np.asarray(resized)[0, 0, 0, 0], image[0, :2, :2, 0].mean())
    nearest = layers.Resizing(8, 12, interpolation="nearest")(image)
    np.testing.assert_array_equal(np.asarray(nearest)[0, ::2, ::2], image[0])
    assert layers.Resizing(2, 3)(image.astype("uint8")).dtype == "uint8"
    crop = layers.CenterCrop(2, 4)(image)
    np.testing.assert_array_equal(np.asarray(crop), image[:, 1:3, 1:5])
    assert layers.CenterCrop(2, 4)(image[0]).shape == (2, 4, 1)   # one image, no batch axis
    for layer in (layers.Resizing(3, 5), layers.CenterCrop(6, 8)):
        t = ops.convert_to_tensor(image)
        w = np.random.default_rng(0).normal(size=np.asarray(layer(t)).shape)
        with ops.GradientTape() as tape:
            tape.watch(t)
            y = ops.sum(ops.multiply(layer(t), w))
        probe = image.copy()  # numeric_gradient nudges this array in place
        expected = numeric_gradient(lambda: float(np.sum(np.asarray(layer(ops.convert_to_tensor(probe))) * w)),
                                    probe)
        np.testing.assert_allclose(np.asarray(tape.gradient(y, t).value), expected, rtol=1e-5, atol=1e-7)


def test_random_layers_are_seeded_and_only_act_in_training():
    images = np.random.default_rng(0).random((8, 5, 5, 3)).astype("float32")
    for make in (lambda: layers.RandomFlip(seed=3), lambda: layers.RandomRotation(0.2, seed=3),
                 lambda: layers.RandomZoom(0.3, seed=3), lambda: layers.RandomTranslation(0.3, 0.3, seed=3)):
        a, b = make(), make()
        np.testing.assert_array_equal(np.asarray(a(images, training=True)), np.asarray(b(images, training=True)))
        assert not np.allclose(np.asarray(a(images, training=True)), images)
        np.testing.assert_array_equal(np.asarray(a(images, training=False)), images)
        model = keras.Model(x := keras.Input((5, 5, 3)), make()(x))
        np.testing.assert_array_equal(model.predict(images, verbose=0), images)


def test_random_flip_flips_each_image_or_leaves_it():
    images = np.random.default_rng(1).random((16, 4, 4, 1)).astype("float32")
    out = np.asarray(layers.RandomFlip("horizontal", seed=0)(images))
    flipped = [np.array_equal(o, i[:, ::-1]) for o, i in zip(out, images)]
    kept = [np.array_equal(o, i) for o, i in zip(out, images)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)


def test_affine_transforms_do_what_they_say(float64):
    from minikeras.layers.preprocessing.image_augmentation import (affine_transform, rotation_transforms,
                                                                   translation_transforms)
    image = np.arange(16, dtype="float64").reshape(1, 4, 4, 1)
    quarter = affine_transform(ops.convert_to_tensor(image), rotation_transforms(np.array([np.pi / 2]), 4, 4))
    np.testing.assert_allclose(np.asarray(quarter)[0, :, :, 0], np.rot90(image[0, :, :, 0], 1), atol=1e-9)
    shifted = affine_transform(ops.convert_to_tensor(image), translation_transforms(np.array([1.0]), np.array([0.0])),
                               fill_mode="constant", fill_value=-1)
    np.testing.assert_array_equal(np.asarray(shifted)[0, :, :, 0], np.c_[-np.ones(4), image[0, :, :3, 0]])
    reflect = affine_transform(ops.convert_to_tensor(image), translation_transforms(np.array([2.0]), np.array([0.0])))
    np.testing.assert_array_equal(np.asarray(reflect)[0, 0, :, 0], [1, 0, 0, 1])
    t = ops.convert_to_tensor(image)
    transform = rotation_transforms(np.array([0.4]), 4, 4)
    w = np.random.default_rng(0).normal(size=image.shape)
    with ops.GradientTape() as tape:
        tape.watch(t)
        y = ops.sum(ops.multiply(affine_transform(t, transform), w))
    probe = image.copy()  # numeric_gradient nudges this array in place
    expected = numeric_gradient(
        lambda: float(np.sum(np.asarray(affine_transform(ops.convert_to_tensor(probe), transform)) * w)), probe)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, t).value), expected, rtol=1e-5, atol=1e-7)


def test_an_image_pipeline_inside_a_model_trains_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(32, 10, 10, 3)).astype("float32")
    labels = (images[..., 0].mean(axis=(1, 2)) > 127).astype("int32")
    inputs = keras.Input((10, 10, 3))
    x = layers.Resizing(8, 8)(inputs)
    x = layers.CenterCrop(6, 6)(x)
    x = layers.Rescaling(1 / 255)(x)
    x = layers.RandomFlip("horizontal", seed=1)(x)
    x = layers.RandomRotation(0.05, seed=1)(x)
    x = layers.Flatten()(x)
    model = keras.Model(inputs, layers.Dense(2, activation="softmax")(x))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(images, labels, epochs=2, verbose=0)
    expected = model.predict(images, verbose=0)
    model.save(tmp_path / "images.keras")
    loaded = keras.models.load_model(tmp_path / "images.keras")
    np.testing.assert_array_equal(loaded.predict(images, verbose=0), expected)
    assert [type(l).__name__ for l in loaded.layers][1:6] == ["Resizing", "CenterCrop", "Rescaling", "RandomFlip",
                                                              "RandomRotation"]


def test_adapted_normalization_and_lookup_survive_saving(tmp_path):
    x = np.random.default_rng(0).normal(5, 3, size=(50, 3)).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    numbers = keras.Input((3,))
    words = keras.Input((1,), dtype="string")
    lookup = layers.StringLookup(output_mode="one_hot")
    lookup.adapt(np.array(["cat", "dog", "dog", "bird"]))
    merged = layers.Concatenate()([norm(numbers), lookup(words)])
    model = keras.Model([numbers, words], layers.Dense(1)(merged))
    data = [x[:4], np.array([["dog"], ["cat"], ["fish"], ["bird"]])]
    expected = model.predict(data, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), expected, rtol=1e-6)


def test_python_lists_are_one_input_as_in_keras():
    np.testing.assert_array_equal(np.asarray(layers.Hashing(num_bins=3)([["A"], ["B"], ["C"]])), [[1], [0], [1]])
    np.testing.assert_array_equal(np.asarray(layers.StringLookup(vocabulary=["a", "b"])([["a", "c"]])), [[1, 0]])
    np.testing.assert_array_equal(np.asarray(layers.CategoryEncoding(3)([[0, 2]])), [[1, 0, 1]])
    text = layers.TextVectorization()
    text.adapt(["foo bar", "bar baz"])
    assert np.asarray(text(["foo qux bar", "qux"])).shape == (2, 3)


def test_the_wrong_kind_of_input_is_refused_when_the_model_is_defined():
    text, numbers = keras.Input((1,), dtype="string"), keras.Input((3,))
    for layer in (layers.Rescaling(2.0), layers.Normalization(), layers.CategoryEncoding(3),
                  layers.IntegerLookup(vocabulary=[1, 2])):
        with pytest.raises(TypeError, match=f"{layer.name} .*expects numbers, but its input .* has dtype string"):
            layer(text)
    for layer in (layers.StringLookup(vocabulary=["a"]), layers.TextVectorization()):
        with pytest.raises(TypeError, match=f"{layer.name} .*expects text, but its input .* float32"):
            layer(numbers)
    layers.Hashing(num_bins=3)(text)
    layers.Hashing(num_bins=3)(keras.Input((1,), dtype="int32"))
    layers.StringLookup(vocabulary=["a"], invert=True)(keras.Input((2,), dtype="int64"))


def test_text_vectorization_refuses_sparse_output():
    with pytest.raises(ValueError, match="sparse=True is not supported"):
        layers.TextVectorization(output_mode="multi_hot", sparse=True)
