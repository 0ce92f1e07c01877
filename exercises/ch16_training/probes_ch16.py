"""Instructor probes for chapter 16 (complete; do not edit).

When the grader runs your code in a separate process, your callbacks, your training
loop and the optimizers and losses it is given must all live there: the test cannot
hand a Python object (an optimizer, a callback) across. These probes make those
objects next to your code from plain settings (``("sgd", {"learning_rate": 0.5})``),
run your code, and return plain data: the losses and the models *as they are
afterwards*. The test then repeats the same training with minikeras alone and
compares. Run locally, they simply run in the test's process.

A compiled model whose optimizer has never run cannot be loaded back from its
``.keras`` file at the moment (the file has the optimizer's step counter but not
its slots, and loading expects both), so the probes compile inside, or build the
optimizer's slots before a compiled model is returned (``ready_to_travel``): that
changes no number the tests look at.
"""

import os
import tempfile

import numpy as np

import minikeras as keras
from callbacks_saving import BatchLossLogger, BestWeightsSaver, load_best
from compiled_model import get_model, train
from train_loop import train_epoch, train_step
from training_fix import fixed_model

OPTIMIZERS = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop}
LOSSES = {"sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
          "mse": keras.losses.MeanSquaredError}


def make_optimizer(spec):
    """``("sgd", {"learning_rate": 0.5, "momentum": 0.9})`` -> ``SGD(0.5, momentum=0.9)``."""
    name, kwargs = spec
    return OPTIMIZERS[name](**kwargs)


def ready_to_travel(model):
    """Give a compiled model's optimizer its slot variables, so the model's ``.keras``
    file can be loaded again (see the module docstring)."""
    if getattr(model, "optimizer", None) is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    return model


def file_bytes(path):
    """The bytes of the weights file at ``path`` (a uint8 array: files cross as data)."""
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8).copy()


# ---------------------------------------------------------------- ch16.callbacks

def fit_with_batch_logger(model, x, y, runs, seed, optimizer):
    """Compile ``model`` (``optimizer`` spec, mse), then for each ``runs`` entry (fit
    keyword arguments) fit it with the same ``BatchLossLogger``, after
    ``set_random_seed(seed)``. Returns, per run, the logger's ``batch_losses``."""
    model.compile(optimizer=make_optimizer(optimizer), loss="mse")
    keras.utils.set_random_seed(seed)
    logger = BatchLossLogger()
    found = []
    for run in runs:
        model.fit(x, y, callbacks=[logger], verbose=0, **run)
        found.append(list(logger.batch_losses))
    return found


def fit_with_saver(model, x, y, seed, optimizer, fit_kwargs, saver_kwargs):
    """Compile ``model`` (``optimizer`` spec, mse), ``set_random_seed(seed)``, fit it with
    ``BestWeightsSaver(path, **saver_kwargs)``. Returns the saver's ``saved_epochs`` and
    the bytes of the file it wrote."""
    model.compile(optimizer=make_optimizer(optimizer), loss="mse")
    keras.utils.set_random_seed(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "best.weights.h5")
        saver = BestWeightsSaver(path, **saver_kwargs)
        model.fit(x, y, callbacks=[saver], verbose=0, **fit_kwargs)
        return {"saved_epochs": list(saver.saved_epochs), "file": file_bytes(path)}


def load_best_from(build_model, file):
    """Write ``file`` (bytes of a weights file) and call ``load_best(build_model, path)``."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "best.weights.h5")
        with open(path, "wb") as f:
            f.write(np.asarray(file, dtype=np.uint8).tobytes())
        return load_best(build_model, path)


# ---------------------------------------------------------------- ch16.compiled_model

def compiled_get_model():
    """``get_model()``, ready to travel."""
    return ready_to_travel(get_model())


def train_new_model(x, y, epochs, seed, count_batches=False):
    """``set_random_seed(seed)``, ``model = get_model()``, ``history = train(model, x, y,
    epochs)``. Returns ``history.history`` and the trained model; with
    ``count_batches``, also how many training batches ran (a callback added to every
    ``fit`` call)."""
    keras.utils.set_random_seed(seed)
    model = get_model()
    found = {}
    if count_batches:
        counter = keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: found.__setitem__("steps", found.get("steps", 0) + 1))
        original_fit = model.fit

        def fit_with_counter(*args, **kwargs):
            kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [counter]
            return original_fit(*args, **kwargs)

        model.fit = fit_with_counter
    history = train(model, x, y, epochs=epochs)
    if count_batches:
        del model.fit
    found.update(history=dict(history.history), model=ready_to_travel(model))
    return found


# ---------------------------------------------------------------- ch16.fix_outputs

def compiled_fixed_model():
    """``fixed_model()``, ready to travel."""
    return ready_to_travel(fixed_model())


# ---------------------------------------------------------------- ch16.train_step

def run_train_steps(model, optimizer, loss, x, y, steps=1):
    """``train_step(model, opt, loss_fn, x, y)`` ``steps`` times with one optimizer made
    from the ``optimizer`` spec and ``loss_fn = LOSSES[loss]()``. Returns the losses
    it returned and the model afterwards."""
    opt, loss_fn = make_optimizer(optimizer), LOSSES[loss]()
    losses = [train_step(model, opt, loss_fn, x, y) for _ in range(steps)]
    return {"losses": losses, "model": model}


def run_train_epoch(model, optimizer, loss, x, y, batch_size):
    """``train_epoch(model, opt, loss_fn, x, y, batch_size=batch_size)`` (as above)."""
    losses = train_epoch(model, make_optimizer(optimizer), LOSSES[loss](), x, y, batch_size=batch_size)
    return {"losses": losses, "model": model}
