"""Overriding train_step, test_step, predict_step, compute_loss and metrics, as Keras 3 documents.

The first tests run the examples of the Keras guide "Customizing what happens in fit()"
(its TensorFlow version) with one substitution besides the import: the guide's
``tf.GradientTape()`` is ``keras.ops.GradientTape()``, minikeras's tape, and ``tf.concat``,
``tf.ones``, ``tf.zeros``, ``tf.shape`` are the ``keras.ops`` functions of the same meaning.
"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from tests.engine.training_models import binary_data, mlp

# ------------------------------------------------------------------ the guide's examples


class GuideModel(keras.Model):
    """The guide's first example: compute_loss and self.metrics inside train_step."""
    calls = 0

    def train_step(self, data):
        type(self).calls += 1
        x, y = data
        with keras.ops.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def guide_data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((1000, 32)), rng.random((1000, 1))


def test_guide_first_example_fit_calls_the_users_train_step():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = GuideModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x, y = guide_data()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert GuideModel.calls == 3 * 32
    assert set(history.history) == {"loss", "mae"}   # compile_metrics' dict is flattened into the logs
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(isinstance(v, float) for v in history.history["mae"])


def test_guide_lower_level_example_with_own_metrics_and_no_compiled_loss():
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            with keras.ops.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.loss_fn(y, y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam")
    x, y = guide_data()
    history = model.fit(x, y, epochs=5, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    # the metrics are reset at every epoch: the last epoch's mean is not the mean since the start
    model.reset_metrics()
    assert model.loss_tracker.count == 0
    model.mae_metric.update_state(y, model.predict(x, verbose=0))
    assert abs(model.mae_metric.result() - history["mae"][-1]) < 0.05


def test_guide_sample_weight_example():
    class CustomModel(keras.Model):
        def train_step(self, data):
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data
            with keras.ops.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    def fit(sw):
        keras.utils.set_random_seed(0)
        inputs = keras.Input(shape=(32,))
        model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        x, y = guide_data()
        return model.fit(x, y, sample_weight=sw, epochs=2, verbose=0, shuffle=False).history

    sw = np.random.default_rng(1).random((1000, 1))
    weighted = fit(sw)
    assert weighted != fit(None) and set(weighted) == {"loss", "mae"}


def test_guide_test_step_example():
    seen = []

    class CustomModel(keras.Model):
        def test_step(self, data):
            x, y = data
            seen.append(len(x))
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(32,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse", metrics=["mae"])
    x, y = guide_data()
    result = model.evaluate(x, y, verbose=0)
    assert seen == [32] * 31 + [8]
    plain = keras.Model(model.inputs, model.outputs)
    plain.compile(loss="mse", metrics=["mae"])
    expected = plain.evaluate(x, y, verbose=0)
    # the guide's loss tracker gets one value per batch (Mean.update_state(loss)), evaluate
    # weighs each batch by its size: only the last, smaller batch makes them differ
    np.testing.assert_allclose(result[1], expected[1], rtol=1e-5)
    np.testing.assert_allclose(result[0], expected[0], rtol=2e-2)


def test_guide_gan_example_smaller():
    """The guide's GAN (smaller images and filters so that it runs in a test), trained on a
    generator of real images for a few steps: both optimizers move their own network only."""
    discriminator = keras.Sequential(
        [keras.Input(shape=(8, 8, 1)),
         layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
         layers.LeakyReLU(negative_slope=0.2),
         layers.GlobalMaxPooling2D(),
         layers.Dense(1)], name="discriminator")
    latent_dim = 6
    generator = keras.Sequential(
        [keras.Input(shape=(latent_dim,)),
         layers.Dense(4 * 4 * 4),
         layers.LeakyReLU(negative_slope=0.2),
         layers.Reshape((4, 4, 4)),
         layers.Conv2DTranspose(4, (4, 4), strides=(2, 2), padding="same"),
         layers.LeakyReLU(negative_slope=0.2),
         layers.Conv2D(1, (3, 3), padding="same", activation="sigmoid")], name="generator")

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator(1337)

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            batch_size = ops.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim),
                                                        seed=self.seed_generator)
            generated_images = self.generator(random_latent_vectors)
            combined_images = ops.concatenate([generated_images, real_images], axis=0)
            labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
            labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)
            with keras.ops.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
            random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim),
                                                        seed=self.seed_generator)
            misleading_labels = ops.zeros((batch_size, 1))
            with keras.ops.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    images = np.random.default_rng(0).random((64, 8, 8, 1)).astype("float32")
    dataset = ((images[i:i + 16],) for i in range(0, 64, 16))
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    before_d, before_g = discriminator.get_weights(), generator.get_weights()
    history = gan.fit(dataset, epochs=1, steps_per_epoch=3, verbose=0, shuffle=False).history
    assert set(history) == {"d_loss", "g_loss"} and all(np.isfinite(v[0]) for v in history.values())
    assert all(not np.array_equal(a, b) for a, b in zip(before_d, discriminator.get_weights()))
    assert all(not np.array_equal(a, b) for a, b in zip(before_g, generator.get_weights()))

# ------------------------------------------------------------------ the overridable pieces


def _fit(model_class, epochs=2, **compile_kwargs):
    keras.utils.set_random_seed(5)
    x, y = binary_data(64)
    base = mlp()
    model = model_class(base.input, base.output)
    model.compile("sgd", "binary_crossentropy", **compile_kwargs)
    history = model.fit(x, y, batch_size=16, epochs=epochs, verbose=0, shuffle=False,
                        validation_data=(x[:32], y[:32])).history
    return model, history


def test_keras_default_steps_compute_what_the_fast_path_computes():
    class Delegating(keras.Model):
        """Overrides every piece by calling the default: fit takes Keras's route through them."""
        def train_step(self, data):
            return super().train_step(data)

        def test_step(self, data):
            return super().test_step(data)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return super().compute_loss(x, y, y_pred, sample_weight, training)

    fast, fast_history = _fit(keras.Model, metrics=["accuracy"])
    keras_route, history = _fit(Delegating, metrics=["accuracy"])
    assert list(history) == list(fast_history)
    for key in history:
        np.testing.assert_allclose(history[key], fast_history[key], rtol=1e-6, err_msg=key)
    for a, b in zip(fast.get_weights(), keras_route.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_an_overridden_compute_loss_is_what_fit_minimises():
    class Extra(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.seen = []

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            self.seen.append((np.shape(x), training))
            loss = super().compute_loss(x, y, y_pred, sample_weight)
            return loss + 10.0 * ops.mean(ops.square(y_pred))

    model, history = _fit(Extra)
    plain, plain_history = _fit(keras.Model)
    assert history["loss"][0] > plain_history["loss"][0]
    assert model.seen[0] == ((16, 4), True) and model.seen[4] == ((16, 4), False)
    # the extra term pushes the outputs' logits down: predictions fall
    assert model.predict(binary_data(64)[0], verbose=0).mean() < plain.predict(binary_data(64)[0], verbose=0).mean()


def test_the_docstring_compute_loss_with_its_own_tracker():
    """Keras's compute_loss docstring: own loss, self.losses added, own tracker as metrics."""
    class MyModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")

        def compute_loss(self, x, y, y_pred, sample_weight, training=True):
            loss = ops.mean((y_pred - y) ** 2)
            loss += ops.sum(self.losses)
            self.loss_tracker.update_state(loss)
            return loss

        def reset_metrics(self):
            self.loss_tracker.reset_state()

        @property
        def metrics(self):
            return [self.loss_tracker]

    inputs = layers.Input(shape=(10,), name="my_input")
    outputs = layers.Dense(10, kernel_regularizer="l2")(inputs)
    model = MyModel(inputs, outputs)
    model.compile(keras.optimizers.SGD(), loss="mse")
    x = np.random.default_rng(0).random((40, 10))
    history = model.fit(x, x, batch_size=10, epochs=2, verbose=0).history
    assert list(history) == ["loss"] and history["loss"][1] < history["loss"][0]


def test_predict_step_override_shapes_predict():
    class Classes(keras.Model):
        def predict_step(self, data):
            probabilities = super().predict_step(data)
            return ops.cast(ops.greater(probabilities, 0.5), "int32")

    x, _ = binary_data(20)
    base = mlp()
    model = Classes(base.input, base.output)
    out = model.predict(x, batch_size=8, verbose=0)
    assert out.dtype == np.int32 and out.shape == (20, 1)
    np.testing.assert_array_equal(out, (base.predict(x, verbose=0) > 0.5).astype("int32"))
    np.testing.assert_array_equal(model.predict_on_batch(x), out)


def test_train_step_must_return_a_dict_and_its_logs_reach_callbacks():
    class NoDict(keras.Model):
        def train_step(self, data):
            return 1.0

    x, y = binary_data(16)
    base = mlp()
    with pytest.raises(TypeError, match=r"`train_step` must return a dict of metric values.*received float"):
        model = NoDict(base.inputs, base.outputs)
        model.compile("sgd", "mse")
        model.fit(x, y, verbose=0)

    batch_logs = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batch_logs.append(logs)

    class Constant(keras.Model):
        def train_step(self, data):
            return {"loss": ops.convert_to_tensor(np.float32(2.5)), "nested": {"a": np.float64(1.0)}}

    model = Constant(base.inputs, base.outputs)
    model.compile("sgd", "mse")
    history = model.fit(x, y, batch_size=8, verbose=0, callbacks=[Record()]).history
    assert batch_logs == [{"loss": 2.5, "a": 1.0}] * 2 and history == {"loss": [2.5], "a": [1.0]}
    assert model.train_on_batch(x, y, return_dict=True) == {"loss": 2.5, "a": 1.0}


def test_model_metrics_lists_the_loss_tracker_then_compile_metrics_as_keras_3():
    x, y = binary_data(16)
    model = mlp()
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", "mse"])
    model.fit(x, y, verbose=0)
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    result = model.metrics[1].result()
    assert list(result) == ["accuracy", "mse"]
    model.reset_metrics()
    assert model.metrics[1].result() == {"accuracy": 0.0, "mse": 0.0}
    model.metrics[1].update_state(y, model.predict(x, verbose=0))
    np.testing.assert_allclose(list(model.metrics[1].result().values()),
                               model.evaluate(x, y, verbose=0)[1:], rtol=1e-6)


def test_train_step_receives_inputs_as_the_model_takes_them():
    received = []

    class Spy(keras.Model):
        def train_step(self, data):
            received.append(data)
            return super().train_step(data)

    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    joined = layers.Dense(1)(layers.concatenate([a, b]))
    x = {"a": np.ones((4, 2)), "b": np.ones((4, 3))}
    y, sw = np.zeros((4, 1)), np.ones(4)
    model = Spy(inputs={"a": a, "b": b}, outputs=joined)
    model.compile("sgd", "mse")
    model.fit(x, y, sample_weight=sw, batch_size=4, verbose=0)
    data = received[-1]
    assert isinstance(data, tuple) and len(data) == 3 and sorted(data[0]) == ["a", "b"]
    assert data[1].shape == (4, 1) and data[2].shape == (4,)
    model = Spy([a, b], joined)
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=4, verbose=0)
    assert isinstance(received[-1][0], list) and [v.shape for v in received[-1][0]] == [(4, 2), (4, 3)]
